/**
 * A raw ZMTP 3.0 peer over a plain socket, for what a well-behaved ZeroMQ socket will not send. An XSUB
 * keeps every subscription it sends in its own trie (to send them again on reconnect), so flooding a PUB
 * with huge or many subscriptions through one costs the attacker as much as the master; this one just
 * writes the frames. It says the NULL-mechanism greeting and READY as the socket type given, then sends
 * single-frame messages, and ignores whatever the master sends back.
 */
import net from 'node:net';

function greeting(): Buffer {
  const g = Buffer.alloc(64);
  // The signature: 0xFF, a 64-bit "length" of 1 (for ZMTP 1.0 peers), 0x7F.
  g[0] = 0xff;
  g[8] = 0x01;
  g[9] = 0x7f;
  g[10] = 3; // version 3.0
  g.write('NULL', 12, 'ascii');
  return g;
}

function ready(socketType: string): Buffer {
  const name = Buffer.from('Socket-Type');
  const value = Buffer.from(socketType);
  const body = Buffer.concat([Buffer.from([5]), Buffer.from('READY'), Buffer.from([name.length]), name, Buffer.alloc(4), value]);
  body.writeUInt32BE(value.length, 1 + 5 + 1 + name.length);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** One frame, the last of its message (ZMTP 3.0 §2.3: short or long size). */
export function zmtpFrame(data: Buffer): Buffer {
  if (data.length < 256) return Buffer.concat([Buffer.from([0x00, data.length]), data]);
  const head = Buffer.alloc(9);
  head[0] = 0x02;
  head.writeBigUInt64BE(BigInt(data.length), 1);
  return Buffer.concat([head, data]);
}

export class RawZmtpPeer {
  readonly #socket: net.Socket;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => (this.#closed = true));
  }

  /** Connects to `tcp://host:port` or `ipc:///path` and introduces itself as `socketType` (e.g. SUB). */
  static connect(address: string, socketType: string): Promise<RawZmtpPeer> {
    const socket = address.startsWith('ipc://')
      ? net.connect({ path: address.slice('ipc://'.length) })
      : net.connect({ host: new URL(address.replace(/^tcp:/, 'http:')).hostname, port: Number(new URL(address.replace(/^tcp:/, 'http:')).port) });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.write(Buffer.concat([greeting(), ready(socketType)]));
        resolve(new RawZmtpPeer(socket));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes one single-frame message; resolves once the socket has taken it (false when the peer is gone). */
  send(data: Buffer): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) =>
      this.#socket.write(zmtpFrame(data), (err) => {
        // The master dropped us (a frame over its limit): whatever was queued behind is lost with it.
        if (err) this.#closed = true;
        resolve(!err);
      }),
    );
  }

  close(): void {
    this.#socket.destroy();
  }
}
