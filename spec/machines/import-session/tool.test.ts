import { createActor, fromPromise } from 'xstate';
import { importToolMachine } from '../../../machines/import-session/tool.js';
import type { ImportToolRequest, TransferInput } from '../../../machines/import-session/tool.js';
import { ImportToolError } from '../../../machines/import-session/errors.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { importerProtocol, mrChaseProtocol, ProtocolError } from '../../../protocols/index.js';
import { importOf, wheel } from './harness.js';

const A = 'foo-0.1-py3-none-any.whl';
const B = 'foo-0.1-py2-none-any.whl';

function runTool(request: ImportToolRequest, transfer: (input: TransferInput) => Promise<void> = async () => {}) {
  const out: string[] = [];
  const transfers: string[] = [];
  const machine = importToolMachine.provide({
    actions: {
      // every message goes on the wire as the tool encodes it, and must decode as Mr Chase reads it
      send: (_, msg) => out.push(mrChaseProtocol.decode(importerProtocol.encode(msg)).verb),
      log: () => {},
    },
    actors: {
      transfer: fromPromise<void, TransferInput>(async ({ input }) => {
        transfers.push(`${input.filename} ${input.file[1]}`);
        await transfer(input);
      }),
    },
  });
  const actor = createActor(machine, { input: { request } });
  actor.start();
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { actor, out, transfers, settle };
}

const failure = (t: ReturnType<typeof runTool>) => {
  const output = t.actor.getSnapshot().output;
  if (output?.status !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(output)}`);
  return output.error;
};

describe('import tool: piw-import (behaviour 201)', () => {
  const request: ImportToolRequest = { verb: 'IMPORT', data: importOf([wheel(A, 10), wheel(B, 20)]) };

  test('sends IMPORT, serves each SEND with a transfer then SENT, and ends on DONE', async () => {
    const t = runTool(request);
    expect(t.out).toEqual(['IMPORT']);
    t.actor.send({ type: 'SEND', data: B });
    await t.settle();
    expect(t.transfers).toEqual([`${B} 20`]);
    expect(t.out).toEqual(['IMPORT', 'SENT']);
    t.actor.send({ type: 'SEND', data: A });
    await t.settle();
    t.actor.send({ type: 'DONE' });
    expect(t.transfers).toEqual([`${B} 20`, `${A} 10`]);
    expect(t.out).toEqual(['IMPORT', 'SENT', 'SENT']);
    expect(t.actor.getSnapshot().output).toEqual({ status: 'done' });
  });

  test('a file the master asks for again (failed verify) is sent again', async () => {
    const t = runTool(request);
    for (let i = 0; i < 2; i++) {
      t.actor.send({ type: 'SEND', data: A });
      await t.settle();
    }
    expect(t.transfers).toEqual([`${A} 10`, `${A} 10`]);
  });

  test('ERROR ends the import with the master\'s text, word for word', () => {
    const t = runTool(request);
    t.actor.send({ type: 'ERROR', data: 'unknown package version foo-0.1' });
    const error = failure(t);
    expect(error).toBeInstanceOf(ImportToolError);
    expect([error.code, error.message]).toEqual(['PIW_ERR_MASTER_ERROR', 'unknown package version foo-0.1']);
  });

  test('a SEND for a file that is not part of the import is an unexpected response', () => {
    const t = runTool(request);
    t.actor.send({ type: 'SEND', data: '../etc/passwd' });
    expect(t.transfers).toEqual([]);
    const error = failure(t);
    expect([error.code, error.message]).toEqual([
      'PIW_ERR_UNEXPECTED_RESPONSE',
      'Unexpected response from master: SEND "../etc/passwd", which is not a file of this import',
    ]);
  });

  test('a reply that fails to decode is an unexpected response', () => {
    const t = runTool(request);
    let error: unknown;
    try {
      importerProtocol.decode(Buffer.from([0x64, 0x4e, 0x4f, 0x50, 0x45])); // "NOPE"
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    t.actor.send({ type: 'INVALID', error: error as ProtocolError });
    expect(failure(t).message).toBe('Unexpected response from master: unknown message: NOPE');
  });

  test('a failed transfer ends the import with a typed error naming the file', async () => {
    const t = runTool(request, async () => {
      throw new Error('master fell silent: timed out');
    });
    t.actor.send({ type: 'SEND', data: A });
    await t.settle();
    const error = failure(t);
    expect([error.code, error.message]).toEqual(['PIW_ERR_TRANSFER_FAILED', `transfer of ${A} failed: master fell silent: timed out`]);
    expect(error.cause).toEqual(new Error('master fell silent: timed out'));
    expect(t.out).toEqual(['IMPORT']);
  });
});

describe('import tool: piw-remove and piw-rebuild (behaviours 203–205)', () => {
  test.each<ImportToolRequest>([
    { verb: 'REMOVE', data: ['foo', null, ''] },
    { verb: 'REMOVE', data: ['foo', '0.1', 'broken'] },
    { verb: 'REBUILD', data: ['HOME'] },
    { verb: 'REBUILD', data: ['BOTH', null] },
  ])('%j → DONE is success, ERROR a refusal', (request) => {
    const ok = runTool(request);
    expect(ok.out).toEqual([request.verb]);
    ok.actor.send({ type: 'DONE' });
    expect(ok.actor.getSnapshot().output).toEqual({ status: 'done' });
    const refused = runTool(request);
    refused.actor.send({ type: 'ERROR', data: 'unknown package foo' });
    expect(failure(refused).message).toBe('unknown package foo');
  });

  test('SEND in reply to REMOVE or REBUILD is an unexpected response', () => {
    const t = runTool({ verb: 'REMOVE', data: ['foo', null, ''] });
    t.actor.send({ type: 'SEND', data: A });
    expect(failure(t).message).toBe(`Unexpected response from master: SEND "${A}" in reply to REMOVE`);
    expect(t.transfers).toEqual([]);
  });
});

test('a side effect the owner did not provide fails loudly with a typed error', () => {
  const actor = createActor(importToolMachine, { input: { request: { verb: 'REBUILD', data: ['HOME'] } } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  expect(errors[0]).toBeInstanceOf(NotProvidedError);
});
