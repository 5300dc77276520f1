/**
 * The honest peer of the fault suite and the soak: a 0.18 slave (REQ, the real protocol) that says HELLO,
 * then IDLE every `thinkMs` and times each reply, while others flood the master. A request unanswered for
 * `giveUpMs` counts as lost (a master that froze) and the slave starts again on a fresh socket, as a 0.18
 * slave does after its timeout.
 */
import { performance } from 'node:perf_hooks';
import * as zmq from 'zeromq';
import { slaveClientProtocol, TimeDelta } from '../../protocols/index.js';

export interface HonestFigures {
  replies: number;
  /** Requests that got no reply within `giveUpMs`. */
  lost: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function figuresOf(latencies: readonly number[], lost: number): HonestFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { replies: sorted.length, lost, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

export class HonestSlave {
  readonly latencies: number[] = [];
  lost = 0;
  #running = true;
  #socket: zmq.Request | undefined;
  readonly #done: Promise<void>;

  constructor(
    readonly endpoint: string,
    readonly opts: { abi?: string; thinkMs?: number; giveUpMs?: number } = {},
  ) {
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    const think = this.opts.thinkMs ?? 10;
    const hello = slaveClientProtocol.encode({
      verb: 'HELLO',
      data: [TimeDelta.fromSeconds(3 * 3600), TimeDelta.fromSeconds(300), '311', this.opts.abi ?? 'cp311', 'linux_armv7l', 'honest', 'Raspbian GNU/Linux', '11', 'c03111', 'none'],
    });
    const idle = () => slaveClientProtocol.encode({ verb: 'IDLE', data: [new Date(), 32e9, 20e9, 4e9, 3e9, 0, 0, 0.5, 45.0] });
    while (this.#running) {
      const socket = (this.#socket = new zmq.Request({ linger: 0, receiveTimeout: this.opts.giveUpMs ?? 30_000 }));
      socket.connect(this.endpoint);
      try {
        await this.#ask(socket, hello);
        while (this.#running) {
          await new Promise((resolve) => setTimeout(resolve, think));
          const reply = await this.#ask(socket, idle());
          // Nothing is queued for the honest slave's ABI, so the answer is SLEEP; anything else, start again.
          if (reply !== 'SLEEP') break;
        }
      } catch {
        if (this.#running) this.lost++;
      } finally {
        socket.close();
      }
    }
  }

  async #ask(socket: zmq.Request, frame: Buffer): Promise<string> {
    const t0 = performance.now();
    await socket.send(frame);
    const [reply] = await socket.receive();
    this.latencies.push(performance.now() - t0);
    return slaveClientProtocol.decode(reply!).verb;
  }

  /** Figures of the replies from `from` (an index into `latencies`) on. */
  figures(from = 0): HonestFigures {
    return figuresOf(this.latencies.slice(from), this.lost);
  }

  async stop(): Promise<HonestFigures> {
    this.#running = false;
    this.#socket?.close();
    await this.#done;
    return this.figures();
  }
}
