/**
 * Records a master's status queue for the farm model's tests (spec/machines/farm/recorded/):
 *
 *   npx tsx scripts/record-status.ts --status-queue ADDR --control-queue ADDR --seconds 60 --out FILE \
 *     [--send 20:SLEEP] [--send 30:WAKE] [--send 40:KILL:1] ...
 *
 * Subscribes to the status queue, says HELLO on the control queue 1 s later (as a monitor does, so the
 * master replays what it knows), optionally sends control messages at the given seconds (SLEEP and WAKE
 * without an id mean the whole master), and writes one JSON line per event, in order:
 *
 *   {"at": 1796601600123, "frame": "<the CBOR frame, base64>"}        a status message as received
 *   {"at": 1796601600456, "control": {"verb": "SLEEP", "data": null}}  a control message sent
 *
 * `at` is this machine's clock when it happened. Frames are kept raw, so a replay decodes them with the
 * same code a monitor uses. The file is written to a temp name and renamed when done.
 */
import { parseArgs } from 'node:util';
import * as zmq from 'zeromq';
import { writeFileAtomic } from '../actors/support/atomic-file.js';
import { monitorControlProtocol } from '../protocols/master-control.js';
import type { ControlMessage } from '../machines/farm/types.js';

const { values } = parseArgs({
  options: {
    'status-queue': { type: 'string' },
    'control-queue': { type: 'string' },
    seconds: { type: 'string', default: '60' },
    out: { type: 'string' },
    send: { type: 'string', multiple: true, default: [] },
  },
});
const statusQueue = values['status-queue'];
const controlQueue = values['control-queue'];
const out = values.out;
if (!statusQueue || !controlQueue || !out) {
  process.stderr.write('usage: record-status.ts --status-queue ADDR --control-queue ADDR --out FILE [--seconds N] [--send S:VERB[:ID]]...\n');
  process.exit(2);
}

function control(spec: string): { atSeconds: number; msg: ControlMessage } {
  const [seconds, verb, id] = spec.split(':');
  const data = id === undefined ? null : Number(id);
  const msg = (verb === 'HELLO' || verb === 'QUIT' ? { verb } : { verb, data }) as ControlMessage;
  monitorControlProtocol.checkSend(msg);
  return { atSeconds: Number(seconds), msg };
}

const lines: string[] = [];
const sub = new zmq.Subscriber();
sub.connect(statusQueue);
sub.subscribe('');
const push = new zmq.Push({ linger: 1000 });
push.connect(controlQueue);

const sendControl = async (msg: ControlMessage) => {
  await push.send(monitorControlProtocol.encode(msg));
  lines.push(JSON.stringify({ at: Date.now(), control: msg }));
};
const timers = [
  setTimeout(() => void sendControl({ verb: 'HELLO' }), 1000),
  ...values.send.map(control).map(({ atSeconds, msg }) => setTimeout(() => void sendControl(msg), atSeconds * 1000)),
];
const stop = setTimeout(() => sub.close(), Number(values.seconds) * 1000);

try {
  for await (const [frame] of sub) lines.push(JSON.stringify({ at: Date.now(), frame: frame!.toString('base64') }));
} catch (err) {
  if (!sub.closed) throw err;
}
for (const t of [...timers, stop]) clearTimeout(t);
push.close();
await writeFileAtomic(out, lines.map((l) => `${l}\n`).join(''));
process.stderr.write(`recorded ${lines.length} events to ${out}\n`);
