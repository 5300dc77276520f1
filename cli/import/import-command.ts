/**
 * piw-import FILES… (manual chapter 7; behaviours 196–202): registers the wheels as one successful build and
 * sends them to the master.
 *
 * What is imported is worked out before the master is asked anything: each file must be a readable wheel
 * with a plain PEP 427 name; its size and SHA-256 are computed here. The package and version are those of
 * the first wheel's METADATA (the package canonicalised), or of its file name when it has none, unless
 * `--package` / `--package-version` say otherwise; the ABI is `--abi`, else the first wheel's ABI tag
 * ("none" cannot be a builder's: the user must say). A summary is shown and confirmed unless `-y`.
 *
 * The master logs the build, then asks for each file; each goes over a fresh connection to the file queue
 * (`--file-queue`, default tcp://localhost:5556, 0.18's hard-coded address), with a progress line on a
 * terminal. Exit 0 only after the master's DONE; then, with `--delete`, the files are removed. A refused
 * import prints the master's reason and exits 1 with nothing deleted.
 */
import { readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../actors/runtime/logger.js';
import { canonicalizeName, isProjectName } from '../../protocols/packaging/wheel-filename.js';
import type { TimeDelta } from '../../protocols/cbor/values.js';
import type { BuildStateWire } from '../../protocols/records.js';
import type { Settings } from '../common/command.js';
import { flag } from '../common/config.js';
import { ConfigError, EXIT_OK, EXIT_USAGE } from '../common/errors.js';
import { formatDuration, parseDuration } from '../common/duration.js';
import { toolErrors } from '../master-link/errors.js';
import { fileStateOf, readLocalWheel, type LocalWheel } from './local-wheel.js';
import { confirmAndSendImport } from './send-import.js';
import { address, MasterToolCommand, packageArgument, toolSchemaEntries } from '../master-link/tool-command.js';

/** Where piw-import sends files: 0.18 hard-coded this address; ours is an option. */
export const DEFAULT_IMPORT_FILE_QUEUE = 'tcp://localhost:5556';
/** The build output recorded when --output is not given (behaviour 198). */
export const DEFAULT_IMPORT_OUTPUT = 'Imported manually via piw-import';

const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

// What describes one import (--package, --abi, --output, …) comes from the command line only.
const schema = v.object({
  ...toolSchemaEntries,
  fileQueue: address(DEFAULT_IMPORT_FILE_QUEUE),
  quiet: flag(),
});

export class ImportCommand extends MasterToolCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = {
    '--package': 'PACKAGE',
    '--package-version': 'VERSION',
    '--abi': 'ABI',
    '--duration': 'DURATION',
    '--output': 'FILE',
    '--dependencies': 'FILE',
    '--import-queue': 'ADDR',
    '--file-queue': 'ADDR',
    '--timeout': 'SECS',
  };
  static override usage = Command.Usage({
    description: 'Inject wheels manually into the piwheels database and file-system',
    details: `
      Registers the given wheel(s) as the output of one successful build and uploads them to the master. The
      package and version are those of the first file (its METADATA, the package name canonicalised, or its
      file name when it has no METADATA); the ABI is the first file's ABI tag. The other files may be of other
      versions, but the master takes only wheels of the package imported. Must run on the same machine as
      piw-master.

      Exits 0 once the build is registered and every file uploaded and verified; then --delete removes the
      files. If anything fails the exit status is non-zero and no file is deleted.

      Settings may also come from the environment (PIW_IMPORT_QUEUE, PIW_FILE_QUEUE, PIW_MASTER_TIMEOUT)
      and from the [import] section of the configuration files.
    `,
    examples: [
      ['Import a wheel built elsewhere', '$0 foo-1.0-cp311-cp311-linux_armv7l.whl'],
      ['Import binary-only wheels in a script, removing them afterwards', '$0 -y --delete --abi cp311 *.whl'],
    ],
  });

  readonly section = 'import';
  readonly logName = 'import';

  package = Option.String('--package', { description: 'The name of the package to import; if omitted this will be derived from the file(s) specified' });
  packageVersion = Option.String('--package-version', {
    description: 'The version of the package to import; if omitted this will be derived from the file(s) specified',
  });
  abi = Option.String('--abi', { description: 'The ABI of the package to import; if omitted this will be derived from the file(s) specified' });
  duration = Option.String('--duration', { description: 'The time taken to build the package (default: 0s)' });
  output = Option.String('--output', {
    description: 'The filename containing the build output to insert into the database; if this is omitted an appropriate message will be inserted instead',
  });
  dependencies = Option.String('--dependencies', {
    description: 'A file listing the apt packages the wheel(s) need, separated by whitespace',
  });
  delete = Option.Boolean('-d,--delete', {
    description: 'Remove the specified file(s) after a successful import; if the import fails, no files will be removed',
  });
  fileQueue = Option.String('--file-queue', {
    description: `The address of the master's file queue the files are sent to (default: ${DEFAULT_IMPORT_FILE_QUEUE})`,
  });
  files = Option.Rest({ name: 'files', required: 1 });

  settings() {
    return {
      options: {
        ...this.toolOptions(),
        fileQueue: { flag: '--file-queue', given: this.fileQueue, env: 'PIW_FILE_QUEUE' },
        quiet: { flag: '--quiet', given: this.quiet },
      },
      schema,
    };
  }

  async main(settings: Settings<typeof schema>, log: Logger): Promise<number> {
    let duration: TimeDelta;
    try {
      duration = parseDuration(this.duration ?? '0s');
    } catch (err) {
      throw new ConfigError(`invalid value for option --duration: ${(err as Error).message}`);
    }
    if (this.abi !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._]*$/.test(this.abi)) {
      throw new ConfigError(`invalid value for option --abi: ${JSON.stringify(this.abi)} is not an ABI tag`);
    }
    if (this.abi === 'none') throw new ConfigError('invalid value for option --abi: "none" is not the ABI of a builder');
    const output = this.output === undefined ? DEFAULT_IMPORT_OUTPUT : await readOptionFile('--output', this.output);
    const dependencies = this.dependencies === undefined ? {} : aptDependencies(await readOptionFile('--dependencies', this.dependencies));

    const wheels: LocalWheel[] = [];
    const seen = new Map<string, string>();
    for (const path of this.files) {
      const wheel = await readLocalWheel(path);
      const earlier = seen.get(wheel.filename);
      if (earlier !== undefined) {
        throw toolErrors.input(earlier === resolve(path) ? `${path} is given twice` : `${earlier} and ${path} have the same name: one build cannot hold both`);
      }
      seen.set(wheel.filename, resolve(path));
      wheels.push(wheel);
    }
    const first = wheels[0]!;
    if (first.metadata === undefined && (this.package === undefined || this.packageVersion === undefined)) {
      log.warn(`${first.path} has no METADATA; the package and version are taken from its file name`);
    }
    const pkg = this.package !== undefined ? packageArgument(this.package) : canonicalizeName(first.metadata?.name ?? first.wheel.distribution);
    if (!isProjectName(pkg)) throw toolErrors.input(`${first.path} names an invalid package ${JSON.stringify(first.metadata?.name)}; give --package`);
    const version = this.packageVersion ?? first.metadata?.version ?? first.wheel.version;
    if (version === '' || /\s/.test(version)) throw toolErrors.input(`invalid version ${JSON.stringify(version)}`);
    const abi = this.abi ?? first.wheel.abiTag;
    // behaviour 197: a pure wheel says nothing of the builder (`noabi` is `none` too)
    if (abi === 'none' || abi === 'noabi') throw toolErrors.noAbi();

    const files = wheels.map((w) => fileStateOf(w, dependencies)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const build: BuildStateWire = [0, pkg, version, abi, true, duration, output, files];

    const sent = await confirmAndSendImport({
      build,
      wheels,
      importQueue: settings.importQueue,
      fileQueue: connectable(settings.fileQueue),
      timeoutMs: this.timeoutMs(settings),
      log,
      stderr: this.context.stderr,
      quiet: settings.quiet,
      yes: settings.yes,
      summary: () => this.summary(build, wheels, this.output, dependencies),
      ask: (question) => this.ask(question),
    });
    if (!sent) return EXIT_USAGE;
    log.info(`imported ${files.length} file${files.length === 1 ? '' : 's'} as a build of ${pkg} ${version} for ${abi}`);

    if (this.delete) {
      // behaviour 202: only now, after DONE
      const failed: string[] = [];
      let cause: unknown;
      for (const wheel of wheels) {
        try {
          await unlink(wheel.path);
          log.info(`deleted ${wheel.path}`);
        } catch (err) {
          failed.push(wheel.path);
          cause ??= err;
        }
      }
      if (failed.length > 0) throw toolErrors.delete(failed, cause);
    }
    return EXIT_OK;
  }

  private summary(build: BuildStateWire, wheels: LocalWheel[], outputFile: string | undefined, dependencies: Record<string, string[]>): void {
    const [, pkg, version, abi, , duration, output, files] = build;
    const size = new Map(wheels.map((w) => [w.filename, w.size]));
    const lines = [
      `Package:      ${pkg}`,
      `Version:      ${version}`,
      `ABI:          ${abi}`,
      `Duration:     ${formatDuration(duration)}`,
      `Output:       ${outputFile === undefined ? output : `${outputFile} (${output.split('\n').length} lines)`}`,
      `Dependencies: ${dependencies.apt?.length ? `apt: ${dependencies.apt.join(' ')}` : 'none'}`,
      `Files:        ${files.length}`,
      ...files.map((f) => `  ${f[0]} (${formatSize(size.get(f[0])!)})`),
    ];
    this.context.stdout.write(`${lines.join('\n')}\n`);
  }
}

/** The text of a file an option names (--output, --dependencies). */
async function readOptionFile(flagName: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid value for option ${flagName}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Behaviour 199: whitespace-separated Debian package names → `{ apt: [sorted, unique] }` ({} when none). */
export function aptDependencies(text: string): Record<string, string[]> {
  const names = [...new Set(text.split(/\s+/).filter((n) => n !== ''))].sort();
  const bad = names.find((n) => !DEBIAN_PACKAGE.test(n));
  if (bad !== undefined) throw new ConfigError(`invalid value for option --dependencies: ${JSON.stringify(bad)} is not a Debian package name`);
  return names.length === 0 ? {} : { apt: names };
}

/** A file-queue address to connect to: the master's own bind address (`tcp://*:5556`) means this machine. */
export function connectable(address: string): string {
  return address.replace(/^tcp:\/\/(\*|0\.0\.0\.0|\[::\])(?=:)/, 'tcp://localhost');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
