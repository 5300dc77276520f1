/**
 * Runs a command class as a program: `--help`/`-h` and `--version` (clipanion's builtins), a usage error
 * (unknown option, missing value) reported on stderr with a pointer to --help and exit status 2, then the
 * command's own exit status.
 */
import { Builtins, Cli, Command, type CommandClass } from 'clipanion';
import { EXIT_USAGE } from './errors.js';

/** The version every piw-* command reports (the piwheels release we are compatible with). */
export const VERSION = '0.18';

/** `--version` only: `-v` is every command's --verbose. */
class VersionCommand extends Command {
  static override paths = [['--version']];
  async execute(): Promise<number> {
    this.context.stdout.write(`${this.cli.binaryVersion}\n`);
    return 0;
  }
}

/** What an option's value is called in help (`-d,--dsn DSN`), from a command's static `metavars`. */
const COMMON_METAVARS: Record<string, string> = { '--configuration': 'FILE', '--log-file': 'FILE' };

/**
 * clipanion writes an option's value as "#0"; name it as the manual does, and re-align the option list.
 */
export function nameValues(text: string, metavars: Record<string, string>): string {
  const named = text.replace(/(--[\w-]+) #0/g, (_, name: string) => `${name} ${metavars[name] ?? 'VALUE'}`);
  const option = /^  (-\S*(?: [A-Z]+)?)( {2,})(\S.*)$/;
  const lines = named.split('\n');
  const width = Math.max(0, ...lines.map((l) => option.exec(l)?.[1]!.length ?? 0));
  return lines.map((l) => l.replace(option, (_, def: string, _gap: string, rest: string) => `  ${def.padEnd(width)}  ${rest}`)).join('\n');
}

function metavarsOf(command: unknown): Record<string, string> {
  const cls = (typeof command === 'function' ? command : (command as object | undefined)?.constructor) as { metavars?: Record<string, string> } | undefined;
  return { ...COMMON_METAVARS, ...cls?.metavars };
}

/** Every command's metavars together (a tool's general help lists all its commands). */
const allMetavars = (commands: readonly unknown[]) => Object.assign({}, ...commands.map(metavarsOf)) as Record<string, string>;

class PiwCli extends Cli {
  constructor(
    opts: ConstructorParameters<typeof Cli>[0],
    private readonly commands: readonly CommandClass[],
  ) {
    super(opts);
  }

  override usage(command?: Parameters<Cli['usage']>[0], opts?: Parameters<Cli['usage']>[1]): string {
    return nameValues(super.usage(command, opts), command === undefined || command === null ? allMetavars(this.commands) : metavarsOf(command));
  }
}

export interface RunOptions {
  binaryName: string;
  binaryLabel?: string;
  argv?: string[];
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Runs a command, or one of several (a tool with sub-commands: the first is the one usage errors describe). */
export async function runCli(commands: CommandClass | CommandClass[], opts: RunOptions): Promise<number> {
  const [command, ...others] = Array.isArray(commands) ? commands : [commands];
  const cli = new PiwCli({
    binaryName: opts.binaryName,
    binaryLabel: opts.binaryLabel ?? opts.binaryName,
    binaryVersion: VERSION,
    enableColors: false,
    enableCapture: false,
  }, [command!, ...others]);
  for (const each of [command!, ...others]) cli.register(each);
  cli.register(Builtins.HelpCommand);
  cli.register(VersionCommand);
  const context = {
    stdin: opts.stdin ?? process.stdin,
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
  };
  const argv = opts.argv ?? process.argv.slice(2);
  let instance;
  try {
    instance = cli.process(argv, context);
  } catch (err) {
    context.stderr.write(nameValues(cli.error(err as Error, { colored: false }), allMetavars([command, ...others])));
    context.stderr.write(`Try the --help option for more information.\n`);
    return EXIT_USAGE;
  }
  return cli.run(instance, context);
}

/** Runs the command and exits with its status (what a bin script does). */
export async function main(commands: CommandClass | CommandClass[], opts: RunOptions): Promise<void> {
  process.exitCode = await runCli(commands, opts);
}
