/**
 * The farm model fed status streams recorded from real runs of our master (scripts/record-status.ts):
 *   our-master-demo.jsonl  `npm start`'s master and its real slave building the demo packages; the
 *                          recorder joined mid-build, paused and resumed the master, and the demo was
 *                          stopped at the end (the slave's BYE shows as DIE)
 *   our-master-load.jsonl  our master on PGlite with five 0.18-style slaves from
 *                          ../shared/loadtools/slave_load.py (--think 2-4): pause, resume, KILL 2, QUIT
 * Each line is replayed as the client would feed it: the frame decoded by the monitor's protocol and
 * folded at the time it was received, a TICK at each event's time, our control messages as CONTROL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor, type SnapshotFrom } from 'xstate';
import { farmMachine, masterState, slaveState, sortedSlaves, type ControlMessage, type FarmEvent } from '../../../machines/farm/index.js';
import { monitorProtocol } from '../../../protocols/monitor-stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

type Line = { at: number; frame: string } | { at: number; control: ControlMessage };
type Snapshot = SnapshotFrom<typeof farmMachine>;

/** Replays a recording; `each` sees the snapshot after every line. */
function replay(name: string, each: (snap: Snapshot, line: Line, i: number) => void = () => {}): Snapshot {
  const lines = readFileSync(path.join(HERE, 'recorded', name), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  const farm = createActor(farmMachine, { input: { now: lines[0]!.at } }).start();
  farm.send({ type: 'LINK_UP', at: lines[0]!.at });
  lines.forEach((line, i) => {
    const events: FarmEvent[] = [{ type: 'TICK', now: line.at }];
    if ('frame' in line) events.push({ type: 'STATUS', at: line.at, messages: [monitorProtocol.decode(Buffer.from(line.frame, 'base64'))] });
    else events.push({ type: 'CONTROL', at: line.at, msg: line.control });
    for (const e of events) farm.send(e);
    each(farm.getSnapshot(), line, i);
  });
  return farm.getSnapshot();
}

test('npm start: the demo slave joins mid-build, builds, sends and cleans up in order, and leaves', () => {
  const steps: string[] = [];
  let pausedWhile: string[] = [];
  const end = replay('our-master-demo.jsonl', (snap, line) => {
    const s = snap.context.slaves.get(1);
    const step = s === undefined ? 'none' : `${s.activity} ${s.build ? `${s.build.package} ${s.build.version}` : ''}`.trim();
    if (steps.at(-1) !== step) steps.push(step);
    if ('control' in line) pausedWhile.push(`${line.control.verb} → ${masterState(snap)}`);
  });
  // heard sending before the replay told us who it is: kept, then named by the replay
  expect(steps).toEqual([
    'none',
    'sending',
    'cleaning',
    'idle',
    ...['piw-demo-cext 1.0', 'piw-demo-multi 0.1', 'piw-demo-multi 0.2'].flatMap((b) => [`building ${b}`, `sending ${b}`, `cleaning ${b}`, 'idle']),
    'building piw-demo-multi 1.0',
  ]);
  expect(pausedWhile).toEqual(['HELLO → running', 'SLEEP → paused', 'WAKE → running']);
  const slave = end.context.slaves.get(1)!;
  expect(slave.facts).toMatchObject({ label: 'demo-slave', abi: 'cp311' });
  expect(slave.ended).toBe('killed');
  expect(end.context.master.facts).not.toBeNull();
  expect(end.context.master.history.length).toBeGreaterThan(3);
  expect(end.context.master.restarts).toBe(0);
});

test('slave_load against our master: five slaves idle, paused by SLEEP true, resumed, one killed, then QUIT', () => {
  let pausedByEvidence = false;
  let killedShown = false;
  const end = replay('our-master-load.jsonl', (snap, line) => {
    if ('frame' in line && masterState(snap) === 'paused') {
      const replies = [...snap.context.slaves.values()].map((s) => s.lastReply?.text);
      if (replies.includes('SLEEP (paused)')) pausedByEvidence = true;
    }
    const two = snap.context.slaves.get(2);
    if (two !== undefined && slaveState(two, snap.context.now) === 'killed') killedShown = true;
  });
  expect(pausedByEvidence).toBe(true);
  expect(killedShown).toBe(true);
  // slave 2 left the list five seconds after its DIE
  expect(end.context.slaves.has(2)).toBe(false);
  expect([...end.context.slaves.keys()].sort()).toEqual([1, 3, 4, 5]);
  const labels = sortedSlaves(end.context).map((s) => s.facts?.label);
  expect(labels).toEqual([...labels].sort());
  expect(labels).toHaveLength(4);
  expect(masterState(end)).toBe('quitting');
});
