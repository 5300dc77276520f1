/**
 * PyPI's XML-RPC changelog (`changelog_since_serial`) at --pypi-xmlrpc. Classifies what can go wrong
 * (behaviour 127): unreachable, HTTP 5xx/408/429 and PyPI's "too many requests" fault (-32500) or a fault
 * with a server-side code (≥ 500) are PyPIUnavailableError — try later; other HTTP states are PyPIHttpError,
 * other faults XmlRpcFaultError, and garbage or a wrongly shaped answer XmlRpcMalformedError.
 */
import type { ChangelogEntry } from '../../protocols/pypi/changelog.js';
import { PyPIHttpError, PyPIUnavailableError, XmlRpcFaultError, XmlRpcMalformedError } from './errors.js';
import { httpExchange, isServerTrouble, type HttpOptions } from './http.js';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from './xmlrpc.js';

export const DEFAULT_PYPI_XMLRPC = 'https://pypi.org/pypi';
/** PyPI's fault for HTTPTooManyRequests. */
const FAULT_TOO_MANY_REQUESTS = -32500;

/** What PyPIEvents reads the changelog through. */
export interface ChangelogSource {
  changelogSinceSerial(serial: number): Promise<ChangelogEntry[]>;
}

export class PyPIXmlRpc implements ChangelogSource {
  constructor(
    readonly url: string = DEFAULT_PYPI_XMLRPC,
    readonly options: HttpOptions = {},
  ) {}

  /** One XML-RPC call; returns its value or throws one of the typed errors above. */
  async call(method: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue> {
    const answer = await httpExchange(
      this.url,
      { method: 'POST', body: encodeMethodCall(method, params), headers: { 'Content-Type': 'text/xml' } },
      this.options,
    );
    if (answer.status < 200 || answer.status > 299) {
      if (isServerTrouble(answer.status)) {
        throw new PyPIUnavailableError(this.url, `HTTP ${answer.status} ${answer.statusText}`.trim());
      }
      throw new PyPIHttpError(this.url, answer.status, answer.statusText);
    }
    try {
      return decodeMethodResponse(answer.body);
    } catch (err) {
      if (err instanceof XmlRpcFaultError && (err.faultCode === FAULT_TOO_MANY_REQUESTS || err.faultCode >= 500)) {
        throw new PyPIUnavailableError(this.url, err.message, { cause: err });
      }
      throw err;
    }
  }

  async changelogSinceSerial(serial: number): Promise<ChangelogEntry[]> {
    return toEntries(await this.call('changelog_since_serial', [serial]));
  }
}

/** Checks every row is `[name, version|nil, timestamp, action, serial]`; one bad row rejects the batch. */
function toEntries(value: XmlRpcValue): ChangelogEntry[] {
  if (!Array.isArray(value)) throw new XmlRpcMalformedError('changelog_since_serial did not return an array');
  return value.map((row, i) => {
    if (!Array.isArray(row) || row.length !== 5) throw badRow(i, 'is not a 5-item array');
    const [pkg, version, timestamp, action, serial] = row;
    if (typeof pkg !== 'string' || pkg === '') throw badRow(i, 'has no package name');
    if (version !== null && typeof version !== 'string') throw badRow(i, 'has a version that is neither a string nor nil');
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw badRow(i, 'has no numeric timestamp');
    if (typeof action !== 'string') throw badRow(i, 'has no action string');
    if (typeof serial !== 'number' || !Number.isSafeInteger(serial) || serial < 0) throw badRow(i, 'has no integer serial');
    return { package: pkg, version, timestamp, action, serial };
  });
}

const badRow = (i: number, what: string) => new XmlRpcMalformedError(`changelog row ${i} ${what}`);
