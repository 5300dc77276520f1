import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setup } from 'xstate';
import { TASK_ORDER } from '../../actors/master/tasks.js';
import { catalogue } from '../../machines/catalogue.js';
import { GENERATED } from '../../scripts/statecharts/markdown.js';
import { compareWithDisk, statechartFiles } from '../../scripts/statecharts/pictures.js';
import { overlaps } from '../support/chart-boxes.js';

const repository = resolve(import.meta.dirname, '../..');
const files = statechartFiles(catalogue);

test('npm run statecharts: every committed picture and README under machines/ is what the machines draw today', async () => {
  const { stale, orphans } = await compareWithDisk(repository, await files);
  const problem = [...stale.map((p) => `stale or missing: ${p}`), ...orphans.map((p) => `no machine draws: ${p}`)];
  expect(problem.length ? `${problem.join('\n')}\nrun npm run statecharts (and commit what it writes)` : 'up to date').toBe('up to date');
});

test('npm run statecharts: a picture beside each machine, a README per folder showing each chart and its description, the tree linking every chart, no text overlapping', async () => {
  const all = await files;
  const index = all.get('machines/README.md')!;
  for (const { name, folder, machine } of catalogue) {
    expect(all.get(`machines/${folder}/${name}.svg`)).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="statechart"/);
    const readme = all.get(`machines/${folder}/README.md`)!;
    expect(readme).toContain(`## ${name}\n\n${machine.root.description}\n`);
    expect(readme).toContain('```mermaid\nstateDiagram-v2\n');
    expect(readme).toContain(`(${name}.svg)`);
    expect(index).toContain(`[${name}](${folder}/README.md)`);
  }
  for (const { name, folder } of catalogue) {
    expect({ name, overlaps: overlaps(all.get(`machines/${folder}/${name}.svg`)!) }).toEqual({ name, overlaps: [] });
  }
  expect(index).toContain("![The master's actor tree: the root supervisor, its tasks in start order, the sessions they spawn](actor-tree.svg)");
  const tree = all.get('machines/actor-tree.svg')!;
  for (const actor of ['root', ...TASK_ORDER, 'slave-session', 'file-transfer-master', 'import-session']) expect(tree).toContain(`data-actor="${actor}"`);
  expect(tree).toContain('<a href="slave-session/README.md">');
  expect(index).toContain('  7. `slave_driver`: no chart of its own\n     - one per connected peer: [slave-session](slave-session/README.md)');
  expect(index).toContain('  4. `the_secretary`: [secretary](secretary/README.md)');
});

test('npm run statecharts: a machine without a description, or two entries drawing one file, is refused with what to do', async () => {
  const bare = setup({}).createMachine({ id: 'bare' });
  await expect(statechartFiles([{ name: 'bare', folder: 'bare', machine: bare, part: { commands: ['piw-x'] } }])).rejects.toMatchObject({
    code: 'PIW_ERR_STATECHART_DESCRIPTION',
    message: expect.stringContaining('machine "bare" has no description: add one to its createMachine({ description })'),
  });
  const twice = catalogue.find((e) => e.name === 'secretary')!;
  await expect(statechartFiles([twice, { ...twice, part: { commands: ['piw-x'] } }])).rejects.toMatchObject({
    code: 'PIW_ERR_STATECHART_DUPLICATE',
    message: 'statecharts: two catalogue entries draw machines/secretary/secretary.svg: give each its own name',
  });
});

describe('the staleness check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'piw-statecharts-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('names a picture that differs, one that is missing, and a generated file no machine draws; leaves hand-written files alone', async () => {
    const all = new Map([...(await files)].filter(([path]) => path.startsWith('machines/secretary/') || path === 'machines/README.md'));
    for (const [path, content] of all) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    expect(await compareWithDisk(dir, all)).toEqual({ stale: [], orphans: [] });

    await writeFile(join(dir, 'machines/secretary/secretary.svg'), all.get('machines/secretary/secretary.svg')!.replace('paused', 'pause'));
    await rm(join(dir, 'machines/secretary/secretary.mmd'));
    await mkdir(join(dir, 'machines/gone'));
    await writeFile(join(dir, 'machines/gone/gone.svg'), '<svg/>');
    await writeFile(join(dir, 'machines/gone/README.md'), `${GENERATED}\n# gone\n`);
    await writeFile(join(dir, 'machines/secretary/NOTES.md'), 'hand-written');
    await mkdir(join(dir, 'machines/common'));
    await writeFile(join(dir, 'machines/common/README.md'), '# hand-written');
    expect(await compareWithDisk(dir, all)).toEqual({
      stale: ['machines/secretary/secretary.svg', 'machines/secretary/secretary.mmd'],
      orphans: ['machines/gone/README.md', 'machines/gone/gone.svg'],
    });
  });
});
