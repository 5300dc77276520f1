/**
 * A file queue that hears everything and answers nothing: what a slave's transfer meets when the master
 * restarted mid-transfer (the new File Juggler has no EXPECT for it and, as 0.18, does not answer its
 * HELLO). A ROUTER on ipc:// in a temp dir that records each message's frames.
 */
import * as zmq from 'zeromq';
import { tempDir } from '../../zmq/support.js';

export class SilentFileQueue {
  /** Every message received, its frames as text (the peer identity left out): e.g. `['HELLO', '7']`. */
  readonly messages: string[][] = [];

  private constructor(
    private readonly router: zmq.Router,
    readonly address: string,
    private readonly dir: { remove(): Promise<void> },
  ) {
    void this.#loop();
  }

  static async start(): Promise<SilentFileQueue> {
    const dir = await tempDir();
    const router = new zmq.Router({ linger: 0 });
    const address = `ipc://${dir.path}/file-queue`;
    await router.bind(address);
    return new SilentFileQueue(router, address, dir);
  }

  async #loop(): Promise<void> {
    try {
      for await (const [, ...frames] of this.router) this.messages.push(frames.map((f) => f.toString('latin1')));
    } catch (err) {
      if (!this.router.closed) throw err;
    }
  }

  /** How many HELLOs have come. */
  get hellos(): number {
    return this.messages.filter((m) => m[0] === 'HELLO').length;
  }

  async close(): Promise<void> {
    this.router.close();
    await this.dir.remove();
  }
}
