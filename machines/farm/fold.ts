/**
 * The farm model's reducer: folds status messages, our own control messages and the clock into a
 * FarmContext. Pure and immutable (a new context when anything changed, the same one when nothing did);
 * a batch of messages copies the slave map once, so a master's replay of 500 slaves × 100 samples is
 * cheap. The statechart (machine.ts) calls these; faces never do.
 *
 * The rules, after 0.18's monitor (piwheels/monitor/states.py) where it had them:
 *   - SLAVE HELLO starts a slave afresh, unless it is a replay of the one we know (same first-seen time,
 *     or only heard of mid-stream before the replay);
 *     STATS keeps the newest sample; a reply older than what we know of the slave is a replay: ignored.
 *   - Replies set the activity: SLEEP idle, BUILD building, SEND sending, DONE cleaning (until the slave's
 *     next IDLE, whose STATS makes it idle), DIE ended (killed, or expired when its data is null).
 *   - A master HELLO with another start time is a restart: slaves and statistics of the old master go.
 *   - Paused: the master says so only by answering SLEEP true; a SLEEP false or a BUILD says it runs.
 *     A slave put to sleep alone (SLEEP id) keeps hearing SLEEP true while others get work: once another
 *     slave gets work after it fell asleep, its SLEEP true no longer counts as the master's.
 */
import { NoDataMarker } from '../../protocols/cbor/values.js';
import { masterFacts, masterSample, slaveFacts, slaveSample } from './records.js';
import type { ControlMessage, FarmContext, FarmMaster, FarmSlave, ReplyNote, SlaveStatusData, StatusMessage } from './types.js';

/** How much master history the sparklines get. */
export const HISTORY_MS = 60 * 60 * 1000;
/** Samples kept at most (Big Brother sends one every 10 s: 360 an hour). */
export const HISTORY_MAX = 400;
/** How long a slave that has ended stays on show (0.18: 5 s). */
export const ENDED_LINGER_MS = 5_000;

export const EMPTY_MASTER: FarmMaster = {
  facts: null,
  heardAt: null,
  restarts: 0,
  restartedAt: null,
  previousStarted: null,
  stats: null,
  history: [],
  sleepAt: null,
  runningAt: null,
  quitAt: null,
};

export function initialContext(now: number): FarmContext {
  return { now, master: EMPTY_MASTER, slaves: new Map() };
}

/** Whether the evidence says the master is paused. */
export function masterPaused(master: FarmMaster): boolean {
  return master.sleepAt !== null && (master.runningAt === null || master.sleepAt > master.runningAt);
}

function newSlave(id: number, at: number): FarmSlave {
  return {
    id,
    facts: null,
    firstSeen: null,
    lastSeen: at,
    activity: 'idle',
    since: at,
    build: null,
    file: null,
    lastReply: null,
    stats: null,
    clockSkewMs: null,
    asleep: false,
    asleepAlone: false,
    ended: null,
    endedAt: null,
    killRequested: false,
    skipRequested: false,
  };
}

/** A batch being folded: the slave map and the master are copied on their first change. */
class Draft {
  slaves: Map<number, FarmSlave> | null = null;
  master: FarmMaster;
  changed = false;

  constructor(private readonly base: FarmContext) {
    this.master = base.master;
  }

  get currentSlaves(): ReadonlyMap<number, FarmSlave> {
    return this.slaves ?? this.base.slaves;
  }

  setSlave(slave: FarmSlave): void {
    this.slaves ??= new Map(this.base.slaves);
    this.slaves.set(slave.id, slave);
    this.changed = true;
  }

  clearSlaves(): void {
    this.slaves = new Map();
    this.changed = true;
  }

  deleteSlave(id: number): void {
    this.slaves ??= new Map(this.base.slaves);
    this.slaves.delete(id);
    this.changed = true;
  }

  setMaster(patch: Partial<FarmMaster>): void {
    this.master = { ...this.master, ...patch };
    this.changed = true;
  }

  result(now: number): FarmContext {
    if (!this.changed && now === this.base.now) return this.base;
    return { now, master: this.master, slaves: this.slaves ?? this.base.slaves };
  }
}

/** Folds messages received together at `at` (monitor's clock). */
export function foldStatus(context: FarmContext, at: number, messages: readonly StatusMessage[]): FarmContext {
  const draft = new Draft(context);
  draft.setMaster({ heardAt: at });
  for (const msg of messages) {
    if (msg.verb === 'HELLO') foldMasterHello(draft, at, msg.data);
    else if (msg.verb === 'STATS') foldMasterStats(draft, msg.data);
    else foldSlave(draft, msg.data);
  }
  return draft.result(Math.max(context.now, at));
}

function foldMasterHello(draft: Draft, at: number, data: Extract<StatusMessage, { verb: 'HELLO' }>['data']): void {
  const facts = masterFacts(data);
  const known = draft.master.facts;
  if (known !== null && known.started !== facts.started) {
    // Another master (or the same one started again): nothing the old one told us holds any more.
    draft.clearSlaves();
    draft.setMaster({
      ...EMPTY_MASTER,
      facts,
      heardAt: at,
      restarts: draft.master.restarts + 1,
      restartedAt: at,
      previousStarted: known.started,
    });
    return;
  }
  draft.setMaster({ facts });
}

function foldMasterStats(draft: Draft, data: Extract<StatusMessage, { verb: 'STATS' }>['data']): void {
  const sample = masterSample(data);
  const { history, stats } = draft.master;
  // A replay (another monitor's HELLO) repeats samples we have: only newer ones are news.
  if (stats !== null && sample.at <= stats.at) return;
  const from = sample.at - HISTORY_MS;
  let first = 0;
  while (first < history.length && history[first]!.at < from) first++;
  const kept = history.slice(Math.max(first, history.length + 1 - HISTORY_MAX));
  kept.push(sample);
  draft.setMaster({ stats: sample, history: kept });
}

function replyText(verb: ReplyNote['verb'], data: unknown): string {
  switch (verb) {
    case 'ACK':
      return `ACK ${(data as [number, string])[1]}`;
    case 'SLEEP':
      return data ? 'SLEEP (paused)' : 'SLEEP (nothing to build)';
    case 'BUILD': {
      const [pkg, version] = data as [string, string];
      return `BUILD ${pkg} ${version}`;
    }
    case 'SEND':
      return `SEND ${data as string}`;
    case 'DIE':
      return data === null ? 'DIE (timed out)' : 'DIE';
    default:
      return verb;
  }
}

function foldSlave(draft: Draft, data: SlaveStatusData): void {
  const [id, stamp, verb] = data;
  const ts = stamp.getTime();
  const known = draft.currentSlaves.get(id);
  if (verb === 'HELLO') {
    const facts = slaveFacts(data[3]);
    // The master replays HELLO for every monitor that says HELLO: a slave we already follow (or heard of
    // mid-stream, before the replay named it) keeps its state.
    if (known !== undefined && (known.firstSeen === ts || known.firstSeen === null)) {
      draft.setSlave({ ...known, facts, firstSeen: ts });
      return;
    }
    draft.setSlave({ ...newSlave(id, ts), facts, firstSeen: ts });
    return;
  }
  const slave = known ?? newSlave(id, ts);
  if (verb === 'STATS') {
    const sample = slaveSample(data[3]);
    if (slave.stats !== null && sample.at < slave.stats.at) return; // a replayed sample: we know newer
    // The slave's IDLE after cleaning up (0.18: any message but DONE ends "cleaning").
    const cleaned = slave.activity === 'cleaning' && ts >= slave.since;
    draft.setSlave({
      ...slave,
      stats: sample,
      clockSkewMs: ts - sample.at,
      lastSeen: Math.max(slave.lastSeen, ts),
      ...(cleaned ? { activity: 'idle', since: ts, build: null } : {}),
    });
    return;
  }
  if (known !== undefined && ts < known.lastSeen) return; // a replayed reply: we know newer
  const lastReply: ReplyNote = { verb, at: ts, text: replyText(verb, data[3]) };
  const base = { ...slave, lastSeen: ts, lastReply };
  switch (verb) {
    case 'ACK':
      draft.setSlave(base);
      return;
    case 'SLEEP': {
      const asleep = data[3];
      const wasIdle = slave.activity === 'idle';
      draft.setSlave({
        ...base,
        activity: 'idle',
        since: wasIdle ? slave.since : ts,
        build: null,
        file: null,
        asleep,
        asleepAlone: asleep && slave.asleepAlone,
      });
      if (asleep && !slave.asleepAlone) noteSleep(draft, ts);
      else if (!asleep) noteRunning(draft, id, ts);
      return;
    }
    case 'BUILD': {
      const [pkg, version] = data[3];
      draft.setSlave({
        ...base,
        activity: 'building',
        since: ts,
        build: { package: pkg, version },
        file: null,
        asleep: false,
        asleepAlone: false,
        skipRequested: false,
      });
      noteRunning(draft, id, ts);
      return;
    }
    case 'SEND':
      draft.setSlave({ ...base, activity: 'sending', since: slave.activity === 'sending' ? slave.since : ts, file: data[3] });
      return;
    case 'DONE':
      draft.setSlave({ ...base, activity: 'cleaning', since: ts, file: null });
      return;
    case 'DIE':
      draft.setSlave({
        ...base,
        since: ts,
        ended: data[3] instanceof NoDataMarker ? 'killed' : 'expired',
        endedAt: draft.master.heardAt,
        killRequested: false,
      });
      return;
  }
}

function noteSleep(draft: Draft, ts: number): void {
  if (draft.master.sleepAt === null || ts > draft.master.sleepAt) draft.setMaster({ sleepAt: ts });
}

/** The master gave `id` work (or nothing to do) at `ts`: slaves asleep before then are asleep alone. */
function noteRunning(draft: Draft, id: number, ts: number): void {
  const { sleepAt, runningAt } = draft.master;
  if (runningAt === null || ts > runningAt) draft.setMaster({ runningAt: ts });
  // no SLEEP true counted since the last sign of running: every slave asleep then is marked already
  if (sleepAt === null || (runningAt !== null && sleepAt <= runningAt)) return;
  for (const other of draft.currentSlaves.values()) {
    if (other.id !== id && other.asleep && !other.asleepAlone && other.lastSeen < ts) draft.setSlave({ ...other, asleepAlone: true });
  }
}

/** Notes a control message this monitor sent at `at`. */
export function foldControl(context: FarmContext, at: number, msg: ControlMessage): FarmContext {
  const draft = new Draft(context);
  const each = (id: number | null, change: (s: FarmSlave) => FarmSlave) => {
    for (const slave of draft.currentSlaves.values()) if (id === null || slave.id === id) draft.setSlave(change(slave));
  };
  switch (msg.verb) {
    case 'SLEEP':
      if (msg.data === null) draft.setMaster({ sleepAt: at });
      break;
    case 'WAKE':
      if (msg.data === null) draft.setMaster({ runningAt: at });
      // the master clears its kill and skip flags on WAKE
      each(msg.data, (s) => ({ ...s, killRequested: false, skipRequested: false, ...(msg.data === null ? {} : { asleepAlone: false }) }));
      break;
    case 'KILL':
      each(msg.data, (s) => (s.ended === null ? { ...s, killRequested: true } : s));
      break;
    case 'SKIP':
      each(msg.data, (s) => (s.activity === 'building' ? { ...s, skipRequested: true } : s));
      break;
    case 'QUIT':
      draft.setMaster({ quitAt: at });
      break;
    case 'HELLO':
      break;
  }
  return draft.result(Math.max(context.now, at));
}

/** Moves the clock on; slaves that ended more than ENDED_LINGER_MS ago leave. */
export function foldTick(context: FarmContext, now: number): FarmContext {
  const draft = new Draft(context);
  for (const slave of context.slaves.values()) {
    if (slave.endedAt !== null && now - slave.endedAt > ENDED_LINGER_MS) draft.deleteSlave(slave.id);
  }
  return draft.result(Math.max(context.now, now));
}
