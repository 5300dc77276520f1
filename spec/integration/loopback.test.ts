/**
 * Issue 2, item 8: a slave and a master over real ZeroMQ on loopback tcp and on ipc:// in a temp dir, the
 * whole conversation of protocols/README.md §4.1 and the file transfer of §6 (behaviours 37, 45, 48, 51–57, 72–84).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger } from '../../actors/runtime/logger.js';
import { tempDir } from '../actors/zmq/support.js';
import { makeWheel, runLoopbackSlave, startLoopbackMaster } from './loopback-harness.js';

const SIZE = 5 * 2 ** 20 + 4321; // a few MiB, not a whole number of chunks

describe.each([
  ['tcp', (_dir: string) => ({ slave: 'tcp://127.0.0.1:*', file: 'tcp://127.0.0.1:*' })],
  ['ipc', (dir: string) => ({ slave: `ipc://${dir}/slave-queue`, file: `ipc://${dir}/file-queue` })],
])('loopback over %s', (_name, addresses) => {
  test('HELLO … BUILT → SEND → transfer → SENT → DONE → IDLE: the wheel lands verified and renamed, the build is logged', async () => {
    const dir = await tempDir();
    const log = memoryLogger('master', 'info');
    const slaveLog = memoryLogger('slave', 'info');
    const output = join(dir.path, 'www');
    const build = join(dir.path, 'build');
    await mkdir(build);
    const wheel = await makeWheel(build, SIZE);
    const { slave, file } = addresses(dir.path);
    const master = await startLoopbackMaster({ slaveAddress: slave, fileAddress: file, output, log });
    let stopped = false;
    try {
      master.queue(wheel.package, wheel.version);
      const run = await runLoopbackSlave({ slaveEndpoint: master.slaveEndpoint, fileEndpoint: master.fileEndpoint, wheel, log: slaveLog });

      expect(run.replies).toEqual([
        'ACK [1,"https://pypi.org/simple"]',
        `BUILD ["${wheel.package}","${wheel.version}"]`,
        'CONT',
        `SEND "${wheel.file[0]}"`,
        'DONE',
        'SLEEP false',
      ]);
      expect(run.transfer.filesize).toBe(SIZE);

      // On disk: the same bytes under simple/<package>/, mode 0644, and no temp file anywhere in simple/.
      const stored = join(output, 'simple', wheel.package, wheel.file[0]);
      const bytes = await readFile(stored);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(wheel.file[2]);
      expect((await stat(stored)).mode & 0o777).toBe(0o644);
      expect(await readdir(join(output, 'simple'))).toEqual([wheel.package]);
      expect(await readdir(join(output, 'simple', wheel.package))).toEqual([wheel.file[0]]);

      // The Oracle was told of the build once, with the file as the slave described it (behaviour 55).
      expect(master.builds).toHaveLength(1);
      const [slaveId, pkg, version, abi, status, , output_, files] = master.builds[0]!;
      expect([slaveId, pkg, version, abi, status, output_]).toEqual([run.slaveId, wheel.package, wheel.version, 'cp311', true, 'stand-in build log']);
      expect(files).toEqual([wheel.file]);

      // Monitors saw the conversation (behaviour 69: every reply but CONT).
      const verbs = master.statuses.filter((s) => s.verb === 'SLAVE').map((s) => (s.data as [number, Date, string, unknown])[2]);
      expect(verbs).toEqual(expect.arrayContaining(['HELLO', 'ACK', 'BUILD', 'SEND', 'DONE', 'SLEEP']));
      expect(verbs).not.toContain('CONT');

      stopped = true;
      await expect(master.stop()).resolves.toEqual({ failed: false, reason: 'QUIT received' });
      expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
      expect(slaveLog.entries.filter((e) => e.level === 'error')).toEqual([]);
    } finally {
      if (!stopped) await master.stop();
      await dir.remove();
    }
  });
});
