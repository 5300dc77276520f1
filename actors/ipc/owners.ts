/** User names for messages: `mallory (uid 1002)`, from /etc/passwd (a uid it does not list is shown bare). */
import { readFileSync } from 'node:fs';

let names: Map<number, string> | undefined;

function passwd(): Map<number, string> {
  if (names === undefined) {
    names = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , uid] = line.split(':');
        if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
      }
    } catch {
      // No /etc/passwd to read: uids alone will do.
    }
  }
  return names;
}

export function describeUser(uid: number): string {
  const name = passwd().get(uid);
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

/** `piwheels (uid 1001)`, or `piwheels (uid 1001) or root (uid 0)` for several. */
export function describeUsers(uids: Iterable<number>): string {
  return [...new Set(uids)].map(describeUser).join(' or ');
}
