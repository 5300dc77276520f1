/**
 * Schema versions. `configuration.version` names the data model a database holds. piwheels 0.18's own
 * initdb leaves '0.18'; each upgrade step of ours appends a counter to the release it builds on: our first
 * step made '0.18.1', the second '0.18.2', and so on.
 * The master refuses any version but SCHEMA_VERSION, telling the operator to run piw-initdb, which
 * upgrades older versions it knows a path from and refuses newer ones (no downgrades).
 */

/** The version of the data model this software reads and writes. */
export const SCHEMA_VERSION = '0.18.3';

/** The version piwheels 0.18's piw-initdb writes: the oldest we upgrade from. */
export const ORIGINAL_VERSION = '0.18';

/** Numeric comparison of dotted versions ('0.9' < '0.18' < '0.18.1'); NaN when either is not dotted digits. */
export function compareVersions(a: string, b: string): number {
  const parse = (s: string) => (/^\d+(\.\d+)*$/.test(s) ? s.split('.').map(Number) : undefined);
  const x = parse(a);
  const y = parse(b);
  if (x === undefined || y === undefined) return NaN;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
