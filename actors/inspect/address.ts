/**
 * Where `piw-master --inspect[=ADDR]` serves its live view. The page shows every actor's state and last
 * events (slave names, package names, file hashes) and takes no password, so it is served to this
 * machine only: ADDR must be a loopback address, and anything else is refused rather than exposed.
 *
 *   --inspect                 127.0.0.1:8008
 *   --inspect=9000            127.0.0.1:9000
 *   --inspect=127.0.0.2:9000  another loopback address; `localhost` is 127.0.0.1; `[::1]:9000` for IPv6
 *   --inspect=127.0.0.1:0     any free port (the master logs the one it got)
 *
 * As for the other switches (and from the environment or a configuration file), yes/true/on/1 mean the
 * default address and no/false/off/0 (or nothing) no live view: a port of 0 or 1 needs its host.
 */
import { isIP } from 'node:net';
import { defineError } from '../../protocols/errors.js';

export interface InspectAddress {
  host: string;
  port: number;
}

export const DEFAULT_INSPECT_HOST = '127.0.0.1';
export const DEFAULT_INSPECT_PORT = 8008;
export const DEFAULT_INSPECT_ADDRESS = `${DEFAULT_INSPECT_HOST}:${DEFAULT_INSPECT_PORT}`;

export const InspectAddressError = defineError('PIW_ERR_INSPECT_ADDRESS', (message: string) => message);
export type InspectAddressError = InstanceType<typeof InspectAddressError>;

const ON = new Set(['1', 'yes', 'true', 'on']);
const OFF = new Set(['', '0', 'no', 'false', 'off']);

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x.x.x. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

/**
 * The address `--inspect`'s value names: `true` (the bare option) or a switch word, a port, a host, or
 * host:port; undefined when the live view is off. Throws InspectAddressError for anything else, and for
 * an address that is not this machine's loopback.
 */
export function parseInspectAddress(value: string | boolean | undefined): InspectAddress | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { host: DEFAULT_INSPECT_HOST, port: DEFAULT_INSPECT_PORT };
  const text = value.trim();
  if (OFF.has(text.toLowerCase())) return undefined;
  if (ON.has(text.toLowerCase())) return { host: DEFAULT_INSPECT_HOST, port: DEFAULT_INSPECT_PORT };
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) [host, portText] = [bracketed[1]!, bracketed[2]];
  else if (/^\d+$/.test(text)) [host, portText] = [DEFAULT_INSPECT_HOST, text];
  else if (isIP(text) === 6) host = text;
  else {
    const colon = text.lastIndexOf(':');
    [host, portText] = colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
  }
  const port = portText === undefined ? DEFAULT_INSPECT_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new InspectAddressError(`expected a port from 0 to 65535, got ${JSON.stringify(portText)}`);
  if (host.toLowerCase() === 'localhost') host = DEFAULT_INSPECT_HOST;
  if (isIP(host) === 0) throw new InspectAddressError(`expected a loopback IP address such as ${DEFAULT_INSPECT_ADDRESS}, got ${JSON.stringify(host)}`);
  if (!isLoopback(host)) {
    throw new InspectAddressError(
      `${host} is not a loopback address: the live view has no password, so it is served to this machine only (127.0.0.1 or ::1; reach it from elsewhere through an SSH tunnel)`,
    );
  }
  return { host, port };
}

/** `http://host:port/` for a bound address (IPv6 in brackets). */
export function inspectUrl({ host, port }: InspectAddress): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}
