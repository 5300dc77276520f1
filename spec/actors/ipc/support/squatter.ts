/**
 * A second local user and a squatter running as that user: a real process (Debian's python3 with pyzmq,
 * started with child_process's uid/gid) that binds a ZeroMQ socket where the master's should be and, as
 * REP, answers every request with `reply` (a forged DONE: what makes an unchecked tool report success), or
 * as PULL just takes what it is sent. Everything it receives is kept, so a test can show nothing reached it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The test's second user (made with useradd the first time: the tests run as root). */
export const SQUATTER_NAME = 'piwsquat';

export function secondUser(): { name: string; uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, SQUATTER_NAME], { encoding: 'utf8' }).trim());
  try {
    return { name: SQUATTER_NAME, uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SQUATTER_NAME]);
    return { name: SQUATTER_NAME, uid: id('-u'), gid: id('-g') };
  }
}

/** Whether this process may become another user (root): the squatting tests need it. */
export const canSwitchUser = process.geteuid?.() === 0;

const SCRIPT = String.raw`
import sys, zmq
address, kind, reply = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
socket = zmq.Context().socket(zmq.REP if kind == "REP" else zmq.PULL)
socket.bind(address)
print("bound", flush=True)
while True:
    frames = socket.recv_multipart()
    print(" ".join(f.hex() for f in frames), flush=True)
    if kind == "REP":
        socket.send(reply)
`;

export class Squatter {
  /** Each message received, its frames hex-encoded and space-separated. */
  readonly received: string[] = [];

  private constructor(private readonly child: ChildProcess) {}

  static async start(address: string, kind: 'REP' | 'PULL', reply: Buffer = Buffer.alloc(0)): Promise<Squatter> {
    const { uid, gid } = secondUser();
    const child = spawn('/usr/bin/python3', ['-c', SCRIPT, address, kind, reply.toString('hex')], {
      uid,
      gid,
      cwd: '/',
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const squatter = new Squatter(child);
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the squatter exited (${code}) before binding ${address}`)));
      lines.on('line', (line) => (line === 'bound' ? resolve() : squatter.received.push(line)));
    });
    return squatter;
  }

  /** Resolves once `n` messages have been received (each is printed before the squatter answers it). */
  async waitFor(n: number): Promise<void> {
    while (this.received.length < n) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  close(): void {
    this.child.kill();
  }
}
