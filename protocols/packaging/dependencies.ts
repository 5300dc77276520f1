/**
 * The run-time dependencies a slave or an importer reports with each wheel: tool → names (protocols/README.md
 * §3.1). They reach users: the apt ones are printed in the project page's `sudo apt install …` line, which
 * people paste into a shell, so a name must be a Debian package name and nothing else (Debian policy
 * §5.6.1: lower-case letters, digits, `+`, `-` and `.`, at least two characters, starting with a letter or
 * digit; here with an optional multiarch qualifier such as `:armhf`). The database takes the tools `apt`,
 * `pip` and `""` (library paths no package owns) and names of up to 255 characters. Pure.
 */
import { clipQuoted } from '../clip.js';
import { isProjectName } from './wheel-filename.js';

const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9][a-z0-9-]*)?$/;
/** An absolute path of printable characters. */
const LIBRARY_PATH = /^\/[^\p{Cc}]*$/u;
const MAX_NAME = 255;

export function isDebianPackageName(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_NAME && DEBIAN_PACKAGE.test(name);
}

const NAME_CHECKS: Record<string, (name: string) => boolean> = {
  apt: isDebianPackageName,
  pip: (name) => name.length <= MAX_NAME && isProjectName(name),
  '': (name) => name.length <= MAX_NAME && LIBRARY_PATH.test(name),
};

const WHAT: Record<string, string> = { apt: 'apt package', pip: 'pip package', '': 'library path' };

/** What is wrong with a wheel's dependencies, or undefined when nothing is. */
export function dependenciesProblem(filename: string, dependencies: Readonly<Record<string, readonly string[]>>): string | undefined {
  for (const [tool, names] of Object.entries(dependencies)) {
    const check = Object.hasOwn(NAME_CHECKS, tool) ? NAME_CHECKS[tool]! : undefined;
    if (check === undefined) return `unknown dependency tool ${clipQuoted(tool)} for ${clipQuoted(filename, 100)}`;
    const bad = names.find((name) => !check(name));
    if (bad !== undefined) return `invalid ${WHAT[tool]} name ${clipQuoted(bad)} in the dependencies of ${clipQuoted(filename, 100)}`;
  }
  return undefined;
}
