/**
 * piw-master --inspect in a real browser (Debian's Chromium driven by playwright-core): a real master on
 * the test PostgreSQL server, set to serve its live view by PIW_MASTER_INSPECT as an operator's unit
 * file might, and a real slave building with pip from the PyPI stand-in. The page shows the supervisor
 * and its tasks; once the slave connects its session appears under the Slave Driver, idle, its state
 * marked on the slave-session chart; a gated package (its build waits for the test) moves it to
 * `building`, marked on the chart and in the tree, and when the build is let through it goes back to
 * idle. No console errors meanwhile (the page runs under a strict Content-Security-Policy).
 *
 * The session is found where i14-sessions puts it (`slave_driver` → `sessions` → `slave:…`): only once
 * sessions are spawned in the master's actor system does the inspector see them at all.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Farm, pythonTags } from '../../e2e/support/farm.js';
import { gatedProject } from '../../e2e/support/projects.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Generous: builds and pages take many times longer on a loaded 2-core machine. */
const LONG = 300_000;
const GATED = 'piw-inspect-gated';

let farm: Farm;
let browser: Browser;
let page: Page;
let url: string;
let gate: string;
const problems: string[] = [];

beforeAll(async () => {
  const cp = await pythonTags('python3', 'python3');
  farm = await Farm.create([cp.abiTag], 3);
  gate = path.join(farm.dir, 'gated.open');
  const before = process.env.PIW_MASTER_INSPECT;
  process.env.PIW_MASTER_INSPECT = '127.0.0.1:0';
  try {
    await farm.startMaster();
  } finally {
    if (before === undefined) delete process.env.PIW_MASTER_INSPECT;
    else process.env.PIW_MASTER_INSPECT = before;
  }
  url = (await farm.master.waitFor(/INFO master: live view of the actors at (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
}, LONG);

afterAll(async () => {
  if (gate !== undefined) await writeFile(gate, '').catch(() => {});
  await browser?.close();
  await farm?.close();
}, 120_000);

afterEach(() => {
  expect(problems).toEqual([]);
});

/** The tree's row of the actor with this id (under the row of `parentId`, when given). */
const row = (id: string, parentId?: string) =>
  parentId === undefined ? `#tree li[data-id="${id}"]` : `#tree li[data-id="${parentId}"] > ul > li[data-id="${id}"]`;

test('the supervisor and its ten tasks, live; a task chosen shows its state and last events', async () => {
  await page.waitForSelector('#connection.live');
  await page.waitForSelector(row('cloud_gazer', 'supervisor'));
  const tasks = await page.$$eval('#tree > li[data-id="supervisor"] > ul > li', (lis) => lis.map((li) => li.getAttribute('data-id')));
  expect(tasks).toEqual(['seraph', 'lumberjack', 'the_scribe', 'the_secretary', 'big_brother', 'file_juggler', 'slave_driver', 'mr_chase', 'the_architect', 'cloud_gazer']);
  expect(await page.textContent(`${row('supervisor')} > .row .state`)).toBe('running');
  await page.click(`${row('slave_driver')} > .row`);
  // (a locator, not waitForFunction: the page's Content-Security-Policy forbids evaluating strings)
  await page.locator('#detail-id', { hasText: /^slave_driver$/ }).waitFor();
  expect(await page.textContent('#detail-state')).toBe('running');
  expect(await page.$$eval('#events tbody td.type', (tds) => tds.map((td) => td.textContent))).toContain('xstate.init');
  expect(page.url()).toMatch(/#actor=x%3A\d+$/);
});

test("a slave's session: idle, then building a package, then idle again, its state marked on its chart", async () => {
  const slave = await farm.startSlave({ label: 'one' });
  // task → its session host → the session (i14-sessions' tree).
  const sessionRow = `${row('slave_driver', 'supervisor')} > ul > li[data-id="sessions"] > ul > li[data-id^="slave:"]`;
  await page.waitForSelector(sessionRow, { timeout: LONG });
  await page.click(`${sessionRow} > .row`);

  // Idle: connected, waiting for a job (ready) or asking for one (requesting), on the drawn chart.
  await page.waitForSelector('#chart svg g.state[data-state="slaveSession.connected.building"]', { timeout: LONG });
  expect(await page.textContent('#detail-chart')).toBe('chart: slave-session');
  const idle = await page.waitForSelector('#chart g.state.active:is([data-state="slaveSession.connected.ready"], [data-state="slaveSession.connected.requesting"])', { timeout: LONG });
  expect(await idle.getAttribute('data-state')).toMatch(/^slaveSession\.connected\.(ready|requesting)$/);
  expect(await page.$$eval('#chart g.state.active', (gs) => gs.map((g) => g.getAttribute('data-state')))).toContain('slaveSession.connected');
  const current = await page.$$eval('#chart g.state.current', (gs) => gs.map((g) => g.getAttribute('data-state')));
  expect(current).toHaveLength(1);
  expect(current[0]).toMatch(/^slaveSession\.connected\.(ready|requesting)$/);
  expect(await page.$('#chart g.state.active[data-state="slaveSession.connected.building"]')).toBeNull();

  await farm.publish([gatedProject(GATED, '1.0', path.join(farm.dir, 'gated.pgid'), gate)]);
  await slave.service.waitFor(new RegExp(`Building package ${GATED} version 1\\.0`), { timeoutMs: LONG });
  await page.waitForSelector('#chart g.state.active[data-state="slaveSession.connected.building"]', { timeout: LONG });
  expect(await page.$$eval('#chart g.state.current', (gs) => gs.map((g) => g.getAttribute('data-state')))).toEqual(['slaveSession.connected.building']);
  expect(await page.textContent(`${sessionRow} > .row .state`)).toBe('connected.building');
  expect(await page.textContent('#detail-state')).toBe('connected.building');
  expect(await page.$eval('#outline li.active[data-state="slaveSession.connected.building"] > span', (s) => s.textContent)).toBe('building');
  const events = await page.$$eval('#events tbody tr', (trs) => trs.map((tr) => tr.children[1]!.textContent));
  expect(events).toContain('IDLE');

  await writeFile(gate, '');
  await page.waitForSelector('#chart g.state.active:is([data-state="slaveSession.connected.ready"], [data-state="slaveSession.connected.requesting"])', { timeout: LONG });
  expect(await page.$('#chart g.state.active[data-state="slaveSession.connected.building"]')).toBeNull();
}, LONG);
