// Package search: filters /packages.json ([name, downloads in 30 days, downloads all time] triples) by a
// regular expression typed by the user (plain text when it is not a valid one), most downloaded first.
(() => {
  'use strict';
  const MIN_QUERY = 2;
  const MAX_RESULTS = 100;
  const input = document.getElementById('search');
  const results = document.getElementById('results');
  const status = document.getElementById('search-status');
  const fmt = new Intl.NumberFormat('en');
  let packages = null;

  const matcher = (query) => {
    try {
      return new RegExp(query, 'i');
    } catch {
      return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    }
  };

  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  const render = () => {
    const query = input.value.trim();
    results.replaceChildren();
    if (packages === null) return;
    if (query.length < MIN_QUERY) {
      status.textContent = `${fmt.format(packages.length)} packages. Type at least ${MIN_QUERY} characters.`;
      return;
    }
    const re = matcher(query);
    const hits = packages
      .filter(([name]) => re.test(name))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [name, recent, all] of hits.slice(0, MAX_RESULTS)) {
      const row = document.createElement('tr');
      const link = document.createElement('a');
      link.href = `/project/${encodeURIComponent(name)}/`;
      link.textContent = name;
      const first = document.createElement('td');
      first.append(link);
      row.append(first, cell(fmt.format(recent), 'num'), cell(fmt.format(all), 'num'));
      results.append(row);
    }
    status.textContent =
      hits.length > MAX_RESULTS ? `Showing the top ${MAX_RESULTS} of ${fmt.format(hits.length)} matches.` : `${fmt.format(hits.length)} matches.`;
  };

  const params = new URLSearchParams(window.location.search);
  if (params.has('q')) input.value = params.get('q');
  input.addEventListener('input', () => {
    const url = new URL(window.location.href);
    url.searchParams.set('q', input.value);
    window.history.replaceState(null, '', url);
    render();
  });

  fetch('/packages.json')
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((data) => {
      packages = data;
      render();
    })
    .catch(() => {
      status.textContent = 'The package list could not be loaded.';
    });
})();
