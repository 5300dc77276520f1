/**
 * `npm run sense-picture [-- OUT.png]`: draws piw-sense as it looks on a Sense HAT following a busy farm
 * (thirteen slaves on two ABIs, one building for over 15 minutes, one timed out), from the same code
 * that draws on the matrix: the farm model fed the master's status messages (validated on the way, as
 * the monitor client does), the navigation machine, the renderer. Three frames side by side: the main
 * screen with the cursor mid-pulse, the cursor slave's label page, and the free-disk page.
 * Default output: scripts/sense/piw-sense.png (the picture in the README).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor } from 'xstate';
import { farmMachine, sortedSlaves, type StatusMessage } from '../../machines/farm/index.js';
import { navigationMachine, type NavigationEvent } from '../../machines/sense/navigation.js';
import { renderFrame } from '../../actors/sense/display/render.js';
import { NO_DATA, TimeDelta } from '../../protocols/cbor/values.js';
import { monitorProtocol, monitorStatsProtocol } from '../../protocols/monitor-stats.js';
import type { Message } from '../../protocols/protocol.js';
import type { MasterStatsWire, SlaveHelloWire, SlaveStatsWire } from '../../protocols/records.js';
import { drawLeds, encodePng } from './png.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const ago = (seconds: number) => new Date(NOW - seconds * 1000);

/** A message as the master sends it, through the wire and back. */
const wire = (msg: Message<(typeof monitorStatsProtocol)['send']>): StatusMessage => monitorProtocol.decode(monitorStatsProtocol.encode(msg));

const GB = 1024 ** 3;

function slaveHello(id: number, seconds: number, abi: string, label: string): StatusMessage {
  const hello: SlaveHelloWire = [TimeDelta.fromSeconds(3 * 3600), TimeDelta.fromSeconds(300), abi.slice(2), abi, 'linux_armv7l', label, 'Raspbian GNU/Linux', '11 (bullseye)', 'c03111', '1000000012345678'];
  return wire({ verb: 'SLAVE', data: [id, ago(seconds), 'HELLO', hello] });
}

type Doing = 'idle' | 'building' | 'sending' | 'cleaning' | 'long' | 'silent';

/** What the master said to each slave, ending in the state the picture shows. */
function slaveStory(id: number, abi: string, label: string, doing: Doing): StatusMessage[] {
  const joined = doing === 'silent' ? 420 : 3600;
  const lastSeen = doing === 'silent' ? 420 : 4;
  const msgs = [slaveHello(id, joined, abi, label), wire({ verb: 'SLAVE', data: [id, ago(joined), 'ACK', [id, 'https://www.piwheels.org/simple']] })];
  const at = (s: number) => ago(s);
  const jobs: [string, string][] = [['numpy', '2.1.3'], ['pillow', '11.0.0'], ['cryptography', '44.0.0'], ['lxml', '5.3.0']];
  const job = jobs[id % jobs.length]!;
  if (doing === 'idle' || doing === 'silent') msgs.push(wire({ verb: 'SLAVE', data: [id, at(lastSeen), 'SLEEP', false] }));
  if (doing === 'long') msgs.push(wire({ verb: 'SLAVE', data: [id, at(22 * 60), 'BUILD', job] }));
  if (doing === 'building') msgs.push(wire({ verb: 'SLAVE', data: [id, at(90), 'BUILD', job] }));
  if (doing === 'sending' || doing === 'cleaning') {
    msgs.push(wire({ verb: 'SLAVE', data: [id, at(200), 'BUILD', job] }));
    msgs.push(wire({ verb: 'SLAVE', data: [id, at(8), 'SEND', `${job[0]}-${job[1]}-cp311-cp311-linux_armv7l.whl`] }));
  }
  if (doing === 'cleaning') msgs.push(wire({ verb: 'SLAVE', data: [id, at(3), 'DONE', NO_DATA] }));
  if (doing !== 'idle' && doing !== 'silent' && doing !== 'cleaning') {
    const stats: SlaveStatsWire = [at(lastSeen), 32 * GB, 20 * GB, 4 * GB, 3 * GB, GB, GB, 1.5, 52.0];
    msgs.push(wire({ verb: 'SLAVE', data: [id, at(lastSeen), 'STATS', stats] }));
  }
  return msgs;
}

export function busyFarm() {
  const farm = createActor(farmMachine, { input: { now: NOW - 3600_000 } }).start();
  farm.send({ type: 'LINK_UP', at: NOW - 3600_000 });
  const fleet: [string, string, Doing][] = [
    ['cp311', 'pi4-01', 'building'], ['cp311', 'pi4-02', 'building'], ['cp311', 'pi4-03', 'idle'], ['cp311', 'pi4-04', 'sending'],
    ['cp311', 'pi4-05', 'long'], ['cp311', 'pi4-06', 'cleaning'], ['cp311', 'pi4-07', 'building'], ['cp311', 'pi4-08', 'idle'],
    ['cp39', 'pi3-01', 'building'], ['cp39', 'pi3-02', 'idle'], ['cp39', 'pi3-03', 'silent'], ['cp39', 'pi3-04', 'building'], ['cp39', 'pi3-05', 'building'],
  ];
  const messages = [
    wire({ verb: 'HELLO', data: [ago(3 * 86400), 'piwheels-master', 'Debian GNU/Linux', '12 (bookworm)', 'd03114', '10000000abcdef01'] }),
    ...fleet.flatMap(([abi, label, doing], i) => slaveStory(i + 1, abi, label, doing)),
  ];
  farm.send({ type: 'STATUS', at: NOW - 20_000, messages });
  const stats: MasterStatsWire = [
    ago(11), 183_402, { cp311: 41, cp39: 17 }, TimeDelta.fromSeconds(40 * 86400 + 7 * 3600), 123 * GB, { cp311: 19, cp39: 8 },
    12, 1_203_334, 2_811, 1_904_220, 51_200_431, 1000 * GB, 620 * GB, 8 * GB, 5 * GB, 2 * GB, 2 * GB, 0.82, 51.0,
  ];
  farm.send({ type: 'STATUS', at: NOW - 11_000, messages: [wire({ verb: 'STATS', data: stats })] });
  return farm;
}

export function pictureFrames() {
  const farm = busyFarm();
  const navigate = (...events: NavigationEvent[]) => {
    const nav = createActor(navigationMachine).start();
    nav.send({ type: 'SLAVES', ids: sortedSlaves(farm.getSnapshot().context).map((s) => s.id) });
    for (const e of events) nav.send(e);
    return nav.getSnapshot();
  };
  const tick = (n: number): NavigationEvent[] => Array.from({ length: n }, () => ({ type: 'TICK' }));
  const toCursor: NavigationEvent[] = [{ type: 'RIGHT' }, { type: 'DOWN' }]; // slot 6: pi4-02 (cp39 sorts before cp311)
  return [
    renderFrame(farm.getSnapshot(), navigate(...toCursor, ...tick(7)), NOW),
    renderFrame(farm.getSnapshot(), navigate(...toCursor, { type: 'ENTER' }, ...tick(8)), NOW),
    renderFrame(farm.getSnapshot(), navigate({ type: 'UP' }, { type: 'RIGHT' }, ...tick(8)), NOW),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL('./piw-sense.png', import.meta.url));
  const { width, height, rgb } = drawLeds(pictureFrames());
  await writeFile(out, encodePng(width, height, rgb));
  console.log(`wrote ${out} (${width}x${height})`);
}
