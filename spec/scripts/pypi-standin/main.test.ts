import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../scripts/pypi-standin/main.ts', import.meta.url));

function start(...args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('pypi-standin as a process (npx tsx scripts/pypi-standin/main.ts)', () => {
  test('prints its URLs, serves the demo packages, and exits 0 on SIGTERM', async () => {
    const child = start('--port', '0');
    const urls: Record<string, string> = {};
    for await (const line of createInterface({ input: child.stdout! })) {
      const [name, url] = line.split(': ');
      urls[name!] = url!;
      if (name === 'dir') break;
    }
    expect(urls.simple).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/simple\/$/);
    expect(urls.xmlrpc).toBe(`${urls.url}/pypi`);
    const page = await (await fetch(urls.simple!)).text();
    for (const name of ['piw-demo-pure', 'piw-demo-cext', 'piw-demo-broken', 'piw-demo-multi', 'setuptools', 'wheel']) expect(page).toContain(`/simple/${name}/`);
    const summary = (await (await fetch(`${urls.json}/piw-demo-cext/json`)).json()) as { info: { summary: string } };
    expect(summary.info.summary).toBe('A package with a tiny C extension');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  test.each([
    [['--port', 'eighty']],
    [['--bogus']],
  ])('bad options %j: a clear message and exit status 2', async (args) => {
    const child = start(...args);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^pypi-standin: .+\nusage: /);
  });
});
