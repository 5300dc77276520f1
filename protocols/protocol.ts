/**
 * A protocol: two maps verb → schema, written from the binding (master) side as in piwheels 0.18's
 * `Protocol(recv, send)`. The client side uses `mirror()`. Validation is the same on both ends of a
 * socket and over the in-process bus (protocols/README.md §1.3).
 */
import * as v from 'valibot';
import { encodeCbor, decodeCbor, unwrapFloats } from './cbor/index.js';
import { clip, clipQuoted } from './clip.js';
import { ProtocolError } from './errors.js';

/** Marks a verb that carries no data (sent as a bare CBOR text string). */
export const NoData = Symbol('NoData');
export type NoData = typeof NoData;

/**
 * Marks a verb whose data is optional: sent bare or with data of this schema. piwheels 0.19 made Mr Chase's
 * `DONE` carry the action done, while 0.18's tools validate a bare `DONE`: each gets the form it knows.
 */
export class MaybeData<S extends v.GenericSchema = v.GenericSchema> {
  constructor(readonly schema: S) {}
}
export const maybeData = <S extends v.GenericSchema>(schema: S) => new MaybeData(schema);

export type VerbSchema = v.GenericSchema | NoData | MaybeData;
export type VerbMap = Record<string, VerbSchema>;

/** The message union of a verb map: `{ verb, data }`, with no `data` for no-data verbs. */
export type Message<M extends VerbMap> = {
  [K in keyof M & string]: M[K] extends NoData
    ? { verb: K; data?: undefined }
    : M[K] extends MaybeData<infer S>
      ? { verb: K; data?: v.InferInput<S> }
      : { verb: K; data: v.InferInput<M[K] & v.GenericSchema> };
}[keyof M & string];

export type DataOf<M extends VerbMap, K extends keyof M & string> = Extract<Message<M>, { verb: K }>['data'];

type PathKey = unknown;

// Stop at the first fault: a hostile frame of a million bad items must not cost a million issue objects.
const FIRST_ISSUE = { abortEarly: true } as const;

/** One issue as voluptuous words it: `expected int @ data[1][0]`; a union names its closest option's fault. */
function describeIssue(issue: v.BaseIssue<unknown>, prefix: readonly PathKey[]): string[] {
  const path = [...prefix, ...(issue.path?.map((p) => p.key) ?? [])];
  if (issue.type === 'union' && issue.issues?.length) {
    // Options whose literal tag did not match are noise; the option that matched says what is wrong.
    const inner = issue.issues.filter((i) => i.type !== 'literal');
    if (inner.length) return inner.flatMap((i) => describeIssue(i, path));
  }
  const where = path.map((k) => (typeof k === 'string' ? `[${clipQuoted(k)}]` : `[${String(k)}]`)).join('');
  // A sequence too short reports its missing items as failing their schema; say what happened instead.
  const last = issue.path?.at(-1);
  const missing = last?.type === 'array' && Array.isArray(last.input) && (last.key as number) >= last.input.length;
  const text = missing ? 'missing item' : issue.message;
  return [where ? `${text} @ data${where}` : text];
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .flatMap((issue) => describeIssue(issue, []))
    .slice(0, 3)
    .join('; ');
}

/** The largest frame a protocol's socket takes unless the protocol says otherwise. */
export const DEFAULT_MAX_FRAME = 1 << 20;

export class Protocol<R extends VerbMap, S extends VerbMap> {
  constructor(
    readonly name: string,
    readonly recv: R,
    readonly send: S,
    /**
     * The largest frame either end's socket takes (ZeroMQ's maxMessageSize): the largest message the
     * protocol carries, with room to spare. A peer that sends a larger frame is disconnected by ZeroMQ
     * before any of it reaches us, so no work is spent on it.
     */
    readonly maxFrame: number = DEFAULT_MAX_FRAME,
  ) {}

  /** The client's view: what the binding side receives, the client sends, and vice versa. */
  mirror(): Protocol<S, R> {
    return new Protocol(this.name, this.send, this.recv, this.maxFrame);
  }

  /** Validates an outgoing message; returns the data as it goes on the wire (floats marked). */
  checkSend(msg: Message<S>): unknown {
    const schema = this.send[msg.verb] as VerbSchema | undefined;
    if (schema === undefined || !Object.hasOwn(this.send, msg.verb)) {
      throw new ProtocolError('PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${msg.verb}`, msg.verb);
    }
    if (schema === NoData) {
      if (msg.data !== undefined) throw new ProtocolError('PIW_ERR_UNEXPECTED_DATA', `no data expected for ${msg.verb}`, msg.verb);
      return undefined;
    }
    if (!('data' in msg) || msg.data === undefined) {
      if (schema instanceof MaybeData) return undefined;
      throw new ProtocolError('PIW_ERR_MISSING_DATA', `data must be specified for ${msg.verb}`, msg.verb);
    }
    const result = v.safeParse(schema instanceof MaybeData ? schema.schema : schema, msg.data, FIRST_ISSUE);
    if (!result.success) {
      throw new ProtocolError('PIW_ERR_INVALID_DATA', `invalid data for ${msg.verb}: ${describeIssues(result.issues)}`, msg.verb);
    }
    return result.output;
  }

  /**
   * Validates an incoming verb and data (already decoded, or handed over in-process); `hasData` false means
   * the bare-string form. Floats come back as plain numbers.
   */
  checkRecv(verb: unknown, data: unknown, hasData: boolean): Message<R> {
    if (typeof verb !== 'string') throw new ProtocolError('PIW_ERR_STRUCTURE', 'invalid message structure received');
    const schema = Object.hasOwn(this.recv, verb) ? (this.recv[verb] as VerbSchema) : undefined;
    if (schema === undefined) {
      const named = clip(verb);
      throw new ProtocolError('PIW_ERR_UNKNOWN_MESSAGE', `unknown message: ${named}`, named);
    }
    if (!hasData) {
      if (schema !== NoData && !(schema instanceof MaybeData)) throw new ProtocolError('PIW_ERR_MISSING_DATA', `missing data for: ${verb}`, verb);
      return { verb } as Message<R>;
    }
    if (schema === NoData) throw new ProtocolError('PIW_ERR_UNEXPECTED_DATA', `data not expected for: ${verb}`, verb);
    const result = v.safeParse(schema instanceof MaybeData ? schema.schema : schema, data, FIRST_ISSUE);
    if (!result.success) {
      throw new ProtocolError('PIW_ERR_INVALID_DATA', `invalid data for ${verb}: ${describeIssues(result.issues)}`, verb);
    }
    return { verb, data: unwrapFloats(data) } as Message<R>;
  }

  /** Frames of the messages whose data is none, a boolean or null, by `verb:data`: made once each. */
  readonly #constantFrames = new Map<string, Buffer>();

  /**
   * Validates and encodes: a bare CBOR string without data, `[verb, data]` with it. A message without data
   * or with a boolean or null (SLEEP false, CONT, DONE: most of the slaves' replies) encodes the same every
   * time, so its frame is made and checked once and then shared: callers must not modify a frame.
   */
  encode(msg: Message<S>): Buffer {
    const data = msg.data as unknown;
    if (data !== undefined && data !== null && data !== true && data !== false) return this.#encode(msg);
    const key = `${msg.verb}:${String(data)}`;
    let frame = this.#constantFrames.get(key);
    if (frame === undefined) {
      // Only a valid message is kept (an unknown verb throws), so there are at most four per verb.
      frame = this.#encode(msg);
      this.#constantFrames.set(key, frame);
    }
    return frame;
  }

  #encode(msg: Message<S>): Buffer {
    const data = this.checkSend(msg);
    try {
      return encodeCbor(data === undefined ? msg.verb : [msg.verb, data]);
    } catch (err) {
      throw new ProtocolError('PIW_ERR_SERIALIZE', 'unable to serialize data', msg.verb);
    }
  }

  /** `[address, empty, payload]` for a ROUTER socket's reply to a REQ peer (0.18's `send_addr_msg`). */
  encodeAddressed(address: Uint8Array, msg: Message<S>): Buffer[] {
    return [Buffer.from(address), Buffer.alloc(0), this.encode(msg)];
  }

  /**
   * A ROUTER socket's view of a REQ peer's message: exactly `[address, empty, payload]`, else "invalid
   * message structure received" (0.18's `recv_addr_msg`, spec/behaviours.md 10).
   */
  decodeAddressed(frames: readonly Uint8Array[]): { address: Buffer; msg: Message<R> } {
    if (frames.length !== 3 || frames[1]!.length !== 0) {
      throw new ProtocolError('PIW_ERR_STRUCTURE', 'invalid message structure received');
    }
    return { address: Buffer.from(frames[0]!), msg: this.decode(frames[2]!) };
  }

  /** Decodes and validates one frame. */
  decode(frame: Uint8Array): Message<R> {
    let item: unknown;
    try {
      item = decodeCbor(frame);
    } catch {
      throw new ProtocolError('PIW_ERR_DESERIALIZE', 'unable to deserialize data');
    }
    if (typeof item === 'string') return this.checkRecv(item, undefined, false);
    if (!Array.isArray(item) || item.length !== 2) {
      throw new ProtocolError('PIW_ERR_STRUCTURE', 'invalid message structure received');
    }
    return this.checkRecv(item[0], item[1], true);
  }
}

export function defineProtocol<R extends VerbMap, S extends VerbMap>(name: string, spec: { recv: R; send: S; maxFrame?: number }): Protocol<R, S> {
  return new Protocol(name, spec.recv, spec.send, spec.maxFrame);
}
