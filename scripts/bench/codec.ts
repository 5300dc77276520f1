/**
 * Codec benchmark (issue 2, item 9): validate + encode on the slave's side and decode + validate on the
 * master's, per message, for BUILT with 10 files and for IDLE. Prints messages/s (median of several rounds)
 * with the context needed to judge them; never asserts anything.
 *
 *   npx tsx scripts/bench/codec.ts [rounds]
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { PreciseDate, slaveClientProtocol, slaveDriverProtocol, TimeDelta, type Message } from '../../protocols/index.js';

type ClientMessage = Message<typeof slaveClientProtocol.send>;

const ROUNDS = Number(process.argv[2] ?? 9);
const ROUND_MS = 400;

function builtWithFiles(n: number): ClientMessage {
  const files = Array.from({ length: n }, (_, i) => [
    `package_${i}-1.2.${i}-cp311-cp311-linux_armv7l.whl`,
    1_000_000 + i * 12_345,
    (i.toString(16).padStart(2, '0') + 'a1b2c3d4e5f6').repeat(8).slice(0, 64),
    `package_${i}`,
    `1.2.${i}`,
    'cp311',
    'cp311',
    'linux_armv7l',
    { apt: ['libc6', 'libgcc-s1', 'libstdc++6', 'libatlas3-base'], '': [`/opt/lib/libvendor${i}.so.1`] },
  ]);
  const output = 'Collecting package==1.2.0\n  Building wheel for package (setup.py): started\n'.repeat(40);
  return { verb: 'BUILT', data: [true, new TimeDelta(0, 754, 512345), output, files] } as ClientMessage;
}

const idle: ClientMessage = {
  verb: 'IDLE',
  data: [new PreciseDate(Date.now(), 123), 31268966400, 20120256512, 3978182656, 3311009792, 104853504, 0, 1, 48.3],
};

/** Messages per second over one round of about ROUND_MS. */
function round(step: () => void): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 100; i++) step();
    n += 100;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(label: string, msg: ClientMessage): void {
  const frame = slaveClientProtocol.encode(msg);
  const cases: [string, () => void][] = [
    ['validate + encode + decode + validate', () => slaveDriverProtocol.decode(slaveClientProtocol.encode(msg))],
    ['  validate + encode only', () => slaveClientProtocol.encode(msg)],
    ['  decode + validate only', () => slaveDriverProtocol.decode(frame)],
  ];
  console.log(`\n${label}: ${frame.length} bytes on the wire`);
  for (const [what, step] of cases) {
    round(step); // warm-up
    const rates = Array.from({ length: ROUNDS }, () => round(step));
    const m = median(rates);
    console.log(
      `${what.padEnd(40)} ${Math.round(m).toLocaleString('en').padStart(10)} msg/s  ` +
        `(${(1e6 / m).toFixed(1)} µs/msg; rounds ${Math.round(Math.min(...rates)).toLocaleString('en')}–${Math.round(Math.max(...rates)).toLocaleString('en')})`,
    );
  }
}

console.log(`codec benchmark: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, one thread`);
console.log(`median of ${ROUNDS} rounds of ~${ROUND_MS} ms each, after a warm-up round`);
console.log('for scale: the 0.18 master answers about 3,200 slave messages/s at 500 slaves (DEVELOPERS.md)');
measure('BUILT with 10 files (each with apt and library dependencies)', builtWithFiles(10));
measure('IDLE (slave stats)', idle);
