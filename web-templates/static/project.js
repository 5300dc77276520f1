// Project pages: download counts from /packages.json, and the "Show more" buttons of long tables.
(() => {
  'use strict';
  const fmt = new Intl.NumberFormat('en');
  const pkg = document.body.dataset.package;
  const show = (id, value) => {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  };

  for (const button of document.querySelectorAll('button[data-show]')) {
    button.addEventListener('click', () => {
      const hidden = button.dataset.show;
      for (const row of document.querySelectorAll(`.${hidden}`)) row.classList.remove(hidden);
      button.closest('tr').remove();
    });
  }

  fetch('/packages.json')
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((data) => {
      const row = data.find(([name]) => name === pkg);
      show('downloads-all', fmt.format(row ? row[2] : 0));
      show('downloads-30', fmt.format(row ? row[1] : 0));
    })
    .catch(() => {
      show('downloads-all', 'unavailable');
      show('downloads-30', 'unavailable');
    });
})();
