/**
 * The changelog action strings piwheels recognises (spec/behaviours.md A.4). The rules are anchored as 0.18's
 * regular expressions are: `add <pyver> file <f>` needs only its prefix; the others must match whole.
 */

/** What an action string stands for; a file upload keeps whether it was an sdist (`add source file …`). */
export type ParsedAction = 'source-file' | 'binary-file' | 'create' | 'remove' | 'yank' | 'unyank';

const addFile = /^add ([^ ]+) file/;
const create = /^create$/;
const remove = /^remove(?: (?:project|release))?$/;
const yank = /^yank release$/;
const unyank = /^unyank release$/;

/** The action an entry stands for, or null for everything piwheels ignores (`new release`, role changes…). */
export function parseAction(action: string): ParsedAction | null {
  const file = addFile.exec(action);
  if (file !== null) return file[1] === 'source' ? 'source-file' : 'binary-file';
  if (create.test(action)) return 'create';
  if (remove.test(action)) return 'remove';
  if (yank.test(action)) return 'yank';
  if (unyank.test(action)) return 'unyank';
  return null;
}
