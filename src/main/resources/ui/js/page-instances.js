// One workflow's instances: counts by status, filters by status and creation time, cursor paging.

import { get, path } from './api.js';
import { el, replace, field, status, time, notice, SCROLLS } from './dom.js';
import { links, STATUSES } from './links.js';
import { breadcrumbs, firstSteps } from './parts.js';

const PER_PAGE = 25;

export async function instancesPage(main, [acc, wf], params) {
  const filter = {
    status: params.get('status') || '',
    from: params.get('from') || '',
    to: params.get('to') || '',
  };
  const cursor = params.get('cursor') || '';
  const workflow = (await get(path('accounts', acc, 'workflows', wf))).result;
  const page = await get(path('accounts', acc, 'workflows', wf, 'instances'), {
    per_page: PER_PAGE,
    status: filter.status,
    date_start: utc(filter.from),
    date_end: utc(filter.to),
    cursor,
  });
  replace(main,
    breadcrumbs([[acc, links.home()], [wf, links.workflow(acc, wf)]]),
    el('div', { class: 'section-head' },
      el('h1', {}, 'Workflow ', el('code', {}, wf)),
      el('a', { href: links.bulk(acc, wf) + '?' + new URLSearchParams(filter) }, 'Bulk actions')),
    el('p', { class: 'muted' }, 'Class ', el('code', {}, workflow.class_name), ', script ', el('code', {}, workflow.script_name)),
    countsList(acc, wf, workflow.instances || {}),
    filterForm(acc, wf, filter),
    results(acc, wf, page, filter, cursor, params));
}

/** datetime-local text (read as UTC) to the API's ISO 8601. */
function utc(local) {
  return local ? new Date(local + 'Z').toISOString() : '';
}

function countsList(acc, wf, counts) {
  return el('ul', { class: 'chips', 'aria-label': 'Instances by status' },
    STATUSES.map((s) => el('li', {},
      el('a', { href: links.workflow(acc, wf, 'status=' + s), dataset: { count: s } },
        status(s), ' ', el('span', { class: 'n' }, String(counts[s] || 0))))));
}

function filterForm(acc, wf, filter) {
  const select = el('select', { name: 'status' },
    el('option', { value: '' }, 'any status'),
    STATUSES.map((s) => el('option', { value: s, selected: s === filter.status }, s)));
  const from = el('input', { type: 'datetime-local', name: 'from', value: filter.from, step: 1 });
  const to = el('input', { type: 'datetime-local', name: 'to', value: filter.to, step: 1 });
  const form = el('form', { class: 'filters', 'aria-label': 'Filter instances' },
    field('Status', select),
    field('Created from (UTC)', from),
    field('Created until (UTC)', to),
    el('button', { type: 'submit' }, 'Filter'),
    el('a', { href: links.workflow(acc, wf) }, 'Clear'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (select.value) q.set('status', select.value);
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    location.hash = links.workflow(acc, wf, q.toString());
  });
  return form;
}

function results(acc, wf, page, filter, cursor, params) {
  const info = page.result_info || {};
  const rows = page.result.map((i) => el('tr', { dataset: { instance: i.id } },
    el('th', { scope: 'row' }, el('a', { href: links.instance(acc, wf, i.id) }, i.id)),
    el('td', {}, status(i.status)),
    el('td', {}, time(i.created_on)),
    el('td', {}, time(i.started_on)),
    el('td', {}, time(i.ended_on))));
  const filtered = filter.status || filter.from || filter.to;
  if (rows.length === 0 && !cursor) {
    return filtered
      ? notice('info', 'No instance matches these filters.')
      : [notice('info', 'This workflow has no instances yet.'), firstSteps(acc, wf)];
  }
  const back = params.has('back') ? params.get('back').split(',').map(decodeURIComponent) : [];
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' },
    el('span', { id: 'page-info' }, `${info.count ?? rows.length} of ${info.total_count ?? '?'} instances`),
    cursor ? el('a', { href: pageLink(acc, wf, filter, back.at(-1) || '', back.slice(0, -1)), rel: 'prev' }, '← Previous') : null,
    info.cursor ? el('a', { href: pageLink(acc, wf, filter, info.cursor, [...back, cursor]), rel: 'next' }, 'Next →') : null);
  return [el('div', SCROLLS,
    el('table', { class: 'instances' },
      el('caption', { class: 'sr-only' }, 'Instances of ' + wf + ', newest first'),
      el('thead', {}, el('tr', {}, ['Instance', 'Status', 'Created', 'Started', 'Ended'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))), pager];
}

/** A page link; back holds the cursors of the pages before, for "Previous". */
function pageLink(acc, wf, filter, cursor, back) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  if (back.length) q.set('back', back.map(encodeURIComponent).join(','));
  return links.workflow(acc, wf, q.toString());
}
