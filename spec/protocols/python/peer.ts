/**
 * Drives peer.py (a piwheels 0.18 peer on Debian's Python cbor2 and voluptuous): one process per test file,
 * requests pipelined as JSON lines and answered in order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's Python: it has python3-cbor2 and python3-voluptuous (pyenv's python3 first on PATH has neither). */
export const PYTHON = '/usr/bin/python3';

export type Reply = { ok: true; [key: string]: unknown } | { ok: false; error: string; type: string };

export class PythonPeer {
  private readonly waiting: { resolve: (reply: Reply) => void; reject: (err: Error) => void }[] = [];
  private stderr = '';
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line)));
    child.stderr.on('data', (chunk) => (this.stderr += chunk));
    child.on('exit', (code, signal) => {
      this.exited = new Error(`peer.py exited (${code ?? signal}): ${this.stderr.trim()}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
    child.on('error', (err) => {
      this.exited = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    });
  }

  static start(): PythonPeer {
    const script = fileURLToPath(new URL('./peer.py', import.meta.url));
    return new PythonPeer(spawn(PYTHON, [script], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PIP_CONFIG_FILE: '/dev/null' } }));
  }

  request(req: Record<string, unknown>): Promise<Reply> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }
}
