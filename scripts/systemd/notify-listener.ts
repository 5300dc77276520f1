/**
 * systemd's end of sd_notify, for tests and scripts/deploy/prove-armhf.ts: a unix datagram socket (a path, or an abstract name given as
 * `@name`) bound by Debian's python3 — Node has no unix datagram sockets — printing each datagram it
 * receives as one JSON line, with what the socket files of `watch` looked like at that instant (so a test
 * can tell whether READY came before or after the master's sockets existed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

const LISTENER = String.raw`
import json, os, socket, stat, sys
address, watch = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + address[1:] if address.startswith("@") else address)
print(json.dumps({"bound": True}), flush=True)
while True:
    data = s.recv(65536)
    sockets = [p for p in watch if os.path.exists(p) and stat.S_ISSOCK(os.lstat(p).st_mode)]
    print(json.dumps({"text": data.decode(), "sockets": sockets}), flush=True)
`;

/** One datagram: its assignments (`READY=1`, `STATUS=…`) and which watched sockets existed when it came. */
export interface Notification {
  text: string;
  assignments: Record<string, string>;
  sockets: string[];
}

export class NotifyListener {
  readonly received: Notification[] = [];
  #waiters: { test: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];

  private constructor(
    /** The NOTIFY_SOCKET value to hand the service. */
    readonly address: string,
    private readonly child: ChildProcess,
  ) {}

  /** Binds `address` (default: a fresh abstract name), watching the given socket paths. */
  static async start(address = `@piw-notify-test-${randomBytes(6).toString('hex')}`, watch: string[] = []): Promise<NotifyListener> {
    const child = spawn('/usr/bin/python3', ['-c', LISTENER, address, ...watch], { stdio: ['ignore', 'pipe', 'inherit'] });
    const listener = new NotifyListener(address, child);
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the notify listener exited (${code}) before binding ${address}`)));
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as { bound?: true; text?: string; sockets?: string[] };
        if (parsed.bound) return resolve();
        listener.#receive(parsed.text!, parsed.sockets!);
      });
    });
    return listener;
  }

  #receive(text: string, sockets: string[]): void {
    const assignments: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) assignments[line.slice(0, eq)] = line.slice(eq + 1);
    }
    const notification = { text, assignments, sockets };
    this.received.push(notification);
    this.#waiters = this.#waiters.filter((w) => (w.test(notification) ? (w.resolve(notification), false) : true));
  }

  /** The first notification (already received or still to come) that assigns `name` (and `value`, if given). */
  next(name: string, value?: string | RegExp): Promise<Notification> {
    const test = (n: Notification) =>
      name in n.assignments && (value === undefined || (typeof value === 'string' ? n.assignments[name] === value : value.test(n.assignments[name]!)));
    const seen = this.received.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** Every value assigned to `name`, in order. */
  values(name: string): string[] {
    return this.received.flatMap((n) => (name in n.assignments ? [n.assignments[name]!] : []));
  }

  close(): void {
    this.child.kill();
  }
}
