// The account's audit log (GET /accounts/{a}/audit, a Stepflow extension): every control call,
// newest first, with filters and cursor paging.

import { get, path, ApiError } from './api.js';
import { el, replace, field, time, notice, SCROLLS } from './dom.js';
import { links } from './links.js';
import { breadcrumbs } from './parts.js';
import { actor } from './history.js';

const FILTERS = ['actor', 'action', 'workflow'];
const TIMES = ['since', 'until'];

/** datetime-local text (read as UTC) to the API's ISO 8601. */
const utc = (local) => (local ? new Date(local + 'Z').toISOString() : '');

export async function auditPage(main, [acc], params) {
  const query = { per_page: 50, cursor: params.get('cursor') || '' };
  for (const f of FILTERS) query[f] = params.get(f) || '';
  for (const t of TIMES) query[t] = utc(params.get(t) || '');
  const head = [breadcrumbs([[acc, links.home()], ['Audit log', links.audit(acc)]]), el('h1', {}, 'Audit log of ', el('code', {}, acc))];
  let page;
  try {
    page = await get(path('accounts', acc, 'audit'), query);
  } catch (e) {
    if (e instanceof ApiError && e.noRoute) {
      replace(main, head, notice('info', 'The audit log is not available on this server.'));
      return;
    }
    throw e;
  }
  const inputs = Object.fromEntries(FILTERS.map((f) => [f, el('input', { type: 'text', name: f, value: query[f], autocomplete: 'off' })]));
  for (const t of TIMES) inputs[t] = el('input', { type: 'datetime-local', name: t, step: 1, value: params.get(t) || '' });
  const shown = [...FILTERS, ...TIMES];
  const form = el('form', { class: 'filters', 'aria-label': 'Filter the audit log' },
    field('Actor (token id, engine)', inputs.actor),
    field('Action (e.g. instance.pause)', inputs.action),
    field('Workflow', inputs.workflow),
    field('Since (UTC)', inputs.since),
    field('Until (UTC)', inputs.until),
    el('button', { type: 'submit' }, 'Filter'),
    el('a', { href: links.audit(acc) }, 'Clear'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const f of shown) if (inputs[f].value.trim()) q.set(f, inputs[f].value.trim());
    location.hash = links.audit(acc) + (q.toString() ? '?' + q : '');
  });
  const rows = page.result.map((a) => el('tr', { dataset: { action: a.action } },
    el('td', {}, time(a.at)),
    el('td', {}, actor(a.actor)),
    el('td', {}, el('code', {}, a.action)),
    el('td', {}, a.workflow ? el('a', { href: links.workflow(acc, a.workflow) }, a.workflow) : ''),
    el('td', {}, a.instance_id && a.workflow ? el('a', { href: links.instance(acc, a.workflow, a.instance_id) }, a.instance_id) : (a.instance_id || '')),
    el('td', { class: 'num' }, String(a.http_status)),
    el('td', {}, a.reason || ''),
    el('td', {}, el('code', { class: 'small' }, a.request_id))));
  const next = page.result_info && page.result_info.cursor;
  const nextQuery = new URLSearchParams();
  for (const f of shown) if (params.get(f)) nextQuery.set(f, params.get(f));
  if (next) nextQuery.set('cursor', next);
  replace(main, head, form,
    rows.length === 0 ? notice('info', 'No control call recorded' + (shown.some((f) => params.get(f)) ? ' matches these filters.' : ' yet.')) :
      el('div', SCROLLS, el('table', { class: 'audit' },
        el('caption', { class: 'sr-only' }, 'Control calls, newest first'),
        el('thead', {}, el('tr', {}, ['At', 'Actor', 'Action', 'Workflow', 'Instance', 'HTTP', 'Reason', 'Request'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows))),
    el('nav', { class: 'pager', 'aria-label': 'Pages' },
      query.cursor ? el('a', { href: links.audit(acc) }, '← Newest') : null,
      next ? el('a', { href: links.audit(acc) + '?' + nextQuery, rel: 'next' }, 'Older →') : null));
}
