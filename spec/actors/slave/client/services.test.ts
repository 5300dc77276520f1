/** The slave's side effects besides the slave queue: HELLO and IDLE/BUSY data, addresses, SEND's file. */
import { tmpdir } from 'node:os';
import { memoryLogger } from '../../../../actors/runtime/logger.js';
import { machineFacts } from '../../../../actors/slave/machine-facts.js';
import { createSlaveServices, queueAddress, type SlaveServiceSettings } from '../../../../actors/slave/client/services.js';
import { TimeDelta } from '../../../../protocols/cbor/index.js';
import { slaveClientProtocol, slaveDriverProtocol } from '../../../../protocols/slave-driver.js';

let settings: SlaveServiceSettings;

beforeAll(async () => {
  settings = {
    fileQueue: 'tcp://127.0.0.1:5556',
    buildDir: tmpdir(),
    buildTimeoutMs: 90 * 60_000,
    masterTimeoutMs: 5 * 60_000,
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

  test.each([
    ['localhost', 5555, 'tcp://localhost:5555'],
    ['10.0.0.1', 5556, 'tcp://10.0.0.1:5556'],
    ['::1', 5555, 'tcp://[::1]:5555'],
    ['[fe80::1]', 5556, 'tcp://[fe80::1]:5556'],
  ])('the queue address of master %s, port %d, is %s', (host, port, address) => {
    expect(queueAddress(host, port)).toBe(address);
  });
});
