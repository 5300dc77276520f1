import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, builtMessageData, cutOutput, type BuildResult } from '../../../actors/slave/build.js';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import { MAX_BUILD_OUTPUT, slaveClientProtocol, slaveDriverProtocol } from '../../../protocols/slave-driver.js';
import { CEXT, BROKEN } from '../../../scripts/pypi-standin/fixtures.js';
import { pureProject } from '../../../scripts/pypi-standin/sdist.js';
import { startPypiStandin, type PypiStandin } from '../../../scripts/pypi-standin/server.js';
import { isAlive, waitForFile } from './helpers/proc.js';

/** Real pip building real sdists from the PyPI stand-in. */
let standin: PypiStandin;
let dir: string;
const results: BuildResult[] = [];
const env = { ...process.env, PIP_CONFIG_FILE: '/dev/null' };

beforeAll(async () => {
  standin = await startPypiStandin();
  dir = mkdtempSync(join(tmpdir(), 'piw-build-test-'));
});
afterAll(async () => {
  await Promise.all(results.map((r) => r.cleanup()));
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

async function buildIt(pkg: string, version: string, options: Partial<Parameters<typeof build>[2]> = {}): Promise<BuildResult> {
  const result = await build(pkg, version, { indexUrl: standin.simpleUrl, buildDir: dir, env, ...options });
  results.push(result);
  return result;
}

/** A pure package whose setup.py runs `code` first (it runs in pip's build subprocess). */
function probeProject(name: string, code: string) {
  const source = pureProject({ name, version: '1.0', summary: 'probe' });
  return { ...source, files: { ...source.files, 'setup.py': `${code}\n${source.files['setup.py']}` } };
}

describe('build (spec/behaviours.md A.3, 193–195)', () => {
  test('a pure package: status true, its wheel with size, SHA-256, tags and {} dependencies, pip’s log as output', async () => {
    const probe = join(dir, 'probe.json');
    await standin.publish(
      probeProject(
        'piw-probe',
        `import json, os, resource\njson.dump({"git": os.environ.get("GIT_ALLOW_PROTOCOL"), "data": resource.getrlimit(resource.RLIMIT_DATA)[0]}, open(${JSON.stringify(probe)}, "w"))`,
      ),
    );
    const result = await buildIt('piw-probe', '1.0');
    expect(result.status).toBe(true);
    expect(result.files).toHaveLength(1);
    const [wheel] = result.files;
    expect(wheel).toMatchObject({
      filename: 'piw_probe-1.0-py3-none-any.whl',
      packageTag: 'piw_probe',
      packageVersionTag: '1.0',
      pyVersionTag: 'py3',
      abiTag: 'none',
      platformTag: 'any',
      dependencies: {},
    });
    const bytes = readFileSync(wheel!.path);
    expect(wheel!.size).toBe(bytes.length);
    expect(wheel!.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(result.output).toMatch(/^\$ python3 -m pip wheel --index-url=\S+ .* piw-probe==1\.0\n/); // the command, then pip's own log
    expect(result.output).toContain('Collecting piw-probe==1.0');
    expect(result.output).toMatch(/Successfully built piw-probe|Saved .*piw_probe-1\.0-py3-none-any\.whl/);
    expect(result.duration.totalMicroseconds).toBeGreaterThan(0);
    // The build environment: git limited to file://, RLIMIT_DATA of 1 GiB (A.3).
    expect(JSON.parse(readFileSync(probe, 'utf8'))).toEqual({ git: 'file', data: 1024 ** 3 });
  });

  test('BUILT data from a result validates against slave_driver and survives the wire', async () => {
    const result = results[0]!;
    const frame = slaveClientProtocol.encode({ verb: 'BUILT', data: builtMessageData(result) });
    const msg = slaveDriverProtocol.decode(frame);
    expect(msg.verb).toBe('BUILT');
    const [status, duration, output, files] = msg.data as ReturnType<typeof builtMessageData>;
    expect(status).toBe(true);
    expect(duration.equals(result.duration)).toBe(true);
    expect(output).toBe(result.output);
    expect(files).toEqual([['piw_probe-1.0-py3-none-any.whl', result.files[0]!.size, result.files[0]!.hash, 'piw_probe', '1.0', 'py3', 'none', 'any', {}]]);
  });

  test('a C extension: an ABI-specific wheel whose dependencies name the C library’s Debian package', async () => {
    await standin.publish(CEXT);
    const result = await buildIt('piw-demo-cext', '1.0');
    expect(result.status).toBe(true);
    expect(result.files).toHaveLength(1);
    expect(result.files[0]).toMatchObject({ pyVersionTag: 'cp311', abiTag: 'cp311', dependencies: { apt: ['libc6'] } });
  });

  test('a failing build: status false, no files, the whole log with the compiler’s error (195)', async () => {
    await standin.publish(BROKEN);
    const result = await buildIt('piw-demo-broken', '1.0');
    expect(result.status).toBe(false);
    expect(result.files).toEqual([]);
    expect(result.output).toContain('broken on purpose');
    expect(result.output).toContain('Failed to build');
  });

  test('an abort stops pip and everything it started: status false, the reason ends the output (195)', async () => {
    const pidFile = join(dir, 'slow.pid');
    await standin.publish(
      probeProject('piw-slow', `import os, subprocess, time\nchild = subprocess.Popen(["sleep", "600"])\nopen(${JSON.stringify(pidFile)}, "w").write(f"{os.getpid()} {child.pid}")\ntime.sleep(600)`),
    );
    const abort = new AbortController();
    const running = buildIt('piw-slow', '1.0', { signal: abort.signal, grace: 2000 });
    await waitForFile(pidFile);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    abort.abort();
    const result = await running;
    expect(result.status).toBe(false);
    expect(result.files).toEqual([]);
    expect(result.output.endsWith('\nbuild stopped on request; its process group was terminated')).toBe(true);
    expect(result.output).toContain('Collecting piw-slow==1.0'); // pip's log up to the stop is kept
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  test('the -t timeout is enforced on the whole process group (unlike 0.18); the log is kept whole before the reason', async () => {
    const pidFile = join(dir, 'stuck.pid');
    await standin.publish(probeProject('piw-stuck', `import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\ntime.sleep(600)`));
    const result = await buildIt('piw-stuck', '1.0', { timeout: 1500, grace: 2000 });
    expect(result.status).toBe(false);
    const log = readFileSync(join(result.dir, 'pip.log'), 'utf8');
    expect(result.output).toBe(`${log}\nbuild timed out after 1.5 s; its process group was terminated`);
    // setup.py may or may not have started within 1.5 s; if it did, it was stopped with pip.
    if (existsSync(pidFile)) expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  test('a build stopped before pip wrote a line still reports a log: the command it ran, then the reason', async () => {
    // A "python" that never starts pip: what a timeout does to a pip still loading on a busy machine.
    const python = join(dir, 'python-never-starts');
    writeFileSync(python, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    const result = await buildIt('piw-probe', '1.0', { python, timeout: 300, grace: 2000 });
    expect(result.status).toBe(false);
    expect(result.output).toMatch(
      new RegExp(`^\\$ ${python} -m pip wheel --index-url=\\S+ .* piw-probe==1\\.0\\n\\nbuild timed out after 0\\.3 s; its process group was terminated$`),
    );
  });

  test('a Python that does not exist fails the build with a clear reason', async () => {
    const result = await buildIt('piw-probe', '1.0', { python: join(dir, 'no-such-python') });
    expect(result.status).toBe(false);
    expect(result.output).toMatch(/could not run .*no-such-python: command not found$/);
  });

  test('cleanup removes the build directory and its wheels', async () => {
    const result = results[0]!;
    expect(existsSync(result.files[0]!.path)).toBe(true);
    await result.cleanup();
    expect(existsSync(result.dir)).toBe(false);
  });
});

describe('issue 11: build output is cut to what the slave queue carries', () => {
  test('a log within MAX_BUILD_OUTPUT is whole; a longer one keeps its first and last halves around a line saying how much was cut', () => {
    expect(cutOutput(Buffer.from('short log\n'), 1000)).toBe('short log\n');
    const log = Buffer.concat([Buffer.alloc(3000, 'a'), Buffer.alloc(4000, 'b'), Buffer.alloc(3000, 'z')]);
    const cut = cutOutput(log, 1128);
    expect(cut).toBe(`${'a'.repeat(500)}\n[… 9,000 bytes of the log cut …]\n${'z'.repeat(500)}`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1128);
  });

  test('the cut fits the slave queue: a BUILT of the longest output is within slave_driver.maxFrame', () => {
    const output = cutOutput(Buffer.alloc(MAX_BUILD_OUTPUT * 2, 'x'), MAX_BUILD_OUTPUT);
    const frame = slaveClientProtocol.encode({ verb: 'BUILT', data: [false, TimeDelta.fromSeconds(1), output, []] });
    expect(frame.length).toBeLessThan(slaveDriverProtocol.maxFrame);
  });
});
