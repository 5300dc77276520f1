/**
 * A master the test scripts by hand: a ROUTER on ipc:// in a temp dir that hands each request to the test
 * (peer identity and decoded message) and answers only what the test tells it to — raw bytes included, so
 * a test can send a reply the slave must refuse, or none at all.
 */
import * as zmq from 'zeromq';
import { slaveDriverProtocol, type Message } from '../../../../protocols/index.js';
import { tempDir } from '../../zmq/support.js';

export type SlaveMessage = Message<typeof slaveDriverProtocol.recv>;
export type Reply = Message<typeof slaveDriverProtocol.send>;

export interface Request {
  peer: Buffer;
  msg: SlaveMessage;
}

export class ScriptedMaster {
  readonly requests: Request[] = [];
  #waiters: { n: number; resolve: () => void }[] = [];

  private constructor(
    private readonly router: zmq.Router,
    readonly address: string,
    private readonly dir: { remove(): Promise<void> },
  ) {
    void this.#loop();
  }

  static async start(): Promise<ScriptedMaster> {
    const dir = await tempDir();
    const router = new zmq.Router({ linger: 0 });
    const address = `ipc://${dir.path}/slave-queue`;
    await router.bind(address);
    return new ScriptedMaster(router, address, dir);
  }

  async #loop(): Promise<void> {
    try {
      for await (const [peer, , payload] of this.router) {
        this.requests.push({ peer: peer!, msg: slaveDriverProtocol.decode(payload!) });
        this.#waiters = this.#waiters.filter((w) => (this.requests.length >= w.n ? (w.resolve(), false) : true));
      }
    } catch (err) {
      if (!this.router.closed) throw err;
    }
  }

  /** The n-th request (1-based), waiting for it if need be. */
  async request(n: number): Promise<Request> {
    if (this.requests.length < n) await new Promise<void>((resolve) => this.#waiters.push({ n, resolve }));
    return this.requests[n - 1]!;
  }

  /**
   * From request `n` on, CONT to every BUSY until the build is reported; the BUILT request and its number.
   * Anything else in between fails the test.
   */
  async untilBuilt(n: number): Promise<{ built: Request & { msg: Extract<SlaveMessage, { verb: 'BUILT' }> }; n: number }> {
    let request = await this.request(n);
    while (request.msg.verb === 'BUSY') {
      await this.reply(request, { verb: 'CONT' });
      request = await this.request(++n);
    }
    if (request.msg.verb !== 'BUILT') throw new Error(`expected BUILT, not ${request.msg.verb}`);
    return { built: request as Request & { msg: Extract<SlaveMessage, { verb: 'BUILT' }> }, n };
  }

  reply(to: Request, reply: Reply | Buffer): Promise<void> {
    const payload = Buffer.isBuffer(reply) ? reply : slaveDriverProtocol.encode(reply);
    return this.router.send([to.peer, Buffer.alloc(0), payload]);
  }

  async close(): Promise<void> {
    this.router.close();
    await this.dir.remove();
  }
}
