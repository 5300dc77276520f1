/**
 * A real S3-compatible server for the tests and benchmarks: s3rver (the npm registry's Node S3 server) as its own process
 * on a free loopback port, storing in a temp directory; its access key and secret are S3RVER / S3RVER.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface S3Server {
  endpoint: string;
  credentials: { username: string; secret: string };
  /** The options a piw-wheelhouse command needs to reach it. */
  args: string[];
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const bin = require.resolve('s3rver/bin/s3rver.js');

export async function startS3Server(): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 'piw-s3rver-'));
  const child: ChildProcess = spawn(process.execPath, [bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--silent', '--no-vhost-buckets'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    credentials: { username: 'S3RVER', secret: 'S3RVER' },
    args: ['--endpoint-url', endpoint, '--username', 'S3RVER', '--secret', 'S3RVER'],
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
