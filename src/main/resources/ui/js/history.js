// An instance's status history (GET .../history, a Stepflow extension): every change with who made
// it, the trigger and the reason given.

import { get, path, ApiError } from './api.js';
import { el, status, time, notice, SCROLLS } from './dom.js';

const MAX_PAGES = 5;

export async function historySection(acc, wf, id) {
  const entries = [];
  let cursor;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await get(path('accounts', acc, 'workflows', wf, 'instances', id, 'history'), { per_page: 100, cursor });
      entries.push(...body.result);
      cursor = body.result_info && body.result_info.cursor;
      if (!cursor) break;
    }
  } catch (e) {
    if (e instanceof ApiError && e.noRoute) {
      return notice('info', 'Status history is not available on this server.');
    }
    throw e;
  }
  const rows = entries.map((h) => el('tr', {},
    el('td', {}, time(h.at)),
    el('td', {}, h.from ? status(h.from) : el('span', { class: 'muted' }, 'created')),
    el('td', {}, status(h.to)),
    el('td', {}, el('code', {}, h.trigger)),
    el('td', {}, actor(h.actor)),
    el('td', {}, h.reason || ''),
    el('td', {}, h.request_id ? el('code', { class: 'small' }, h.request_id) : '')));
  return el('div', SCROLLS,
    el('table', { class: 'history' },
      el('caption', { class: 'sr-only' }, 'Status history, oldest first'),
      el('thead', {}, el('tr', {}, ['At', 'From', 'To', 'Trigger', 'Actor', 'Reason', 'Request'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)),
    cursor ? el('p', { class: 'muted' }, 'Showing the first ' + entries.length + ' changes.') : null);
}

export function actor(a) {
  if (!a) return '';
  if (a.type === 'token') return (a.name || 'token') + (a.id ? ' (' + a.id + ')' : '');
  if (a.type === 'bulk_job') return 'bulk job ' + a.id + (a.name ? ' of ' + a.name : '');
  return a.type;
}
