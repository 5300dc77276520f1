import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipReader } from '../../../actors/slave/zip-reader.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'piw-zip-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a zip with CPython's own zipfile module (an independent writer). */
function pythonZip(path: string, script: string): void {
  execFileSync('/usr/bin/python3', ['-c', `import sys, zipfile\nzf = zipfile.ZipFile(sys.argv[1], 'w')\n${script}\nzf.close()`, path]);
}

async function readAll(path: string): Promise<Map<string, Buffer>> {
  const zip = await ZipReader.open(path);
  try {
    const out = new Map<string, Buffer>();
    for (const entry of zip.entries) out.set(entry.name, await zip.read(entry));
    return out;
  } finally {
    await zip.close();
  }
}

describe('ZipReader (the builder reads the wheels it made, A.3)', () => {
  test('reads stored and deflated members, with a comment after the directory', async () => {
    const path = join(dir, 'mixed.zip');
    pythonZip(
      path,
      [
        "zf.writestr('pkg/stored.txt', b'plain bytes', compress_type=zipfile.ZIP_STORED)",
        "zf.writestr('pkg/deflated.so', b'\\x7fELF' + bytes(range(256)) * 400, compress_type=zipfile.ZIP_DEFLATED)",
        "zf.writestr('pkg/empty', b'', compress_type=zipfile.ZIP_DEFLATED)",
        "zf.writestr('pkg/ünïcode.txt', 'ü'.encode())",
        "zf.comment = b'a comment with PK\\x05\\x06 inside'",
      ].join('\n'),
    );
    const members = await readAll(path);
    expect([...members.keys()]).toEqual(['pkg/stored.txt', 'pkg/deflated.so', 'pkg/empty', 'pkg/ünïcode.txt']);
    expect(members.get('pkg/stored.txt')!.toString()).toBe('plain bytes');
    expect(members.get('pkg/deflated.so')!.length).toBe(4 + 256 * 400);
    expect(members.get('pkg/deflated.so')!.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(members.get('pkg/empty')!.length).toBe(0);
    expect(members.get('pkg/ünïcode.txt')!.toString()).toBe('ü');
  });

  test('reads a ZIP64 archive (more than 65535 members)', async () => {
    const path = join(dir, 'zip64.zip');
    pythonZip(path, "for i in range(65600): zf.writestr(f'f{i}', str(i))");
    const zip = await ZipReader.open(path);
    try {
      expect(zip.entries.length).toBe(65600);
      const last = zip.entries[65599]!;
      expect(last.name).toBe('f65599');
      expect((await zip.read(last)).toString()).toBe('65599');
    } finally {
      await zip.close();
    }
  });

  test('a member whose bytes were altered fails its CRC check with a typed error', async () => {
    const path = join(dir, 'corrupt.zip');
    pythonZip(path, "zf.writestr('a.txt', b'hello world', compress_type=zipfile.ZIP_STORED)");
    const bytes = readFileSync(path);
    bytes[bytes.indexOf('hello world')] = 'j'.charCodeAt(0);
    writeFileSync(path, bytes);
    const zip = await ZipReader.open(path);
    try {
      await expect(zip.read(zip.entries[0]!)).rejects.toMatchObject({ code: 'PIW_ERR_ZIP_FORMAT', message: expect.stringContaining('CRC-32') });
    } finally {
      await zip.close();
    }
  });

  test.each([
    ['not a zip', Buffer.from('just some text, no archive here')],
    ['an empty file', Buffer.alloc(0)],
  ])('%s is refused with a typed error', async (_what, content) => {
    const path = join(dir, 'bad.zip');
    writeFileSync(path, content);
    await expect(ZipReader.open(path)).rejects.toMatchObject({ code: 'PIW_ERR_ZIP_FORMAT' });
  });

  test('a truncated archive is refused with a typed error', async () => {
    const path = join(dir, 'truncated.zip');
    pythonZip(path, "zf.writestr('a.txt', b'x' * 1000)");
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 40), bytes.subarray(bytes.length - 22)]));
    await expect(readAll(path)).rejects.toMatchObject({ code: 'PIW_ERR_ZIP_FORMAT' });
  });
});
