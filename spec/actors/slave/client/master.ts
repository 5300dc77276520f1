/**
 * The real master side for the slave's tests: the Slave Driver (slave ROUTER, one slave-session machine per
 * slave) and the File Juggler (file ROUTER, writing into a temp output dir) on a bus, with the in-memory
 * Oracle and Secretary of the Slave Driver's own tests serving the db and web queues. Queues are ipc://
 * sockets in a temp dir, so a test can stop the Slave Driver and start another at the same address.
 */
import { join } from 'node:path';
import { FileJuggler } from '../../../../actors/file-juggler/index.js';
import { createBus, type Bus } from '../../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../../actors/runtime/logger.js';
import { queues } from '../../../../actors/runtime/queues.js';
import { SlaveDriver } from '../../../../actors/slave-driver/index.js';
import type { SlaveStatus } from '../../../../machines/slave-session/index.js';
import { tempDir } from '../../zmq/support.js';
import { FakeOracle, FakeSecretary } from '../../slave-driver/support/fakes.js';

export class TestMaster {
  readonly log = memoryLogger('master', 'info');
  readonly statuses: SlaveStatus[] = [];
  readonly bus: Bus = createBus();
  readonly oracle: FakeOracle;
  readonly web: FakeSecretary;
  readonly slaveQueue: string;
  readonly fileQueue: string;
  readonly output: string;
  driver: SlaveDriver | undefined;
  juggler: FileJuggler | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  private constructor(
    private readonly dir: { path: string; remove(): Promise<void> },
    private readonly pypiSimpleUrl: string,
    abi: string,
  ) {
    this.oracle = new FakeOracle(this.bus, [abi]);
    this.web = new FakeSecretary(this.bus);
    this.slaveQueue = `ipc://${dir.path}/slave-queue`;
    this.fileQueue = `ipc://${dir.path}/file-queue`;
    this.output = join(dir.path, 'www');
    this.#unsubscribe.push(
      this.bus.subscribe(queues.status, (msg) => {
        if (msg.verb === 'SLAVE') this.statuses.push(msg);
      }),
      this.bus.listen(queues.stats, () => {}),
    );
  }

  static async start(opts: { pypiSimpleUrl: string; abi: string }): Promise<TestMaster> {
    const master = new TestMaster(await tempDir(), opts.pypiSimpleUrl, opts.abi);
    master.juggler = await FileJuggler.start({ bus: master.bus, log: master.log.child('file_juggler'), output: master.output, address: master.fileQueue });
    await master.startDriver();
    return master;
  }

  /** (Re)starts the Slave Driver on the same address; slave ids carry on from 1 in a new driver. */
  async startDriver(): Promise<void> {
    this.driver = await SlaveDriver.start({
      bus: this.bus,
      log: this.log.child('slave_driver'),
      address: this.slaveQueue,
      pypiSimpleUrl: this.pypiSimpleUrl,
    });
  }

  async stopDriver(): Promise<void> {
    await this.driver?.stop();
    this.driver = undefined;
  }

  /** One job in the Architect's place. */
  queue(abi: string, pkg: string, version: string): void {
    this.bus.push(queues.builds, { verb: 'QUEUE', data: { [abi]: [[pkg, version]] } });
  }

  /** Reply verbs the monitors were told of for one slave, in order (`STATS` left out). */
  replies(slaveId: number): string[] {
    return this.statuses.filter((s) => s.data[0] === slaveId && s.data[2] !== 'STATS' && s.data[2] !== 'HELLO').map((s) => s.data[2]);
  }

  errors(): string[] {
    return this.log.entries.filter((e) => e.level === 'error').map((e) => `${e.name}: ${e.message}`);
  }

  async close(): Promise<void> {
    await this.stopDriver();
    await this.juggler?.stop();
    for (const stop of this.#unsubscribe) stop();
    this.oracle.stop();
    this.web.stop();
    this.bus.close();
    await this.dir.remove();
  }
}
