// Boot and routing. The login link the server prints (/ui/#token=...) is read once: the token goes
// into this tab's sessionStorage and the fragment is removed from the address bar and history.
// Routes live in the fragment (#/a/ACCOUNT/w/WORKFLOW/...), so the server serves one page.

import { call, session, ApiError } from './api.js';
import { el, replace, button, field, notice } from './dom.js';
import { homePage } from './page-home.js';
import { instancesPage } from './page-instances.js';
import { instancePage } from './page-instance.js';
import { auditPage } from './page-audit.js';
import { bulkPage } from './page-bulk.js';

const main = document.getElementById('main');
let leave = () => {};

function takeTokenFromFragment() {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (!m) return;
  session.signIn(decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search + '#/');
}

const ROUTES = [
  [/^#\/a\/([^/]+)\/w\/([^/]+)\/i\/(.+)$/, instancePage],
  [/^#\/a\/([^/]+)\/w\/([^/]+)\/bulk$/, bulkPage],
  [/^#\/a\/([^/]+)\/w\/([^/]+)$/, instancesPage],
  [/^#\/a\/([^/]+)\/audit$/, auditPage],
  [/^#\/?$|^$/, homePage],
];

/** The route's page renders into main; it returns a function that stops its refreshes. */
async function route() {
  leave();
  leave = () => {};
  const [hash, query] = location.hash.split('?');
  const params = new URLSearchParams(query || '');
  for (const [pattern, page] of ROUTES) {
    const m = pattern.exec(hash);
    if (m) {
      const args = m.slice(1).map(decodeURIComponent);
      replace(main, el('p', { class: 'muted' }, 'Loading…'));
      try {
        leave = (await page(main, args, params)) || (() => {});
      } catch (e) {
        showFailure(e);
      }
      return;
    }
  }
  replace(main, el('h1', {}, 'Not found'), el('p', {}, 'No page here. '), el('a', { href: '#/' }, 'Go to the accounts.'));
}

function showFailure(e) {
  if (e instanceof ApiError && e.status === 401) {
    session.signOut();
    signInPage('The server did not accept the token: ' + e.message);
    return;
  }
  replace(main, notice('error', e instanceof ApiError ? e.message : 'Cannot reach the server: ' + e.message));
}

function signInPage(problem) {
  renderWho();
  const input = el('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, id: 'token' });
  const form = el('form', { class: 'signin' },
    el('h1', {}, 'Sign in'),
    problem ? notice('error', problem) : null,
    el('p', {}, 'Paste an API token. The dev token of a first start is in DATA/dev-token; the server prints a link that signs in with it. ',
      'The token is kept in this browser tab only (session storage) and sent to this server only.'),
    field('API token', input),
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    session.signIn(input.value.trim());
    start();
  });
  replace(main, form);
  input.focus();
}

function renderWho() {
  const who = document.getElementById('who');
  if (!session.token()) {
    replace(who);
    return;
  }
  replace(who,
    el('span', { class: 'perm', dataset: { permission: session.permission } },
      session.permission === 'edit' ? 'edit token' : 'read-only token'),
    button('Sign out', () => { session.signOut(); location.hash = '#/'; signInPage(); }));
}

async function start() {
  if (!session.token()) {
    signInPage();
    return;
  }
  try {
    const { body } = await call('/user/tokens/verify');
    // a server without the permission field: the actions stay enabled and the API decides
    session.permission = body.result.permission || 'edit';
  } catch (e) {
    showFailure(e);
    return;
  }
  renderWho();
  route();
}

takeTokenFromFragment();
window.addEventListener('hashchange', () => {
  if (/^#token=/.test(location.hash)) {
    takeTokenFromFragment();
    start();
  } else if (session.token()) {
    route();
  }
});
start();
