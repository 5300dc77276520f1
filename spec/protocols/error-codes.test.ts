/**
 * protocols/error-codes.ts lists every error code, once: each code written in the sources is listed, each
 * listed code is used, each is defined by one room (defineError refuses a second), and no code path a
 * user can reach throws a bare Error.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CODES, definedErrors, type ErrorCode } from '../../protocols/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// npm run statecharts is a command developers run, so its errors are held to the same rule.
const ROOMS = ['actors', 'cli', 'machines', 'protocols', 'schema', 'scripts/statecharts'];
const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...ROOMS.map((r) => `${r}/*.ts`)], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && f !== 'protocols/error-codes.ts');
const text = new Map(sources.map((f) => [f, readFileSync(`${ROOT}${f}`, 'utf8')]));
const CODE = /PIW_ERR_[A-Z0-9_]*[A-Z0-9]/g;

test('every PIW_ERR_ code in the sources is in ERROR_CODES', () => {
  const unlisted = [...text].flatMap(([file, body]) => [...body.matchAll(CODE)].map((m) => m[0]).filter((c) => !(c in ERROR_CODES)).map((c) => `${file}: ${c}`));
  expect(unlisted).toEqual([]);
});

test('every code in ERROR_CODES is used by the sources, and described', () => {
  const used = new Set([...text.values()].flatMap((body) => [...body.matchAll(CODE)].map((m) => m[0])));
  expect(Object.keys(ERROR_CODES).filter((c) => !used.has(c))).toEqual([]);
  expect(Object.entries(ERROR_CODES).filter(([, what]) => what.length < 10)).toEqual([]);
});

test('each code is defined by one room: loading every module that defines errors raises no PIW_ERR_CODE_TAKEN', async () => {
  const defining = [...text].filter(([, body]) => /\bdefineErrors?\(/.test(body)).map(([file]) => file);
  expect(defining.length).toBeGreaterThan(20);
  for (const file of defining) await import(pathToFileURL(`${ROOT}${file}`).href);
  const defined = definedErrors();
  // ProtocolError's codes are the wire's (protocols/README.md §1.3), built by protocol.ts with 0.18's words.
  const wire: ErrorCode[] = ['PIW_ERR_UNKNOWN_MESSAGE', 'PIW_ERR_MISSING_DATA', 'PIW_ERR_UNEXPECTED_DATA', 'PIW_ERR_INVALID_DATA', 'PIW_ERR_SERIALIZE', 'PIW_ERR_DESERIALIZE', 'PIW_ERR_STRUCTURE'];
  expect(wire.filter((c) => defined.has(c))).toEqual([]);
  // Built by hand: the registry's own refusal (defineError cannot define the error it throws).
  const byHand: ErrorCode[] = ['PIW_ERR_CODE_TAKEN'];
  const undefinedCodes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => !defined.has(c) && !wire.includes(c) && !byHand.includes(c));
  expect(undefinedCodes).toEqual([]);
});

test('a second room defining a code another room has is refused', async () => {
  const { defineError, PiwError } = await import('../../protocols/errors.js');
  await import('../../actors/zmq/errors.js'); // defines PIW_ERR_ZMQ_CLOSED for ZmqError
  class OtherRoomError extends PiwError {}
  expect(() => defineError('PIW_ERR_ZMQ_CLOSED', () => 'second', OtherRoomError)).toThrow(
    expect.objectContaining({ code: 'PIW_ERR_CODE_TAKEN' }),
  );
});

test('no bare `throw new Error` in the code a user runs: every error it raises on purpose has a code', () => {
  const bare = [...text].flatMap(([file, body]) =>
    body
      .split('\n')
      .map((line, i) => [line, i + 1] as const)
      .filter(([line]) => /throw new Error\(/.test(line))
      .map(([line, n]) => `${file}:${n}: ${line.trim()}`),
  );
  expect(bare).toEqual([]);
});
