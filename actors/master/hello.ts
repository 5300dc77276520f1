/**
 * The master's HELLO on the status queue (protocols/README.md §3.6): `[started, hostname, os_name, os_version,
 * board_revision, board_serial]`, read the way a slave reads its own (actors/slave/machine-facts.ts).
 */
import os from 'node:os';
import type { MasterHelloWire } from '../../protocols/records.js';
import { readBoard, readOsRelease, type BoardSources } from '../slave/machine-facts.js';

export async function masterHello(started: Date, sources: BoardSources & { osReleasePath?: string } = {}): Promise<MasterHelloWire> {
  const [{ osName, osVersion }, { boardRevision, boardSerial }] = await Promise.all([readOsRelease(sources.osReleasePath), readBoard(sources)]);
  return [started, os.hostname(), osName, osVersion, boardRevision, boardSerial];
}
