import { LogBatcher, type BatchPolicy } from '../../../actors/lumberjack/log-batcher.js';
import { MemoryLogSink, RejectedBatchError, type LogRecord, type LogSink } from '../../../actors/lumberjack/log-sink.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { FlakySink, HeldSink, RefusingSink, eventually, pageRecord } from './sinks.js';

/** A stand-in for the task's pause gate. */
class Gate {
  private waiters: (() => void)[] = [];
  paused = false;
  whenRunning = (): Promise<void> => (this.paused ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve());
  resume(): void {
    this.paused = false;
    for (const w of this.waiters.splice(0)) w();
  }
}

function batcher(sink: LogSink, policy: Partial<BatchPolicy> = {}, gate = new Gate()) {
  const log = memoryLogger('lumberjack');
  const written: LogRecord[] = [];
  const refused: LogRecord[] = [];
  const b = new LogBatcher({
    sink,
    log,
    policy: { retryInitialMs: 1, retryMaxMs: 4, flushDelayMs: 5, ...policy },
    whenRunning: gate.whenRunning,
    onWritten: (records) => written.push(...records),
    onRefused: (record) => refused.push(record),
  });
  return { b, log, written, refused, gate };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => pageRecord(i));

describe('LogBatcher', () => {
  it('writes every record once, in order, in multi-record batches of at most maxBatch', async () => {
    const sink = new MemoryLogSink();
    const { b, written } = batcher(sink, { maxBatch: 1000 });
    const all = records(5000);
    for (const r of all) b.add(r);
    await eventually(() => sink.records.length === 5000);
    expect(sink.records).toEqual(all);
    expect(written).toEqual(all);
    expect(Math.max(...sink.batches)).toBeLessThanOrEqual(1000);
    expect(sink.batches.length).toBeLessThan(5000);
  });

  it('writes a few records after the flush delay without waiting for a full batch', async () => {
    const sink = new MemoryLogSink();
    const { b } = batcher(sink, { maxBatch: 1000 });
    for (const r of records(3)) b.add(r);
    await eventually(() => sink.records.length === 3);
    expect(sink.batches).toEqual([3]);
  });

  it('retries a batch after transient failures, losing and duplicating nothing', async () => {
    const sink = new FlakySink(3);
    const { b, log } = batcher(sink);
    for (const r of records(10)) b.add(r);
    await eventually(() => sink.records.length === 10);
    expect(sink.attempts).toBe(4);
    expect(sink.records).toEqual(records(10));
    expect(log.entries.filter((e) => e.level === 'warning').map((e) => e.message)).toEqual(['failed to write 10 log records; retrying']);
    expect(log.entries.some((e) => e.message === 'log records written again after 3 failed attempts')).toBe(true);
  });

  it('isolates and drops only the record the database refuses', async () => {
    const sink = new RefusingSink((r) => r.data[0] === 'page37');
    const { b, log, refused } = batcher(sink, { maxBatch: 100 });
    const all = records(100);
    for (const r of all) b.add(r);
    await eventually(() => refused.length === 1 && sink.records.length === 99);
    expect(refused[0]!.data[0]).toBe('page37');
    expect(sink.records).toEqual(all.filter((r) => r.data[0] !== 'page37'));
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'dropping a LOGPAGE record the database refused: value too long for type character varying(30)',
    ]);
  });

  it('says there is no room once maxBuffered records are held, and again once written', async () => {
    const sink = new HeldSink();
    const { b } = batcher(sink, { maxBatch: 4, maxBuffered: 10 });
    for (const r of records(10)) b.add(r);
    expect(b.held).toBe(10);
    let room = false;
    void b.whenRoom().then(() => (room = true));
    await eventually(() => sink.waiting === 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(room).toBe(false);
    sink.release();
    await eventually(() => room);
    expect(b.held).toBeLessThan(10);
  });

  it('starts no write while paused, and writes once resumed', async () => {
    const gate = new Gate();
    gate.paused = true;
    const sink = new MemoryLogSink();
    const { b } = batcher(sink, { maxBatch: 2 }, gate);
    for (const r of records(6)) b.add(r);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.records).toHaveLength(0);
    gate.resume();
    await eventually(() => sink.records.length === 6);
  });

  it('drain writes what is held even while paused', async () => {
    const gate = new Gate();
    gate.paused = true;
    const sink = new MemoryLogSink();
    const { b } = batcher(sink, {}, gate);
    for (const r of records(7)) b.add(r);
    expect(await b.drain(1000)).toBe(0);
    expect(sink.records).toEqual(records(7));
  });

  it('drain gives up at its deadline when the database stays away, and counts what was not written', async () => {
    const sink = new FlakySink(Number.POSITIVE_INFINITY);
    const { b } = batcher(sink, { maxBatch: 4 });
    for (const r of records(10)) b.add(r);
    expect(await b.drain(30)).toBe(10);
    expect(sink.records).toHaveLength(0);
  });

  it('drain gives up at its deadline on a write that hangs', async () => {
    const sink = new HeldSink();
    const { b } = batcher(sink, { maxBatch: 4 });
    for (const r of records(6)) b.add(r);
    await eventually(() => sink.waiting === 1);
    expect(await b.drain(20)).toBe(6);
  });

  it('drain counts only the unwritten part of a batch split around a refused record', async () => {
    const memory = new MemoryLogSink();
    const has = (rs: readonly LogRecord[], name: string) => rs.some((r) => r.data[0] === name);
    const sink: LogSink = {
      async writeBatch(rs) {
        if (has(rs, 'page0')) throw new RejectedBatchError('invalid input syntax');
        // The half without the refused record never gets written.
        if (has(rs, 'page3')) throw new Error('database gone');
        return memory.writeBatch(rs);
      },
    };
    const { b, refused } = batcher(sink, { maxBatch: 4, flushDelayMs: 1000 });
    for (const r of records(4)) b.add(r);
    expect(await b.drain(30)).toBe(2);
    expect(refused.map((r) => r.data[0])).toEqual(['page0']);
    expect(memory.records.map((r) => r.data[0])).toEqual(['page1']);
  });
});
