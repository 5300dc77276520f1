/**
 * PEP 440 versions as pkg_resources (packaging 20.x, the piwheels 0.18 era) parses and orders them:
 * a valid version becomes a `Version`; anything else a `LegacyVersion`, which sorts before every valid
 * version and is never a pre-release. Pure: no I/O, no clock.
 */

const VERSION_RE = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

/** A number kept as its digit string (no leading zeros) so that huge components compare exactly. */
type Num = string;

export interface ParsedVersion {
  readonly legacy: boolean;
  /** pkg_resources' `is_prerelease`: a dev or pre-release segment (always false for legacy versions). */
  readonly isPrerelease: boolean;
  /** The normalised form (`1.0rc1`, `2!1.0.post0.dev3+ubuntu.1`), or the text unchanged when legacy. */
  readonly normalized: string;
  /** @internal sort key */
  readonly key: VersionKey;
}

type LocalPart = { num: Num } | { str: string };
type VersionKey =
  | { legacy: true; parts: string[] }
  | {
      legacy: false;
      epoch: Num;
      release: Num[]; // trailing zeros removed
      pre: [number, Num] | 'none-dev' | 'none'; // 'none-dev': a bare dev release sorts before any pre-release
      post: Num | null;
      dev: Num | null;
      local: LocalPart[] | null;
    };

const num = (digits: string): Num => digits.replace(/^0+(?=\d)/, '');

function cmpNum(a: Num, b: Num): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };
const PRE_NAME: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

// pkg_resources' LegacyVersion key (setuptools' pre-PEP 440 parse_version).
const LEGACY_COMPONENT_RE = /(\d+|[a-z]+|\.|-)/;
const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

function legacyParts(text: string): string[] {
  const parts: string[] = [];
  const tokens = text.toLowerCase().split(LEGACY_COMPONENT_RE).map((t) => LEGACY_REPLACE[t] ?? t);
  const pieces = tokens.filter((t) => t && t !== '.').map((t) => (/^[0-9]/.test(t) ? t.padStart(8, '0') : '*' + t));
  for (const part of [...pieces, '*final']) {
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.at(-1) === '*final-') parts.pop();
      while (parts.at(-1) === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

export function parseVersion(text: string): ParsedVersion {
  const m = VERSION_RE.exec(text);
  if (!m?.groups) {
    return { legacy: true, isPrerelease: false, normalized: text, key: { legacy: true, parts: legacyParts(text) } };
  }
  const g = m.groups;
  const epoch = num(g.epoch ?? '0');
  const releaseFull = g.release!.split('.').map(num);
  const release = [...releaseFull];
  while (release.length > 0 && release[release.length - 1] === '0') release.pop();
  const preName = g.pre_l ? PRE_NAME[g.pre_l.toLowerCase()]! : null;
  const preNum = g.pre_l ? num(g.pre_n ?? '0') : null;
  const post = g.post ? num(g.post_n1 ?? g.post_n2 ?? '0') : null;
  const dev = g.dev ? num(g.dev_n ?? '0') : null;
  const localText = g.local ? g.local.toLowerCase().split(/[-_.]/) : null;
  const local = localText?.map((p): LocalPart => (/^[0-9]+$/.test(p) ? { num: num(p) } : { str: p })) ?? null;

  let normalized = (epoch !== '0' ? `${epoch}!` : '') + releaseFull.join('.');
  if (preName) normalized += `${preName}${preNum}`;
  if (post !== null) normalized += `.post${post}`;
  if (dev !== null) normalized += `.dev${dev}`;
  if (localText) normalized += `+${localText.join('.')}`;

  const pre: [number, Num] | 'none-dev' | 'none' =
    preName && preNum !== null ? [PRE_RANK[preName]!, preNum] : post === null && dev !== null ? 'none-dev' : 'none';
  return {
    legacy: false,
    isPrerelease: preName !== null || dev !== null,
    normalized,
    key: { legacy: false, epoch, release, pre, post, dev, local },
  };
}

function cmpSeq<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c) return c;
  }
  return a.length - b.length;
}

// -Infinity/+Infinity stand-ins of packaging's key, expressed as ranks.
function cmpPre(a: [number, Num] | 'none-dev' | 'none', b: [number, Num] | 'none-dev' | 'none'): number {
  const rank = (p: typeof a) => (p === 'none-dev' ? 0 : p === 'none' ? 2 : 1);
  const r = rank(a) - rank(b);
  if (r || typeof a === 'string' || typeof b === 'string') return r;
  return a[0] - b[0] || cmpNum(a[1], b[1]);
}

function cmpLocalPart(a: LocalPart, b: LocalPart): number {
  if ('num' in a) return 'num' in b ? cmpNum(a.num, b.num) : 1; // numeric segments sort after alphanumeric ones
  return 'num' in b ? -1 : cmpStr(a.str, b.str);
}

/** Orders like pkg_resources: negative when a < b, 0 when equal (`1.0 == 1.0.0`), positive when a > b. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  const ka = a.key;
  const kb = b.key;
  if (ka.legacy || kb.legacy) {
    if (ka.legacy && kb.legacy) return cmpSeq(ka.parts, kb.parts, cmpStr);
    return ka.legacy ? -1 : 1;
  }
  return (
    cmpNum(ka.epoch, kb.epoch) ||
    cmpSeq(ka.release, kb.release, cmpNum) ||
    cmpPre(ka.pre, kb.pre) ||
    // no post release sorts first (-Infinity); no dev release sorts last (+Infinity)
    (ka.post === null ? (kb.post === null ? 0 : -1) : kb.post === null ? 1 : cmpNum(ka.post, kb.post)) ||
    (ka.dev === null ? (kb.dev === null ? 0 : 1) : kb.dev === null ? -1 : cmpNum(ka.dev, kb.dev)) ||
    (ka.local === null ? (kb.local === null ? 0 : -1) : kb.local === null ? 1 : cmpSeq(ka.local, kb.local, cmpLocalPart))
  );
}

export function compareVersions(a: string, b: string): number {
  return compareParsed(parseVersion(a), parseVersion(b));
}

export function isPrerelease(version: string): boolean {
  return parseVersion(version).isPrerelease;
}
