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
    batches.length = 0;
    await pub.send(Buffer.from([0xff, 0x00]));
    for (let i = 1; i <= 1000; i++) await pub.send(frame(i));
    await eventually(() => batches.flat().length === 1000);
    const times = batches.flat().map((m) => (m.verb === 'STATS' ? m.data[0].getTime() : NaN));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(batches.length).toBeLessThan(1000);
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
