/**
 * The file-transfer frames (protocols/README.md §6): raw ZeroMQ frames with ASCII decimal numbers, no CBOR.
 * Slave/importer DEALER → File Juggler ROUTER: HELLO <slave_id>, CHUNK <offset> <bytes>;
 * File Juggler → client: FETCH <offset> <length>, DONE.
 */
import { ProtocolError } from './errors.js';

export const CHUNK_SIZE = 65536;
export const PIPELINE_SIZE = 10;
/**
 * Files from this size up are fetched in LARGE_CHUNK_SIZE pieces, LARGE_PIPELINE_SIZE of them in flight.
 * With 10 FETCHes in flight, 64 KiB chunks keep only 640 KiB on the wire and a large wheel crawls at the
 * round-trip rate, and each message costs both ends a fixed toll (a receive, a machine step, a send, a read
 * and a write). Bigger is not better without end, though (issue 15, transfer_load.py through a real master):
 * each side then takes fresh memory for every chunk (ZeroMQ's message, a Python client's `pread` result),
 * which costs page faults, and a chunk no longer stays in the CPU's cache between its two copies. Master
 * plus Python client CPU per MiB: 64 KiB × 10 9.5 ms, 256 KiB × 16 6.8 ms, 1 MiB × 8 9.9 ms, 4 MiB × 4
 * 10.7 ms. So 256 KiB. And at most 6 of them in flight (1.5 MiB, MAX_IN_FLIGHT): a Python client (0.18's,
 * transfer_load.py) copies each CHUNK into a ZeroMQ message of its own, and once it has SHA-256'd the file
 * in 1 MiB reads, glibc gives back the top of its heap only past 2 MiB free; with 16 in flight its CHUNKs
 * crossed that line, so the heap shrank and grew again and every chunk's pages were faulted in afresh (35-80
 * faults per MiB; 7 with 6 in flight). Against a bare ROUTER that costs the client 1.3-1.5 ms/MiB at 16 in
 * flight and 0.6-0.7 at 6 or 7; through our master 2.1-2.4 against 1.4 (issue 15). 1.5 MiB in flight is
 * still more than twice 0.18's 640 KiB. Every client, 0.18's included, answers whatever length a FETCH
 * asks, so this is the master's choice alone, and ordinary wheels keep 0.18's exchange exactly (behaviours
 * 76, 77).
 */
export const LARGE_FILE_SIZE = 16 << 20;
export const LARGE_CHUNK_SIZE = 256 << 10;
/** The bytes a transfer with chunks larger than 0.18's may have asked for and not yet received (at least one chunk). */
export const MAX_IN_FLIGHT = 6 * LARGE_CHUNK_SIZE;
/**
 * The largest frame each end takes (ZeroMQ's maxMessageSize; a larger one disconnects the peer): a CHUNK's
 * data is never longer than the master asks for (LARGE_CHUNK_SIZE, or a File Juggler's `chunkSize` up to
 * 4 MiB), and the master's frames are a verb and two decimals.
 */
export const MAX_CLIENT_FRAME = 4 << 20;
export const MAX_MASTER_FRAME = 256;

/** Bytes per FETCH for a file of this size. */
export function chunkSizeFor(filesize: number): number {
  return filesize >= LARGE_FILE_SIZE ? LARGE_CHUNK_SIZE : CHUNK_SIZE;
}

/** FETCHes outstanding at most for chunks of this size: 0.18's PIPELINE_SIZE for its chunks, else as many as MAX_IN_FLIGHT holds. */
export function pipelineSizeFor(chunkSize: number): number {
  return chunkSize <= CHUNK_SIZE ? PIPELINE_SIZE : Math.max(1, Math.floor(MAX_IN_FLIGHT / chunkSize));
}

/**
 * A CHUNK's bytes as the master's transfer sees them: a Buffer, or a stand-in for bytes another thread
 * holds (actors/zmq/file-router-worker.ts); only their length and ranges of them are needed to decide.
 */
export interface ChunkBytes {
  readonly length: number;
  subarray(start?: number, end?: number): ChunkBytes;
}

/** A client's frame; `D` is what its CHUNK data is (a Buffer as parsed here). */
export type ClientFrame<D extends ChunkBytes = Buffer> =
  | { verb: 'HELLO'; slaveId: number }
  | { verb: 'CHUNK'; offset: number; offsetFrame: Buffer; data: D };
export type MasterFrame = { verb: 'FETCH'; offset: number; length: number } | { verb: 'DONE' };

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function parseDecimal(frame: Buffer | undefined, what: string): number {
  const text = frame?.toString('latin1');
  if (text === undefined || !DECIMAL.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ProtocolError('PIW_ERR_INVALID_DATA', `invalid ${what}: ${JSON.stringify(text?.slice(0, 32) ?? null)}`);
  }
  return Number(text);
}

const ascii = (n: number) => Buffer.from(String(n), 'latin1');

export function parseClientFrames(frames: Buffer[]): ClientFrame {
  const verb = frames[0]?.toString('latin1');
  if (verb === 'HELLO' && frames.length === 2) return { verb, slaveId: parseDecimal(frames[1], 'slave id') };
  if (verb === 'CHUNK' && frames.length === 3) {
    return { verb, offset: parseDecimal(frames[1], 'offset'), offsetFrame: frames[1]!, data: frames[2]! };
  }
  throw new ProtocolError('PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${JSON.stringify(verb?.slice(0, 16) ?? null)}`, verb);
}

export function parseMasterFrames(frames: Buffer[]): MasterFrame {
  const verb = frames[0]?.toString('latin1');
  if (verb === 'FETCH' && frames.length === 3) {
    return { verb, offset: parseDecimal(frames[1], 'offset'), length: parseDecimal(frames[2], 'length') };
  }
  if (verb === 'DONE' && frames.length === 1) return { verb };
  throw new ProtocolError('PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${JSON.stringify(verb?.slice(0, 16) ?? null)}`, verb);
}

export function formatMasterFrames(frame: MasterFrame): Buffer[] {
  return masterFrameText(frame).map((text) => Buffer.from(text, 'latin1'));
}

/** The same frames as ASCII strings (ZeroMQ sends a string as its UTF-8 bytes, which for ASCII are these). */
export function masterFrameText(frame: MasterFrame): string[] {
  return frame.verb === 'FETCH' ? ['FETCH', String(frame.offset), String(frame.length)] : ['DONE'];
}

export function helloFrames(slaveId: number): Buffer[] {
  return [Buffer.from('HELLO'), ascii(slaveId)];
}

/** The CHUNK reply echoes the FETCH's offset frame as received. */
export function chunkFrames(offsetFrame: Buffer, data: Buffer): Buffer[] {
  return [Buffer.from('CHUNK'), offsetFrame, data];
}
