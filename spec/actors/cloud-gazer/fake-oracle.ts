/**
 * In-memory stand-ins for the ports Cloud Gazer talks to, with the database semantics of schema/README.md §4.1–4.2
 * for the verbs it uses (insert-or-false, FK checks, cascades, the serial that cannot go backwards), so a
 * test can check both the conversation and the state it leaves.
 */
import type { OraclePort } from '../../../actors/cloud-gazer/ports.js';
import type { OracleMessage, SkipMessage, WebMessage } from '../../../actors/cloud-gazer/gazer-plan.js';
import type { OracleResult } from '../../../protocols/index.js';

export interface PackageRow {
  skip: string;
  description: string;
}
export interface VersionRow {
  released: Date;
  skip: string;
  yanked: boolean;
  yankedReason?: string;
}

export class FakeOracle implements OraclePort {
  readonly packages = new Map<string, PackageRow>();
  readonly versions = new Map<string, VersionRow>();
  /** alias → [package, seen] */
  readonly names = new Map<string, [string, Date]>();
  serial = 0;
  readonly calls: OracleMessage[] = [];
  #failing = new Set<string>();
  #losing = new Set<string>();

  /** The next request with this verb answers ERROR. */
  failNext(verb: string): void {
    this.#failing.add(verb);
  }

  /** The next request with this verb is carried out, but its answer is lost (the caller sees a failure). */
  loseNextAnswer(verb: string): void {
    this.#losing.add(verb);
  }

  version(pkg: string, ver: string): VersionRow | undefined {
    return this.versions.get(`${pkg}\0${ver}`);
  }

  verbs(): string[] {
    return this.calls.map((c) => c.verb);
  }

  async request<M extends OracleMessage>(msg: M): Promise<OracleResult<M['verb']>> {
    this.calls.push(msg);
    if (this.#failing.delete(msg.verb)) throw new Error(`ERROR: ${msg.verb} failed`);
    const answer = this.#answer(msg) as OracleResult<M['verb']>;
    if (this.#losing.delete(msg.verb)) throw new Error(`no reply to ${msg.verb} within the timeout`);
    return answer;
  }

  #answer(msg: OracleMessage): unknown {
    const needPackage = (pkg: string) => {
      if (!this.packages.has(pkg)) throw new Error(`ERROR: foreign key violation: no package ${pkg}`);
    };
    switch (msg.verb) {
      case 'ALLPKGS':
        return new Set(this.packages.keys());
      case 'GETPYPI':
        return this.serial;
      case 'SETPYPI':
        if (msg.data < this.serial) throw new Error('ERROR: pypi_serial number cannot go backwards');
        this.serial = msg.data;
        return null;
      case 'NEWPKG': {
        const [pkg, skip, description] = msg.data;
        if (this.packages.has(pkg)) return false;
        this.packages.set(pkg, { skip, description });
        return true;
      }
      case 'NEWVER': {
        const [pkg, ver, released, skip] = msg.data;
        needPackage(pkg);
        const key = `${pkg}\0${ver}`;
        if (this.versions.has(key)) return false;
        this.versions.set(key, { released, skip, yanked: false });
        return true;
      }
      case 'NEWPKGNAME': {
        const [pkg, alias, seen] = msg.data;
        needPackage(pkg);
        const row = this.names.get(alias);
        this.names.set(alias, [row ? row[0] : pkg, seen]);
        return null;
      }
      case 'SETDESC': {
        const row = this.packages.get(msg.data[0]);
        if (row) row.description = msg.data[1];
        return null;
      }
      case 'GETSKIP':
        return this.version(msg.data[0], msg.data[1])?.skip ?? null;
      case 'SKIPVER': {
        const row = this.version(msg.data[0], msg.data[1]);
        if (row) row.skip = msg.data[2];
        return null;
      }
      case 'SKIPPKG': {
        const row = this.packages.get(msg.data[0]);
        if (row) row.skip = msg.data[1];
        return null;
      }
      case 'YANKVER':
      case 'UNYANKVER': {
        const row = this.version(msg.data[0], msg.data[1]);
        if (row) row.yanked = msg.verb === 'YANKVER';
        if (row) row.yankedReason = msg.verb === 'YANKVER' ? (msg.data[2] ?? '') : '';
        return null;
      }
      case 'DELVER':
        this.versions.delete(`${msg.data[0]}\0${msg.data[1]}`);
        return null;
      case 'DELPKG': {
        const pkg = msg.data;
        this.packages.delete(pkg);
        for (const key of [...this.versions.keys()]) if (key.startsWith(`${pkg}\0`)) this.versions.delete(key);
        for (const [alias, [owner]] of [...this.names]) if (owner === pkg) this.names.delete(alias);
        return null;
      }
      default:
        throw new Error(`ERROR: Cloud Gazer has no business asking ${msg.verb}`);
    }
  }
}

/**
 * The web queue (Secretary) or skip queue (Slave Driver): keeps every request it accepts and answers at
 * once, or fails the next request with a given verb (which it does not keep).
 */
export class FakeQueue<M extends WebMessage | SkipMessage> {
  readonly sent: M[] = [];
  #failing = new Set<string>();

  failNext(verb: M['verb']): void {
    this.#failing.add(verb);
  }

  async send(msg: M): Promise<void> {
    if (this.#failing.delete(msg.verb)) throw new Error(`no reply to ${msg.verb} within the timeout`);
    this.sent.push(msg);
  }
}
