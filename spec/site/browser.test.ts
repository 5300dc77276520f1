/**
 * The site in a real browser (Debian's Chromium driven by playwright-core): the pages a visitor uses
 * right after the master started, no console errors, hostile text shown as text, and every link of the
 * site answered 200 without a redirect.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { EVIL_REQUIRES, EVIL_SUMMARY, makeSite, type Site } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let site: Site;
let browser: Browser;
/** Console errors, page errors and dialogs (a script that ran) of every page opened. */
const problems: string[] = [];

beforeAll(async () => {
  site = await makeSite();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
afterEach(() => {
  expect(problems).toEqual([]);
  problems.length = 0;
});

async function open(path: string): Promise<{ page: Page; status: number | undefined }> {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${path}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${path}: a script opened a dialog: ${d.message()}`);
    void d.dismiss();
  });
  const res = await page.goto(site.url + path, { waitUntil: 'networkidle' });
  return { page, status: res?.status() };
}

test('home page: the statistics', async () => {
  const { page, status } = await open('/');
  expect(status).toBe(200);
  expect(await page.title()).toBe('piwheels - Home');
  const figures = Object.fromEntries(
    await page.$$eval('.stats dl div', (divs) => divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent])),
  );
  expect(figures).toEqual({ 'Packages built': '5', Wheels: '7', 'Downloads (all time)': '3,456', 'Downloads (last 30 days)': '12' });
  expect(await page.getAttribute('link[rel=icon][href="/favicon.ico"]', 'href')).toBe('/favicon.ico');
  await page.close();
});

test('search finds packages right after a fresh start (no SEARCH has run yet)', async () => {
  const { page } = await open('/packages.html');
  await page.fill('#search', 'ap');
  await page.waitForSelector('#results a');
  const results = await page.$$eval('#results a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  expect(results).toEqual([['app', '/project/app/']]);
  await page.close();
});

test('a project page: versions, files, install box, and a build log link that opens the log', async () => {
  const { page, status } = await open('/project/app/');
  expect(status).toBe(200);
  expect(await page.textContent('h1')).toBe('app');
  expect(await page.getAttribute('meta[name=description]', 'content')).toBe('The piwheels project page for app: An app');
  expect(await page.$$eval('table.versions tbody tr td:first-child', (tds) => tds.map((t) => t.textContent))).toEqual(['1.0']);
  expect(await page.$$eval('table.files a', (as) => as.map((a) => a.textContent))).toEqual(['app-1.0-py3-none-any.whl']);
  const install = await page.textContent('#install-command');
  expect(install).toBe('python3 -m venv env\n. env/bin/activate\npip install --extra-index-url https://www.piwheels.org/simple app');
  await page.waitForFunction("document.getElementById('downloads-all').textContent !== 'loading…'");
  expect(await page.textContent('#downloads-all')).toBe('0');
  await Promise.all([page.waitForNavigation(), page.click('table.versions td.abis.ok a')]);
  expect(page.url()).toBe(`${site.url}/logs/0000/0000/0001.txt.gz`);
  expect(await page.textContent('body')).toBe('built app 1.0\n');
  await page.close();
});

test("a failed build's log opens from the failed column", async () => {
  const { page } = await open('/project/broken/');
  expect(await page.textContent('table.versions td.abis.failed')).toBe('cp311');
  await Promise.all([page.waitForNavigation(), page.click('table.versions td.abis.failed a')]);
  expect(await page.textContent('body')).toBe('error: <command> failed & nothing was built\n');
  await page.close();
});

test('hostile text is shown as text: a summary with <script> and a requires-python with "<>&', async () => {
  const { page } = await open('/project/evil/');
  expect(await page.textContent('p.description')).toBe(EVIL_SUMMARY);
  expect(await page.$$eval('table.files td:nth-child(4)', (tds) => tds.map((t) => t.textContent))).toEqual([EVIL_REQUIRES]);
  expect(await page.$$eval('script', (ss) => ss.map((s) => s.getAttribute('src')))).toEqual(['/project.js']);
  await page.close();
  const index = await open('/simple/evil/');
  expect(await index.page.getAttribute('a', 'data-requires-python')).toBe(EVIL_REQUIRES);
  await index.page.close();
  const json = await (await fetch(`${site.url}/project/evil/json/`)).text();
  expect(json).not.toMatch(/[<>&]/);
  expect(JSON.parse(json).summary).toBe(EVIL_SUMMARY);
});

test('the JSON API page, and the project JSON it describes', async () => {
  const { page, status } = await open('/json.html');
  expect(status).toBe(200);
  expect(await page.textContent('h1')).toBe('JSON API');
  await page.close();
  const data = (await (await fetch(`${site.url}/project/app/json/`)).json()) as { releases: object };
  expect(Object.keys(data.releases)).toEqual(['1.0']);
});

test("a missing page is the site's 404", async () => {
  const { page, status } = await open('/no/such/page');
  expect(status).toBe(404);
  expect(await page.textContent('h1')).toBe('Page not found');
  await page.close();
  // the browser reports the 404 of the page itself, and nothing else
  expect(problems.splice(0)).toEqual(['/no/such/page: console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
});

test('every same-site link, script, stylesheet and image of every page answers 200, without a redirect', async () => {
  const origin = new URL(site.url).origin;
  const seen = new Set<string>();
  // the pages a visitor reaches by searching, as a search engine does: from the sitemaps
  const sitemap = await (await fetch(`${origin}/sitemap1.xml`)).text();
  const projects = [...sitemap.matchAll(/<loc>https:\/\/www\.piwheels\.org(\/[^<]*)<\/loc>/g)].map((m) => m[1]!);
  expect(projects).toContain('/project/app/');
  const queue = ['/', '/sitemap.xml', '/sitemap0.xml', ...projects];
  const bad: string[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await fetch(origin + path, { redirect: 'manual' });
    if (res.status !== 200) {
      bad.push(`${path}: ${res.status}`);
      continue;
    }
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) {
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    for (const m of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
      const url = new URL(m[1]!.replace(/&amp;/g, '&'), origin + path);
      if (url.origin === origin) queue.push(url.pathname + url.search);
    }
  }
  expect(bad).toEqual([]);
  // the crawl reached every kind of page
  for (const path of ['/packages.html', '/faq.html', '/json.html', '/stats.html', '/simple/', '/simple/app/', '/project/app/json/', '/favicon.ico', '/logs/0000/0000/0001.txt.gz']) {
    expect(seen).toContain(path);
  }
});
