/** The slave's side effects besides the slave queue: HELLO and IDLE/BUSY data, addresses, SEND's file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../../actors/runtime/logger.js';
import { machineFacts } from '../../../../actors/slave/machine-facts.js';
import type { BuildResult } from '../../../../actors/slave/build.js';
import type { BuiltWheel } from '../../../../actors/slave/built-wheel.js';
import { createSlaveServices, queueAddress, type SlaveServiceSettings } from '../../../../actors/slave/client/services.js';
import { TimeDelta } from '../../../../protocols/cbor/index.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../../protocols/slave-driver.js';
import { MASTER_SILENT } from '../../../../machines/slave-client/index.js';
import { SilentFileQueue } from './silent-file-queue.js';

let settings: SlaveServiceSettings;

beforeAll(async () => {
  settings = {
    fileQueue: 'tcp://127.0.0.1:5556',
    buildDir: tmpdir(),
    buildTimeoutMs: 90 * 60_000,
    masterTimeoutMs: 5 * 60_000,
    transferTimeoutMs: 60_000,
    label: 'slave7',
    python: 'python3',
    facts: await machineFacts({ python: 'python3' }),
    log: memoryLogger(),
  };
});

/** Encodes as the slave would and decodes as the master does. */
const overTheWire = (msg: Parameters<typeof slaveClientProtocol.encode>[0]) => slaveDriverProtocol.decode(slaveClientProtocol.encode(msg));

describe('slave services', () => {
  test('behaviour 182: HELLO carries -t, the master timeout, the build Python’s tags, the label and the machine', () => {
    const hello = createSlaveServices(settings).helloData();
    const { facts } = settings;
    expect(hello).toEqual([
      new TimeDelta(0, 5400),
      new TimeDelta(0, 300),
      facts.pyVersionTag,
      facts.abiTag,
      facts.platformTag,
      'slave7',
      facts.osName,
      facts.osVersion,
      facts.boardRevision,
      facts.boardSerial,
    ]);
    expect(overTheWire({ verb: 'HELLO', data: hello }).verb).toBe('HELLO');
  });

  test('IDLE/BUSY statistics describe the build dir’s filesystem and pass the master’s validation', async () => {
    const stats = await createSlaveServices(settings).statsData();
    const msg = overTheWire({ verb: 'IDLE', data: stats });
    const [timestamp, diskSize, diskFree, memSize] = msg.data as typeof stats;
    expect(timestamp).toBeInstanceOf(Date);
    expect(diskSize).toBeGreaterThan(0);
    expect(diskFree).toBeLessThanOrEqual(diskSize);
    expect(memSize).toBeGreaterThan(0);
  });

  test('behaviour 192: SEND naming a file the build did not make is a protocol error, nothing is sent', async () => {
    const services = createSlaveServices(settings);
    const result = { package: 'foo', version: '1', status: true, duration: new TimeDelta(), output: '', files: [], dir: '', cleanup: async () => {} };
    await expect(services.sendWheel(1, result, '../etc/passwd', new AbortController().signal)).rejects.toMatchObject({
      code: 'PIW_ERR_SLAVE_PROTOCOL',
      message: 'protocol error: SEND named "../etc/passwd", which this build did not make',
    });
  });

  describe('a transfer to a master that never answers', () => {
    let silent: SilentFileQueue;
    beforeEach(async () => {
      silent = await SilentFileQueue.start();
    });
    afterEach(async () => {
      await silent.close();
    });

    /** A build result holding one real file, the wheel SEND names. */
    function built(): { filename: string; result: BuildResult } {
      const filename = 'foo-1-py3-none-any.whl';
      const dir = mkdtempSync(join(tmpdir(), 'piw-services-'));
      const path = join(dir, filename);
      writeFileSync(path, Buffer.alloc(200_000, 7));
      const wheel: BuiltWheel = {
        filename,
        path,
        size: 200_000,
        hash: '0'.repeat(64),
        packageTag: 'foo',
        packageVersionTag: '1',
        pyVersionTag: 'py3',
        abiTag: 'none',
        platformTag: 'any',
        dependencies: {},
      };
      const cleanup = () => rm(dir, { recursive: true, force: true });
      cleanups.push(cleanup);
      return { filename, result: { package: 'foo', version: '1', status: true, duration: new TimeDelta(), output: '', files: [wheel], dir, cleanup } };
    }
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    test('is given up after the transfer timeout with the code that makes the slave start over (MASTER_SILENT)', async () => {
      const services = createSlaveServices({ ...settings, fileQueue: silent.address, transferTimeoutMs: 300 });
      const { filename, result } = built();
      await expect(services.sendWheel(7, result, filename, new AbortController().signal)).rejects.toMatchObject({ code: MASTER_SILENT });
      expect(silent.messages[0]).toEqual(['HELLO', '7']);
    });

    test('never waits longer than the master timeout, however long the transfer timeout', async () => {
      const services = createSlaveServices({ ...settings, fileQueue: silent.address, masterTimeoutMs: 300, transferTimeoutMs: 3_600_000 });
      const { filename, result } = built();
      await expect(services.sendWheel(7, result, filename, new AbortController().signal)).rejects.toMatchObject({ code: MASTER_SILENT });
    });
  });

  test.each([
    ['localhost', 5555, 'tcp://localhost:5555'],
    ['10.0.0.1', 5556, 'tcp://10.0.0.1:5556'],
    ['::1', 5555, 'tcp://[::1]:5555'],
    ['[fe80::1]', 5556, 'tcp://[fe80::1]:5556'],
  ])('the queue address of master %s, port %d, is %s', (host, port, address) => {
    expect(queueAddress(host, port)).toBe(address);
  });
});
