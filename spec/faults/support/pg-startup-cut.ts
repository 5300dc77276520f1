/**
 * A Unix-socket proxy in front of a PostgreSQL cluster that cuts one connection while the client is
 * starting it: the `cutAt`-th time a client sends postgres.js's array-types query (`fetch_types`, its first
 * statement on every new connection), the client is told what `pg_ctl restart -m fast` tells it (FATAL
 * 57P01) and both sides are closed, as when the server goes away at that moment (the second of two quick
 * restarts, a failover). Every other byte passes through untouched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Text of postgres.js's own query on a new connection (node_modules/postgres/src/connection.js). */
const TYPES_QUERY = 'b.typarray';

/** The ErrorResponse a backend sends its client as a fast shutdown terminates it. */
function adminShutdown(): Buffer {
  const fields = Buffer.from(['SFATAL', 'VFATAL', 'C57P01', 'Mterminating connection due to administrator command', ''].join('\0') + '\0', 'latin1');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

export class StartupCutProxy {
  /** Array-types queries seen, and connections cut. */
  seen = 0;
  cut = 0;
  readonly #sockets = new Set<net.Socket>();

  private constructor(
    readonly dir: string,
    private readonly server: net.Server,
  ) {}

  /** Listens in a new directory, forwarding to the cluster whose socket is in `upstreamDir`. */
  static async start(upstreamDir: string, cutAt: number): Promise<StartupCutProxy> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'piw-faults-proxy-'));
    const upstreamPath = path.join(upstreamDir, '.s.PGSQL.5432');
    const server = net.createServer();
    const proxy = new StartupCutProxy(dir, server);
    server.on('connection', (client) => {
      const upstream = net.connect(upstreamPath);
      proxy.#track(client, upstream);
      let tail = '';
      client.on('data', (chunk: Buffer) => {
        // The query may straddle two reads: look at the end of the last one too.
        const text = tail + chunk.toString('latin1');
        tail = text.slice(-TYPES_QUERY.length);
        if (text.includes(TYPES_QUERY) && ++proxy.seen === cutAt) {
          proxy.cut++;
          upstream.destroy();
          client.end(adminShutdown());
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path.join(dir, '.s.PGSQL.5432'), resolve);
    });
    return proxy;
  }

  /** The DSN of the cluster's database through the proxy. */
  dsn(user: string, password: string): string {
    return `postgres://${user}:${password}@${encodeURIComponent(this.dir)}:5432/piwheels`;
  }

  #track(client: net.Socket, upstream: net.Socket): void {
    for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
      this.#sockets.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.#sockets.delete(socket);
        other.destroy();
      });
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
