import { Templates } from '../../../actors/scribe/templates.js';

const templates = new Templates({ url: 'https://example.org/', issues: 'i', blog: 'b', github: 'g', docs: 'd', twitter: 't' });

test('autoescaping is on and the site address comes without a trailing slash', () => {
  const html = templates.render('pages/404.html', { page: '404' });
  expect(html).toContain('<title>piwheels - Not found</title>');
  const home = templates.render('pages/index.html', {
    page: 'home',
    stats: { packagesBuilt: 1, filesCount: 2, downloadsAll: 3, downloadsLastMonth: 4 },
    updated: '<now>',
  });
  expect(home).toContain('extra-index-url=https://example.org/simple');
  expect(home).toContain('Page last updated &lt;now&gt;');
});

test('a value missing from a page is an error, not the text "undefined"', () => {
  expect(() => templates.render('pages/index.html', { page: 'home' })).toThrow('template filter expected a number, got undefined');
  expect(() => templates.render('simple/package.html', { package: 'x', items: [{ filename: 'f' }], head: true, tail: true })).toThrow();
});

test('list templates render in chunks that join into one document', async () => {
  const items = Array.from({ length: 5 }, (_, i) => `p${i}`);
  const parts: string[] = [];
  for await (const part of templates.renderList('simple/index.html', {}, items, 2)) parts.push(part);
  expect(parts).toHaveLength(3);
  const whole = parts.join('');
  expect(whole.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(whole).toContain('<a href="p0/">p0</a><a href="p1/">p1</a><a href="p2/">p2</a><a href="p3/">p3</a><a href="p4/">p4</a>\n');
  expect(whole.endsWith('</html>\n')).toBe(true);
  const empty: string[] = [];
  for await (const part of templates.renderList('simple/index.html', {}, [], 2)) empty.push(part);
  expect(empty.join('')).toContain('<body>\n\n</body>');
});

test('static assets are listed', async () => {
  expect(await templates.staticAssets()).toEqual(['favicon.ico', 'favicon.svg', 'packages.js', 'piwheels-logo.svg', 'project.js', 'styles.css']);
});

test('rows rendered in slices are placed unescaped (they were escaped as they rendered), with the global row index', async () => {
  const rows = await templates.renderRows(
    'pages/project-file-rows.html',
    { package: 'p<', visibleRows: 2 },
    ['<a>', 'b', 'c'].map((n, i) => ({ version: n, abi: 'none', filename: `${n}.whl`, size: i, hash: 'h', requiresPython: '' })),
    1,
  );
  const html = templates.render('pages/project.html', {
    page: 'project', package: 'p<', name: 'P', description: '', pypiUrl: 'u', versionsCount: 0, filesCount: 3, apt: [],
    visibleRows: 2, updated: 'now', versionRows: await templates.renderRows('pages/project-version-rows.html', { visibleRows: 2 }, [], 1), fileRows: rows,
  });
  expect(html).toContain('<td>&lt;a&gt;</td>');
  expect(html).toContain('href="/simple/p%3C/%3Ca%3E.whl#sha256=h"');
  expect(html.match(/<tr class="hidden-file">/g)).toHaveLength(1); // only the third row (index 2)
  expect(html).toContain('<p class="empty">No versions</p>');
});
