/**
 * Run as another local user by local-user.test.ts: tries each of the master's ipc sockets, first with a
 * plain Unix-socket connect (what the file's mode allows), then as the peer that socket serves would,
 * doing what such a peer could do harm with (QUIT on the control queue, REMOVE on the import queue, a
 * record on the log queue, a subscription on the status queue); `--harmless` does harmless things instead
 * (the check that the probe can work at all, run as the master's own user). Prints one JSON line.
 */
import net from 'node:net';
import * as zmq from 'zeromq';
import { importerProtocol, loggerProtocol, monitorControlProtocol, type SearchRecordWire } from '../../../protocols/index.js';

const [status, control, importQueue, log, ...rest] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const harmless = rest.includes('--harmless');

function connectCode(address: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: address.replace(/^ipc:\/\//, '') });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function tryStatus(): Promise<string> {
  const sub = new zmq.Subscriber({ linger: 0, receiveTimeout: 3000 });
  sub.connect(status);
  sub.subscribe();
  // The master publishes on its own only now and then: ask it for a HELLO too (harmless runs only).
  const push = new zmq.Push({ linger: 0, sendTimeout: 1000 });
  push.connect(control);
  try {
    if (harmless) await push.send(monitorControlProtocol.encode({ verb: 'HELLO' })).catch(() => undefined);
    await sub.receive();
    return 'received';
  } catch {
    return 'nothing';
  } finally {
    sub.close();
    push.close();
  }
}

async function tryPush(address: string, frame: Buffer): Promise<string> {
  const push = new zmq.Push({ linger: 0, sendTimeout: 2000 });
  push.connect(address);
  try {
    await push.send(frame);
    // Queued locally even when nobody can be reached: give a connection a moment to carry it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return 'queued';
  } catch {
    return 'not sent';
  } finally {
    push.close();
  }
}

async function tryImport(): Promise<string> {
  const req = new zmq.Request({ linger: 0, receiveTimeout: 3000 });
  req.connect(importQueue);
  try {
    const msg = harmless
      ? importerProtocol.encode({ verb: 'REBUILD', data: ['HOME'] })
      : importerProtocol.encode({ verb: 'REMOVE', data: ['fault-pkg-0', null, ''] });
    await req.send(msg);
    const [reply] = await req.receive();
    return `answered ${importerProtocol.decode(reply!).verb}`;
  } catch {
    return 'no answer';
  } finally {
    req.close();
  }
}

const record: SearchRecordWire = ['fault-pkg-0', '127.0.0.1', new Date(), null, null, null, null, null, null, null, null, null, null];

const result = {
  uid: process.getuid?.(),
  connect: {
    status: await connectCode(status),
    control: await connectCode(control),
    import: await connectCode(importQueue),
    log: await connectCode(log),
  },
  peer: {
    status: await tryStatus(),
    control: await tryPush(control, monitorControlProtocol.encode(harmless ? { verb: 'HELLO' } : { verb: 'QUIT' })),
    import: await tryImport(),
    log: await tryPush(log, loggerProtocol.encode({ verb: 'LOGSEARCH', data: record })),
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
