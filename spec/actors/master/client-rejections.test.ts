/**
 * The master survives the database client's own unhandled rejection of a connection it was opening
 * (porsager/postgres#1192) and nothing else: run in a child process, as Node ends a process for it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A process that installs the guard, then leaves `rejection` unhandled and waits a moment. */
function runWith(rejection: string): { status: number | null; stderr: string } {
  const script = `
    import { surviveDbClientRejections } from './actors/master/client-rejections.ts';
    import { createLogger } from './actors/runtime/logger.ts';
    surviveDbClientRejections(createLogger('master'));
    void Promise.reject(${rejection});
    setTimeout(() => process.exit(0), 200);`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

test('a rejection that says the server went away (57P01 while starting a connection) is logged and the process carries on', () => {
  const { status, stderr } = runWith("Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })");
  expect(stderr).toMatch(/WARNING master: the database client lost a connection it was opening \(terminating connection due to administrator command\); carrying on/);
  expect(status).toBe(0);
});

test('any other unhandled rejection still ends the process with status 1', () => {
  const { status, stderr } = runWith("Object.assign(new Error('a bug of ours'), { code: '42P01' })");
  expect(stderr).toContain('a bug of ours');
  expect(stderr).not.toContain('carrying on');
  expect(status).toBe(1);
});
