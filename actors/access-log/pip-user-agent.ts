/**
 * The JSON pip puts in its User-Agent (`pip/20.0.2 {"cpu":"armv7l","distro":{…},…}`), turned into the ten
 * trailing fields of a download or search record (web-templates/README.md §7). The text from the first `{` to the
 * end is decoded; no `{`, or anything that does not decode, counts as an empty object. Values that are not
 * strings are written as text (a number) or left out (an object).
 */

/** arch, distro_name, distro_version, os_name, os_version, py_name, py_version, installer_name,
 * installer_version, setuptools_version. */
export type PipUserData = [
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

type Json = Record<string, unknown>;

// With the u flag a surrogate pair is one code point, so these match lone surrogates only.
const LONE_SURROGATE = /\p{Surrogate}/u;
const LONE_SURROGATES = /\p{Surrogate}/gu;

function text(value: unknown): string | null {
  // JSON may spell a lone surrogate (`\ud800`), which has no UTF-8 form to send: it becomes U+FFFD.
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\ufffd') : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function member(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj) && Object.hasOwn(obj, key) ? (obj as Json)[key] : undefined;
}

function decode(userAgent: string): Json {
  const brace = userAgent.indexOf('{');
  if (brace < 0) return {};
  try {
    const value: unknown = JSON.parse(userAgent.slice(brace));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

export function pipUserData(userAgent: string): PipUserData {
  const data = decode(userAgent);
  const hasImplementation = Object.hasOwn(data, 'implementation');
  const implementation = data.implementation;
  const distro = data.distro;
  const system = data.system;
  const installer = data.installer;
  return [
    text(data.cpu),
    text(member(distro, 'name')),
    text(member(distro, 'version')),
    text(member(system, 'name')),
    text(member(system, 'release')),
    hasImplementation ? text(member(implementation, 'name')) : 'CPython',
    hasImplementation ? text(member(implementation, 'version')) : text(data.python),
    text(member(installer, 'name')),
    text(member(installer, 'version')),
    text(data.setuptools_version),
  ];
}
