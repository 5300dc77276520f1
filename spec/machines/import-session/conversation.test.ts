/**
 * The four machines of an import together: piw-import's tool machine talks to Mr Chase's session machine in
 * CBOR (encoded and decoded by the mr_chase protocol), and each SEND is served by a client transfer machine
 * talking raw frames (formatted and parsed by protocols/file-transfer) to a master transfer machine that a
 * stand-in File Juggler creates on EXPECT and checks on VERIFY. Frames and messages are delivered on later
 * turns of the event loop, like sockets would. Only the machines' owners are stand-ins.
 */
import { createHash } from 'node:crypto';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { clientTransferMachine, masterFrameEvent } from '../../../machines/file-transfer/client-transfer.js';
import { clientFrameEvent, masterTransferMachine, transferOutcome } from '../../../machines/file-transfer/master-transfer.js';
import type { VerifyInput, VerifyOutput } from '../../../machines/file-transfer/master-transfer.js';
import { createImportSessionMachine } from '../../../machines/import-session/services.js';
import { importToolMachine, masterReplyEvent } from '../../../machines/import-session/tool.js';
import { importRequestEvent } from '../../../machines/import-session/machine.js';
import type { TransferInput } from '../../../machines/import-session/tool.js';
import type { FileStateWire } from '../../../protocols/index.js';
import {
  chunkFrames,
  formatMasterFrames,
  helloFrames,
  importerProtocol,
  mrChaseProtocol,
  parseClientFrames,
  parseMasterFrames,
} from '../../../protocols/index.js';
import { importOf } from './harness.js';

const later = (fn: () => void) => setImmediate(fn);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function wheelFile(filename: string, size: number): { state: FileStateWire; content: Buffer } {
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i++) content[i] = (i * 31 + 7) & 0xff;
  const parts = filename.slice(0, -4).split('-');
  return {
    state: [filename, size, sha256(content), parts[0]!, parts[1]!, parts.at(-3)!, parts.at(-2)!, parts.at(-1)!, {}],
    content,
  };
}

/** A stand-in File Juggler: EXPECT creates a master transfer machine, HELLO frames find it, VERIFY awaits it. */
function fileJuggler() {
  const pending = new Map<number, { transfer: AnyActorRef; temp: Buffer }>();
  const committed = new Map<string, Buffer>();
  let clientInbox: ((frames: Buffer[]) => void) | null = null;
  return {
    committed,
    expect(slaveId: number, file: FileStateWire) {
      const temp = Buffer.alloc(file[1]);
      const transfer = createActor(
        masterTransferMachine.provide({
          actions: {
            sendFrames: (_, frames) => {
              for (const frame of frames) {
                const wire = formatMasterFrames(frame);
                later(() => clientInbox?.(wire));
              }
            },
            writeChunk: (_, { offset, data }) => {
              // the frames this test feeds carry Buffers
              if (data.length) temp.set(data as Uint8Array, offset);
            },
            log: () => {},
          },
          actors: {
            verify: fromPromise<VerifyOutput, VerifyInput>(async () => ({ size: temp.length, sha256: sha256(temp) })),
          },
        }),
        { input: { slaveId, file } },
      );
      transfer.start();
      pending.set(slaveId, { transfer, temp });
    },
    /** A DEALER connection from a client: its frames go to the transfer its HELLO names. */
    connect(inbox: (frames: Buffer[]) => void) {
      clientInbox = inbox;
      let transfer: AnyActorRef | undefined;
      return (frames: Buffer[]) =>
        later(() => {
          const event = clientFrameEvent(parseClientFrames(frames));
          if (event.type === 'HELLO') transfer ??= pending.get(event.slaveId)?.transfer;
          transfer?.send(event);
        });
    },
    async verify(slaveId: number, pkg: string, filename: string): Promise<boolean> {
      const expected = pending.get(slaveId);
      if (!expected) return false;
      const ended = await waitFor(expected.transfer, (s) => transferOutcome(s) !== undefined);
      pending.delete(slaveId);
      expected.transfer.stop();
      if (transferOutcome(ended)!.status !== 'verified') return false;
      committed.set(`simple/${pkg}/${filename}`, expected.temp);
      return true;
    },
  };
}

async function importFiles(files: { state: FileStateWire; content: Buffer }[], corruptFirstSend = false) {
  const juggler = fileJuggler();
  const effects: string[] = [];
  let expected: FileStateWire | null = null;
  let sessionInbox: ((frame: Buffer) => void) | null = null;
  let toolInbox: ((frame: Buffer) => void) | null = null;

  // Mr Chase's session, speaking CBOR
  const session = createActor(
    createImportSessionMachine({
      reply: (_, reply) => {
        const frame = mrChaseProtocol.encode(reply);
        later(() => toolInbox?.(frame));
      },
      pushStats: () => {},
      refreshBuilds: () => {},
      log: () => {},
      addPackage: async () => 'NEWPKG',
      addVersion: async () => 'NEWVER',
      getAbis: async () => new Set(['cp311']),
      versionExists: async () => true,
      packageExists: async () => true,
      logBuild: async (build) => {
        effects.push(`LOGBUILD ${build[7].map((f) => f[0]).join(',')}`);
        return 1;
      },
      expectFile: async ({ slaveId, file }) => {
        expected = file;
        juggler.expect(slaveId, file);
      },
      verifyFile: async ({ slaveId, package: pkg }) => {
        const ok = await juggler.verify(slaveId, pkg, expected![0]);
        effects.push(`VERIFY ${expected![0]} ${ok ? 'OK' : 'ERROR'}`);
        return ok;
      },
      requestPages: async (msg) => void effects.push(`web ${msg.verb} ${msg.data}`),
      skipDeleted: async () => {},
      skipPackage: async () => {},
      skipVersion: async () => {},
      deletePackage: async () => {},
      deleteVersion: async () => {},
      deleteBuild: async () => {},
      projectVersions: async () => [],
      allPackages: async () => new Set(),
    }),
    { input: { client: 'piw-import' } },
  );
  session.start();
  sessionInbox = (frame) => {
    session.send(importRequestEvent(mrChaseProtocol.decode(frame)));
  };

  // piw-import's side: each SEND runs a client transfer machine over a new "DEALER"
  const sends: string[] = [];
  const tool = createActor(
    importToolMachine.provide({
      actions: {
        send: (_, msg) => {
          const frame = importerProtocol.encode(msg);
          later(() => sessionInbox?.(frame));
        },
        log: () => {},
      },
      actors: {
        transfer: fromPromise<void, TransferInput>(async ({ input }) => {
          sends.push(input.filename);
          const source = files.find((f) => f.state[0] === input.filename)!.content;
          const content = corruptFirstSend && sends.length === 1 ? Buffer.alloc(source.length, 0xff) : source;
          let toMaster: (frames: Buffer[]) => void = () => {};
          const client = createActor(
            clientTransferMachine.provide({
              actions: {
                sendHello: (_, { slaveId }) => toMaster(helloFrames(slaveId)),
                sendChunk: (_, { offset, offsetFrame, length }) =>
                  toMaster(chunkFrames(Buffer.from(offsetFrame), content.subarray(offset, offset + length))),
                log: () => {},
              },
            }),
            { input: { slaveId: 0, filesize: input.file[1] } },
          );
          toMaster = juggler.connect((frames) => client.send(masterFrameEvent(parseMasterFrames(frames), frames[1])));
          client.start();
          const done = await waitFor(client, (s) => s.status === 'done');
          const output = done.output!;
          if (output.status === 'failed') throw output.error;
        }),
      },
    }),
    { input: { request: { verb: 'IMPORT', data: importOf(files.map((f) => f.state), { abi: 'cp311' }) } } },
  );
  toolInbox = (frame) => {
    tool.send(masterReplyEvent(importerProtocol.decode(frame)));
  };
  tool.start();
  const finished = await waitFor(tool, (s) => s.status === 'done', { timeout: 10_000 });
  await waitFor(session, (s) => s.status === 'done', { timeout: 10_000 });
  return { outcome: finished.output, session: session.getSnapshot().output, sends, effects, committed: juggler.committed };
}

describe('an import end to end through the four machines', () => {
  test('two wheels (one armv7l, over 10 chunks) are transferred, verified, then logged and announced', async () => {
    const big = wheelFile('foo-0.1-cp311-cp311-linux_armv7l.whl', 11 * 65536 + 123);
    const small = wheelFile('foo-0.1-py3-none-any.whl', 123456);
    const result = await importFiles([big, small]);
    expect(result.outcome).toEqual({ status: 'done' });
    expect(result.session).toEqual({ outcome: 'done' });
    expect(result.effects).toEqual([
      'VERIFY foo-0.1-cp311-cp311-linux_armv7l.whl OK',
      'VERIFY foo-0.1-py3-none-any.whl OK',
      'LOGBUILD foo-0.1-cp311-cp311-linux_armv6l.whl,foo-0.1-cp311-cp311-linux_armv7l.whl,foo-0.1-py3-none-any.whl',
      'web BOTH foo',
    ]);
    expect(result.sends).toEqual(['foo-0.1-cp311-cp311-linux_armv7l.whl', 'foo-0.1-py3-none-any.whl']);
    expect([...result.committed.keys()]).toEqual([
      'simple/foo/foo-0.1-cp311-cp311-linux_armv7l.whl',
      'simple/foo/foo-0.1-py3-none-any.whl',
    ]);
    expect(result.committed.get('simple/foo/foo-0.1-cp311-cp311-linux_armv7l.whl')!.equals(big.content)).toBe(true);
    expect(result.committed.get('simple/foo/foo-0.1-py3-none-any.whl')!.equals(small.content)).toBe(true);
  });

  test('a transfer that fails to verify is re-EXPECTed and sent again, then succeeds', async () => {
    const small = wheelFile('foo-0.1-py3-none-any.whl', 70000);
    const result = await importFiles([small], true);
    expect(result.sends).toEqual(['foo-0.1-py3-none-any.whl', 'foo-0.1-py3-none-any.whl']);
    expect(result.outcome).toEqual({ status: 'done' });
    expect(result.effects).toEqual([
      'VERIFY foo-0.1-py3-none-any.whl ERROR',
      'VERIFY foo-0.1-py3-none-any.whl OK',
      'LOGBUILD foo-0.1-py3-none-any.whl',
      'web BOTH foo',
    ]);
    expect(result.committed.get('simple/foo/foo-0.1-py3-none-any.whl')!.equals(small.content)).toBe(true);
  });
});
