import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { openSources, readLines, type LineSource } from '../../../actors/access-log/line-source.js';
import { LoggerError } from '../../../actors/access-log/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'piw-logger-src-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function allLines(source: LineSource): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLines(source)) out.push(...batch);
  return out;
}

describe('openSources and readLines', () => {
  it('reads a plain file, tolerating CRLF endings, blank lines and a missing final newline', async () => {
    await writeFile(join(dir, 'access.log'), 'one\r\n\ntwo\nthree');
    const [source] = await openSources([join(dir, 'access.log')]);
    expect(await allLines(source!)).toEqual(['one', 'two', 'three']);
  });

  it('decompresses .gz files', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    await writeFile(join(dir, 'access.log.1.gz'), gzipSync(text));
    const [source] = await openSources([join(dir, 'access.log.1.gz')]);
    const lines = await allLines(source!);
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toBe('line 4999');
  });

  it('keeps multi-byte characters split across chunks whole', async () => {
    const text = 'é'.repeat(300_000) + '\nend\n';
    await writeFile(join(dir, 'utf8.log'), text);
    const [source] = await openSources([join(dir, 'utf8.log')]);
    expect(await allLines(source!)).toEqual(['é'.repeat(300_000), 'end']);
  });

  it('reads standard input when no file or - is given', async () => {
    const stdin = () => Readable.from([Buffer.from('a\nb'), Buffer.from('c\n')]);
    for (const files of [[], ['-']]) {
      const sources = await openSources(files, stdin);
      expect(sources.map((s) => s.name)).toEqual(['standard input']);
      expect(await allLines(sources[0]!)).toEqual(['a', 'bc']);
    }
  });

  it('fails before reading anything when a file is missing or a directory', async () => {
    await writeFile(join(dir, 'good.log'), 'x\n');
    await mkdir(join(dir, 'sub'));
    for (const bad of [join(dir, 'missing.log'), join(dir, 'sub')]) {
      const attempt = openSources([join(dir, 'good.log'), bad]);
      await expect(attempt).rejects.toBeInstanceOf(LoggerError);
      await expect(attempt).rejects.toThrow(`cannot read ${bad}`);
    }
  });

  it('reports a corrupt .gz file as an input error', async () => {
    await writeFile(join(dir, 'bad.gz'), 'this is not gzip data');
    const [source] = await openSources([join(dir, 'bad.gz')]);
    await expect(allLines(source!)).rejects.toMatchObject({ code: 'PIW_ERR_LOG_INPUT' });
  });

  it('reports a path that cannot be opened', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(openSources([join(dir, 'file', 'below')])).rejects.toThrow(/cannot read .*ENOTDIR/);
  });
});
