/**
 * INI files as piwheels' /etc/piwheels.conf is written (Python configparser syntax): `[section]` headers,
 * `key = value` or `key: value`, `#` and `;` comment lines, indented continuation lines, keys without
 * case. Keys before the first header are the file's top level (configargparse files have no sections);
 * `[DEFAULT]` supplies values to every section, as configparser does. No interpolation.
 */
import { ConfigError } from './errors.js';

export interface IniFile {
  /** Keys before any section header. */
  top: Record<string, string>;
  /** Section name (as written) → key → value. */
  sections: Record<string, Record<string, string>>;
}

/** Keys compare without case, and `-` and `_` are the same (`output-path` = `output_path`). */
export function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/-/g, '_');
}

export function parseIni(text: string, filename: string): IniFile {
  const file: IniFile = { top: {}, sections: {} };
  let current = file.top;
  let lastKey: string | undefined;
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    // A comment line is skipped without ending a multi-line value (configparser does so); a blank line ends it.
    if (/^\s*[#;]/.test(line)) return;
    if (/^\s*$/.test(line)) {
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(line) && lastKey !== undefined) {
      current[lastKey] = `${current[lastKey]}\n${line.trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = file.sections[header[1]!.trim()] ??= {};
      lastKey = undefined;
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!pair) throw new ConfigError(`${filename}, line ${i + 1}: expected "key = value" or "[section]", not ${JSON.stringify(line.trim())}`);
    lastKey = normaliseKey(pair[1]!);
    current[lastKey] = pair[2]!.trim();
  });
  return file;
}

/** The values a command reading `section` gets from one file: top level, then [DEFAULT], then its section. */
export function valuesFor(file: IniFile, section: string): Record<string, string> {
  return { ...file.top, ...file.sections.DEFAULT, ...file.sections[section] };
}
