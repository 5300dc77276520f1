// The live view's page (actors/inspect/server.ts serves it and what it reads). No framework: the tree
// of actors is kept in step with the server's Server-Sent Events (`tree` on connect, then `delta`s);
// choosing an actor reconnects with `?focus=KEY`, and its `detail` events mark its active states on its
// chart (`<g class="state" data-state="ID">` in the drawing, `<li data-state="ID">` in the outline) and
// list its last events. Everything from the server is put in as text, never as markup, except the
// drawing itself, which is the master's own SVG of its own machine.
'use strict';

const $ = (id) => document.getElementById(id);
/** key → { row, li } */
const actors = new Map();
let untracked = 0;
let focus = new URLSearchParams(location.hash.slice(1)).get('actor') || undefined;
let stream;
/** The chart shown in the detail pane, and a request for one that may be on its way. */
let shownChart;
let chartRequest = 0;
/** The focused actor's latest detail, to mark a chart that arrives after it. */
let lastDetail;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// ---------------------------------------------------------------------------------------------- tree

function childList(li) {
  let ul = li.querySelector(':scope > ul');
  if (!ul) {
    ul = el('ul', { class: 'tree' });
    li.append(ul);
  }
  return ul;
}

function place(entry) {
  const parent = entry.row.parent && actors.get(entry.row.parent);
  const list = parent ? childList(parent.li) : $('tree');
  if (entry.li.parentNode !== list) list.append(entry.li);
}

function upsert(row) {
  let entry = actors.get(row.key);
  if (!entry) {
    const li = el('li', { 'data-key': row.key, 'data-id': row.id });
    const line = el('div', { class: 'row' }, el('span', { class: 'id' }), el('span', { class: 'state' }), el('span', { class: 'kind' }));
    line.addEventListener('click', () => choose(row.key));
    li.append(line);
    entry = { row, li };
    actors.set(row.key, entry);
    place(entry);
    // Children that came before their parent move under it now.
    for (const other of actors.values()) if (other.row.parent === row.key) place(other);
  }
  entry.row = row;
  const line = entry.li.firstChild;
  line.querySelector('.id').textContent = row.systemId && row.systemId !== row.id ? `${row.id} (${row.systemId})` : row.id;
  line.querySelector('.state').textContent = row.state;
  line.querySelector('.kind').textContent = row.chart || (row.machine ? 'machine' : 'actor');
  entry.li.classList.toggle('chosen', row.key === focus);
  filterOne(entry);
}

function remove(key) {
  const entry = actors.get(key);
  if (!entry) return;
  actors.delete(key);
  // Its children are gone too (a stopped parent stops them), but keep any the server still lists.
  const kids = entry.li.querySelector(':scope > ul');
  if (kids) for (const li of [...kids.children]) $('tree').append(li);
  entry.li.remove();
}

function counts() {
  $('counts').textContent = `${actors.size} live actors` + (untracked ? `; ${untracked} more not shown (too many)` : '');
}

function filterOne(entry) {
  const text = $('filter').value.trim().toLowerCase();
  const hit = !text || entry.row.id.toLowerCase().includes(text) || entry.row.state.toLowerCase().includes(text);
  entry.li.classList.toggle('filtered-out', !hit);
}

// -------------------------------------------------------------------------------------------- detail

function choose(key) {
  focus = key;
  history.replaceState(null, '', `#actor=${encodeURIComponent(key)}`);
  for (const entry of actors.values()) entry.li.classList.toggle('chosen', entry.row.key === key);
  connect();
}

async function showChart(name) {
  if (name === shownChart) return;
  shownChart = name;
  const request = ++chartRequest;
  $('chart').replaceChildren();
  $('outline').replaceChildren();
  $('outline-box').hidden = name === undefined;
  if (name === undefined) return;
  const res = await fetch(`/api/charts/${encodeURIComponent(name)}`);
  if (!res.ok || request !== chartRequest) return;
  const chart = await res.json();
  if (request !== chartRequest) return;
  if (chart.svg) $('chart').innerHTML = chart.svg;
  $('outline').append(outlineItem(chart.outline));
  if (lastDetail) mark(lastDetail.active || []);
}

function outlineItem(node) {
  const li = el('li', { 'data-state': node.id }, el('span', {}, node.key));
  if (node.type !== 'atomic' && node.type !== 'compound') li.append(` (${node.type})`);
  if (node.children.length) li.append(el('ul', { class: 'outline' }, ...node.children.map(outlineItem)));
  return li;
}

/** Marks the active states, and as `current` those with no active state inside them (the leaves). */
function mark(active) {
  const on = new Set(active);
  const nodes = document.querySelectorAll('#chart [data-state], #outline [data-state]');
  for (const node of nodes) node.classList.toggle('active', on.has(node.getAttribute('data-state')));
  for (const node of nodes) node.classList.toggle('current', node.classList.contains('active') && !node.querySelector('.active'));
}

function showDetail(detail) {
  $('nothing-chosen').hidden = true;
  $('detail').hidden = false;
  if (detail.gone) {
    $('detail-status').textContent = 'stopped';
    return;
  }
  lastDetail = detail;
  $('detail-id').textContent = detail.id;
  $('detail-status').textContent = detail.status;
  $('detail-state').textContent = detail.state;
  $('detail-chart').textContent = detail.chart ? `chart: ${detail.chart}` : detail.machine ? 'a machine not in the catalogue' : '';
  void showChart(detail.chart);
  mark(detail.active);
  const rows = detail.lastEvents
    .slice()
    .reverse()
    .map((e) =>
      el('tr', {}, el('td', {}, new Date(e.at).toISOString().slice(11, 23)), el('td', { class: 'type' }, e.type), el('td', {}, e.from || ''), el('td', { class: 'data' }, e.data)),
    );
  $('events').tBodies[0].replaceChildren(...rows);
}

// -------------------------------------------------------------------------------------------- stream

function connect() {
  if (stream) stream.close();
  stream = new EventSource('/api/stream' + (focus ? `?focus=${encodeURIComponent(focus)}` : ''));
  stream.addEventListener('open', () => {
    $('connection').textContent = 'live';
    $('connection').className = 'live';
  });
  stream.addEventListener('error', () => {
    // EventSource reconnects by itself; the next `tree` puts everything right.
    $('connection').textContent = 'connection lost; retrying…';
    $('connection').className = 'lost';
  });
  stream.addEventListener('tree', (e) => {
    const data = JSON.parse(e.data);
    const live = new Set(data.actors.map((row) => row.key));
    for (const key of [...actors.keys()]) if (!live.has(key)) remove(key);
    for (const row of data.actors) upsert(row);
    untracked = data.untracked;
    counts();
  });
  stream.addEventListener('delta', (e) => {
    const data = JSON.parse(e.data);
    for (const key of data.removed) remove(key);
    for (const row of data.changed) upsert(row);
    untracked = data.untracked;
    counts();
  });
  stream.addEventListener('detail', (e) => showDetail(JSON.parse(e.data)));
}

$('filter').addEventListener('input', () => {
  for (const entry of actors.values()) filterOne(entry);
});
connect();
