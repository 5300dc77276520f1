/**
 * What piw-initdb does (manual chapter 6, schema/README.md §5, behaviours 208–211): connect as a cluster
 * superuser, check the master role, find the database's version, say what will be done, ask, and run
 * every step in one transaction, reporting each as it goes.
 *
 * On the embedded database the connection is PGlite's own superuser, and the master role, which a server's
 * administrator creates with createuser, is created by the same transaction as the schema.
 */
import type { Sql } from 'postgres';
import type { Logger } from '../../actors/runtime/logger.js';
import { connect } from '../../schema/connection.js';
import { describeTarget, type DatabaseTarget } from '../../schema/dsn.js';
import { detectVersion, migrate, planMigration, quoteIdentifier, type MigrationStep } from '../../schema/migrations.js';
import { SCHEMA_VERSION } from '../../schema/version.js';
import { EXIT_OK, EXIT_USAGE, FatalError } from '../common/errors.js';
import { VERSION } from '../common/run.js';

export interface InitdbSettings {
  target: DatabaseTarget;
  /** The unprivileged master role. */
  user: string;
  /** Proceed without asking. */
  yes: boolean;
  quiet: boolean;
}

export interface InitdbIo {
  log: Logger;
  /** Progress for the operator: `print` writes a line, `write` part of one. */
  print(line: string): void;
  write(text: string): void;
  confirm(question: string): Promise<boolean>;
}

export async function initdb(settings: InitdbSettings, io: InitdbIo): Promise<number> {
  const { log, print } = io;
  log.info(`PiWheels Initialize Database version ${VERSION} (schema ${SCHEMA_VERSION})`);
  const conn = await connect(settings.target, { max: 1, onNotice: (message) => log.debug(message) });
  try {
    log.info('Checking username and superuser status');
    const createRole = await checkUsers(conn.sql, settings.user, settings.target.kind === 'embedded');
    log.info('Administration and master users verified');
    log.info('Detecting database version');
    const version = await detectVersion(conn.sql);
    if (version === SCHEMA_VERSION) {
      log.warn('Database is the current version');
      return EXIT_OK;
    }
    const plan = planMigration(version);
    log.warn(version === null ? 'Database appears to be uninitialized' : `Detected database version ${version}`);
    print(`${describeTarget(settings.target)}: ${version === null ? 'to be initialised' : `at version ${version}`}; this will`);
    if (createRole) print(`  create the master role ${settings.user}`);
    for (const step of plan) print(`  ${describeStep(step)}`);
    print(`all in one transaction, granting the master role ${settings.user} what piw-master needs.`);
    const question = version === null ? 'Do you wish to initialize the database?' : `Do you wish to proceed with the upgrade to ${SCHEMA_VERSION}?`;
    if (!settings.yes && !(await io.confirm(question))) {
      log.warn('Nothing was changed');
      return EXIT_USAGE;
    }
    if (version === null) log.warn(`Initializing database at version ${SCHEMA_VERSION}`);
    else {
      log.warn(`Upgrading database to version ${SCHEMA_VERSION}`);
      log.warn('Have patience: this can be a long operation!');
    }
    let current: MigrationStep | undefined; // the step running, if any
    try {
      await migrate(conn.sql, {
        username: settings.user,
        expectFrom: version,
        prepare: createRole ? (tx) => tx.unsafe(`CREATE ROLE ${quoteIdentifier(settings.user)} NOSUPERUSER NOCREATEDB NOCREATEROLE`) : undefined,
        onStep: (step, phase, ms) => {
          current = phase === 'start' ? step : undefined;
          if (phase === 'start') io.write(`${describeStep(step)} ...`);
          else io.write(` done in ${(ms / 1000).toFixed(1)} s\n`);
        },
      });
    } catch (err) {
      if (current !== undefined) io.write(' failed\n');
      const where = current === undefined ? '' : ` while trying to ${describeStep(current)}`;
      throw new FatalError(`${(err as Error).message}${where}; the database was left unchanged`);
    }
    print(`Database is now at version ${SCHEMA_VERSION}`);
    log.info('Complete');
    return EXIT_OK;
  } finally {
    await conn.close();
  }
}

function describeStep(step: MigrationStep): string {
  return step.from === null ? `${step.description} (${step.to})` : `upgrade ${step.from} to ${step.to}: ${step.description}`;
}

/**
 * The connection must be a cluster superuser; the master role must exist and must not be one (behaviour
 * 208). On the embedded database a missing master role is to be created: the result says so.
 */
async function checkUsers(sql: Sql, user: string, embedded: boolean): Promise<boolean> {
  const [me] = await sql<{ name: string; superuser: boolean }[]>`
    SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`;
  if (!me?.superuser) throw new FatalError(`User ${me?.name ?? '(unknown)'} is not a cluster superuser`);
  const [target] = await sql<{ superuser: boolean }[]>`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = ${user}`;
  if (target === undefined) {
    if (embedded) return true;
    throw new FatalError(`User ${user} doesn't exist as a cluster user`);
  }
  if (target.superuser) throw new FatalError(`User ${user} is a cluster superuser; this is not recommended`);
  return false;
}
