/**
 * Settings, resolved in piwheels' order of precedence: the command line, then the environment, then the
 * configuration files, then the command's defaults, and validated by the command's valibot schema before
 * it starts.
 *
 * Files: `-c FILE` alone when given; otherwise /etc/piwheels.conf, /usr/local/etc/piwheels.conf and
 * ~/.config/piwheels/piwheels.conf, each overriding the one before, those missing skipped (as 0.18's
 * configparser did). A command reads its own section ([master], [slave], [monitor], [initdb], …) plus the
 * file's top level and [DEFAULT].
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { ConfigError } from './errors.js';
import { normaliseKey, parseIni, valuesFor } from './ini.js';

export function defaultConfigFiles(home: string = process.env.HOME || os.homedir()): string[] {
  return ['/etc/piwheels.conf', '/usr/local/etc/piwheels.conf', path.join(home, '.config', 'piwheels', 'piwheels.conf')];
}

export interface ConfigValue {
  value: string;
  /** Where it came from, for messages: `/etc/piwheels.conf [initdb] dsn`. */
  where: string;
}

export interface LoadedConfig {
  /** The files actually read, in order. */
  files: string[];
  /** Normalised key → the value that wins. */
  values: Record<string, ConfigValue>;
}

export function loadConfigFiles(section: string, explicit: string | undefined, defaults: string[] = defaultConfigFiles()): LoadedConfig {
  const loaded: LoadedConfig = { files: [], values: {} };
  for (const file of explicit === undefined ? defaults : [explicit]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (explicit === undefined) continue;
      throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`);
    }
    const ini = parseIni(text, file);
    loaded.files.push(file);
    for (const [key, value] of Object.entries(valuesFor(ini, section))) {
      const inSection = ini.sections[section]?.[key] !== undefined;
      loaded.values[key] = { value, where: `${file}${inSection ? ` [${section}]` : ''} ${key}` };
    }
  }
  return loaded;
}

/** One setting of a command. */
export interface OptionSpec {
  /** The option as written on the command line, for messages: `--dsn`. */
  flag: string;
  /** Its value from the command line; undefined when it was not given. */
  given: string | boolean | undefined;
  /** The environment variable that may set it. */
  env?: string;
  /** Its key in the configuration files (default: the flag without dashes, `-` → `_`). */
  key?: string;
}

/**
 * Picks each setting's value by precedence and validates the lot with `schema` (an object schema whose
 * entries parse the raw strings and booleans, and supply defaults). Raises ConfigError naming the option
 * and where its bad value came from.
 */
export function resolveSettings<S extends v.GenericSchema>(
  options: Record<string, OptionSpec>,
  schema: S,
  config: LoadedConfig,
  env: NodeJS.ProcessEnv = process.env,
): v.InferOutput<S> {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [name, spec] of Object.entries(options)) {
    const key = normaliseKey(spec.key ?? spec.flag.replace(/^-+/, ''));
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    const fromFile = config.values[key];
    if (spec.given !== undefined) {
      raw[name] = spec.given;
      origin[name] = `option ${spec.flag}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw[name] = fromEnv;
      origin[name] = `${spec.flag} (from environment variable ${spec.env})`;
    } else if (fromFile !== undefined) {
      raw[name] = fromFile.value;
      origin[name] = `${spec.flag} (from ${fromFile.where})`;
    }
  }
  const result = v.safeParse(schema, raw);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const name = String(issue.path?.[0]?.key ?? '');
  const what = origin[name] ?? (options[name] ? `option ${options[name]!.flag}` : 'settings');
  throw new ConfigError(`invalid value for ${what}: ${issue.message}`);
}

// Schemas for settings given as text (environment, files) or on the command line ------------------------

const TRUE = new Set(['1', 'yes', 'true', 'on']);
const FALSE = new Set(['0', 'no', 'false', 'off']);

/** A switch: true/false from the command line, or yes/no, true/false, on/off, 1/0 as text. */
export function flag(fallback = false) {
  return v.optional(
    v.pipe(
      v.union([v.boolean(), v.string()]),
      v.transform((x) => (typeof x === 'boolean' ? x : TRUE.has(x.toLowerCase()) ? true : FALSE.has(x.toLowerCase()) ? false : x)),
      v.boolean('expected yes or no'),
    ),
    fallback,
  );
}

/** Text; `fallback` when not set. */
export function text(fallback: string) {
  return v.optional(v.pipe(v.string(), v.nonEmpty('expected a value')), fallback);
}

/** Text, or undefined when not set. */
export function optionalText() {
  return v.optional(v.pipe(v.string(), v.nonEmpty('expected a value')));
}

/** A whole number in [min, max]. */
export function integer(fallback: number, min = -Infinity, max = Infinity) {
  return v.optional(
    v.pipe(
      v.union([v.number(), v.string()]),
      v.transform((x) => (typeof x === 'number' ? x : /^\s*-?\d+\s*$/.test(x) ? Number(x) : NaN)),
      v.number('expected a whole number'),
      v.check((n) => Number.isSafeInteger(n), 'expected a whole number'),
      v.minValue(min, `expected at least ${min}`),
      v.maxValue(max, `expected at most ${max}`),
    ),
    fallback,
  );
}
