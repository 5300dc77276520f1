/**
 * The contract lives in the repository, each part in its room: the wire in protocols/README.md, the
 * database in schema/README.md, the site in web-templates/README.md and the numbered behaviours in
 * spec/behaviours.md. Code cites them as "protocols/README.md §4.1" and "behaviour 17"; these tests make
 * every such citation resolve, so a newcomer can follow each one and a renumbered section is caught.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['protocols/README.md', 'schema/README.md', 'web-templates/README.md', 'spec/behaviours.md'] as const;

/** Every text file git knows, with its contents (pictures and archives left out). */
function sources(): { path: string; text: string }[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((p) => p !== '' && !/\.(svg|png|whl|gz|tar|zip|lock)$|(^|\/)package-lock\.json$/.test(p))
    .filter((p) => lstatSync(join(ROOT, p)).isFile())
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

/** The section numbers a document's headings carry: "## 4. Protocols" → 4, "### 4.1 `slave_driver`" → 4.1, "### A.3 How" → A.3. */
function sections(doc: string): Set<string> {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} ([0-9A-Z]+(?:\.[0-9]+)*)\.? /gm)].map((m) => m[1]!));
}

/** The numbered behaviours: "17. Task framework: …" at the start of a line. */
function behaviours(): Set<number> {
  const text = readFileSync(join(ROOT, 'spec/behaviours.md'), 'utf8');
  return new Set([...text.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1])));
}

/** "17", "17–19", "17-19", "17, 18 and 20" → the numbers they name. */
function numbersIn(list: string): number[] {
  return list.split(/,|\band\b|\bor\b/).flatMap((part) => {
    const range = /(\d+)\s*[–-]\s*(\d+)/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    }
    const one = /(\d+)/.exec(part);
    return one ? [Number(one[1])] : [];
  });
}

const files = sources();

describe('the contract is in the repository', () => {
  test('each part of the reference is in its room', () => {
    for (const doc of DOCS) expect(sections(doc).size).toBeGreaterThan(3);
    expect(behaviours().size).toBeGreaterThanOrEqual(219);
  });

  test('nothing cites the reference outside the repository or by its old file names', () => {
    const stale = files.flatMap(({ path, text }) =>
      [...text.matchAll(/shared\/reference|(?<![\w/.-])(?:protocols|schema|web-output|behaviours)\.md\b/g)].map((m) => `${path}: ${m[0]}`),
    );
    expect(stale).toEqual([]);
  });

  test('every "<room>/README.md §N" names a section that exists', () => {
    const known = Object.fromEntries(DOCS.map((doc) => [doc, sections(doc)]));
    const missing: string[] = [];
    let checked = 0;
    for (const { path, text } of files) {
      for (const m of text.matchAll(/((?:protocols|schema|web-templates)\/README\.md|spec\/behaviours\.md),? ?§ ?([0-9A-Z]+(?:\.[0-9]+)*)/g)) {
        const [doc, section] = [m[1]!, m[2]!];
        // "§4.1.2" resolves to the deepest heading that exists ("4.1"); headings go two levels deep.
        const parts = section.split('.');
        const found = parts.some((_, i) => known[doc]!.has(parts.slice(0, parts.length - i).join('.')));
        if (!found) missing.push(`${path}: ${m[0]}`);
        checked += 1;
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  test('every "behaviour N" names a numbered behaviour of spec/behaviours.md', () => {
    const known = behaviours();
    const missing: string[] = [];
    let checked = 0;
    for (const { path, text } of files) {
      if (path === 'spec/behaviours.md') continue;
      for (const m of text.matchAll(/\b[Bb]ehaviours? (\d+(?:\s*(?:[–-]|,|and|or)\s*\d+)*)/g)) {
        for (const n of numbersIn(m[1]!)) if (!known.has(n)) missing.push(`${path}: ${m[0]}`);
        checked += 1;
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });
});
