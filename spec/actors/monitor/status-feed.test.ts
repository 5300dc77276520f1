import * as zmq from 'zeromq';
import { openStatusFeed } from '../../../actors/monitor/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import type { StatusMessage } from '../../../machines/farm/index.js';
import { monitorStatsProtocol } from '../../../protocols/monitor-stats.js';
import { masterStats } from '../../machines/farm/fixtures.js';
import { eventually, tempDir } from '../zmq/support.js';

/** A master STATS frame stamped `t` seconds after the tests' time zero. */
const frame = (t: number) => monitorStatsProtocol.encode(masterStats(t) as Parameters<typeof monitorStatsProtocol.encode>[0]);

test('a burst arrives as a few batches, in order; garbage is logged and dropped; the link is reported both ways', async () => {
  const dir = await tempDir();
  const address = `ipc://${dir.path}/status`;
  const log = memoryLogger('monitor');
  const batches: StatusMessage[][] = [];
  const links: boolean[] = [];
  const feed = openStatusFeed({ address, log, onMessages: (m) => batches.push(m), onLink: (up) => links.push(up) });
  const pub = new zmq.Publisher();
  try {
    await pub.bind(address);
    await eventually(() => links.length === 1);
    // the subscription travels after the handshake: publish until it is seen
    while (batches.length === 0) {
      await pub.send(frame(0));
      await new Promise((r) => setTimeout(r, 20));
    }
    // frames of time 0 still on their way (a loaded machine sends many before the first arrives) are not the burst's
    const stamp = (m: StatusMessage) => (m.verb === 'STATS' ? m.data[0].getTime() : NaN);
    const zero = stamp(masterStats(0));
    const burst = () => batches.filter((b) => b.some((m) => stamp(m) !== zero));
    await pub.send(Buffer.from([0xff, 0x00]));
    for (let i = 1; i <= 1000; i++) await pub.send(frame(i));
    await eventually(() => burst().flat().filter((m) => stamp(m) !== zero).length === 1000);
    const times = burst().flat().map(stamp).filter((t) => t !== zero);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(burst().length).toBeLessThan(1000);
    expect(log.entries.map((e) => e.message)).toContain('unable to deserialize data');
    pub.close();
    await eventually(() => links.length === 2);
    expect(links).toEqual([true, false]);
  } finally {
    pub.close();
    await feed.close();
    await dir.remove();
  }
});
