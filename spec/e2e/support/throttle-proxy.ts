/**
 * A TCP proxy that slows one direction down: what a client sends upstream is passed on at `bytesPerSecond`
 * at most, what comes back passes at once. Between a slave and the master's file queue it stretches a
 * wheel's transfer over seconds, so a test can act while the transfer is under way; `hold()` stops the
 * flow upstream altogether until `release()`, so nothing more arrives while the test acts. When either
 * side closes, so does the other, as a network link failing would: a ZeroMQ peer then reconnects by itself.
 */
import net from 'node:net';

export interface ThrottleProxy {
  /** `tcp://127.0.0.1:PORT`. */
  readonly address: string;
  /** Bytes passed upstream so far, over all connections. */
  readonly upstreamBytes: number;
  /** Passes nothing more upstream until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Slices of time the budget is refilled in: short enough for a smooth flow. */
const TICK_MS = 50;

export async function startThrottleProxy(target: { host: string; port: number }, bytesPerSecond: number): Promise<ThrottleProxy> {
  let upstreamBytes = 0;
  let held = false;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));

    // Upstream: a budget of bytes per tick; reading stops while the budget is spent.
    const pending: Buffer[] = [];
    let budget = 0;
    const perTick = Math.max(1, Math.floor((bytesPerSecond * TICK_MS) / 1000));
    const flush = () => {
      while (pending.length > 0 && budget > 0) {
        const head = pending[0]!;
        const n = Math.min(head.length, budget);
        upstream.write(head.subarray(0, n));
        upstreamBytes += n;
        budget -= n;
        if (n === head.length) pending.shift();
        else pending[0] = head.subarray(n);
      }
      if (pending.length === 0) client.resume();
    };
    const timer = setInterval(() => {
      budget = held ? 0 : perTick;
      flush();
    }, TICK_MS);
    timers.add(timer);
    client.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
    client.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      client.pause();
      flush();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `tcp://127.0.0.1:${port}`,
    get upstreamBytes() {
      return upstreamBytes;
    },
    hold: () => void (held = true),
    release: () => void (held = false),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
