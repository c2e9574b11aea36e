// Accounts and their workflows, with instance counts by status; the empty state tells a new user
// how to make a first instance.

import { get, path } from './api.js';
import { el, replace, notice, SCROLLS } from './dom.js';
import { links, STATUSES } from './links.js';
import { breadcrumbs, firstSteps } from './parts.js';

export async function homePage(main) {
  const accounts = (await get('/accounts', { per_page: 100 })).result;
  const sections = [];
  for (const account of accounts) {
    const workflows = (await get(path('accounts', account.id, 'workflows'), { per_page: 100 })).result;
    sections.push(accountSection(account, workflows));
  }
  replace(main,
    breadcrumbs([]),
    el('h1', {}, 'Accounts and workflows'),
    accounts.length === 0
      ? [notice('info', 'Nothing here yet: no workflow exists in any account this token may use.'), firstSteps('acc1', 'demo')]
      : sections);
}

function accountSection(account, workflows) {
  return el('section', { class: 'account', 'aria-labelledby': 'acc-' + account.id, dataset: { account: account.id } },
    el('div', { class: 'section-head' },
      el('h2', { id: 'acc-' + account.id }, 'Account ', el('code', {}, account.id)),
      el('a', { href: links.audit(account.id) }, 'Audit log')),
    workflows.length === 0
      ? [el('p', {}, 'No workflows in this account.'), firstSteps(account.id, 'demo')]
      : workflowTable(account.id, workflows));
}

function workflowTable(acc, workflows) {
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Workflow'), el('th', { scope: 'col' }, 'Class'),
    STATUSES.map((s) => el('th', { scope: 'col', class: 'num' }, s)), el('th', { scope: 'col', class: 'num' }, 'total'));
  const rows = workflows.map((w) => {
    const counts = w.instances || {};
    const total = STATUSES.reduce((sum, s) => sum + (counts[s] || 0), 0);
    return el('tr', { dataset: { workflow: w.name } },
      el('th', { scope: 'row' }, el('a', { href: links.workflow(acc, w.name) }, w.name)),
      el('td', {}, w.class_name),
      STATUSES.map((s) => el('td', { class: 'num' + (counts[s] ? '' : ' zero'), dataset: { count: s } }, String(counts[s] || 0))),
      el('td', { class: 'num', dataset: { count: 'total' } }, String(total)));
  });
  return el('div', SCROLLS,
    el('table', { class: 'counts' }, el('caption', { class: 'sr-only' }, 'Instances per status of each workflow of ' + acc),
      el('thead', {}, head), el('tbody', {}, rows)));
}
