// Pieces several pages share: breadcrumbs and the first-steps help.

import { el } from './dom.js';
import { links } from './links.js';

/** crumbs: [[label, href], ...] after "Accounts"; the last one is the current page. */
export function breadcrumbs(crumbs) {
  const all = [['Accounts', links.home()], ...crumbs];
  return el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    el('ol', {}, all.map(([label, href], i) =>
      el('li', {}, i === all.length - 1 ? el('span', { 'aria-current': 'page' }, label) : el('a', { href }, label)))));
}

/** How a new user makes a first instance, with curl and wrangler, for this server. */
export function firstSteps(acc, wf) {
  const base = location.origin + '/client/v4';
  const curl = [
    `export CLOUDFLARE_API_TOKEN=$(cat data/dev-token)   # or another API token`,
    `B=${base}/accounts/${acc}`,
    `curl -s -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -X PUT "$B/workflows/${wf}" \\`,
    `  -H 'Content-Type: application/json' -d '{"class_name":"Scripted","script_name":"${wf}"}'`,
    `curl -s -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -X POST "$B/workflows/${wf}/instances" \\`,
    `  -H 'Content-Type: application/json' -d '{"params":{"steps":[{"do":"hello","ms":500},{"sleep":"nap","ms":5000}]}}'`,
  ].join('\n');
  const wrangler = [
    `export CLOUDFLARE_API_BASE_URL=${base} CLOUDFLARE_ACCOUNT_ID=${acc}`,
    `npx wrangler@4.86.0 workflows trigger ${wf} '{"steps":[{"do":"hello","ms":500}]}'`,
  ].join('\n');
  return el('section', { class: 'first-steps', 'aria-labelledby': 'first-steps-' + acc },
    el('h3', { id: 'first-steps-' + acc }, 'Create a first instance'),
    el('p', {}, 'Bind a workflow name to a workflow class (Scripted runs the steps its params describe), then start an instance. With curl:'),
    el('pre', { class: 'cmd', tabindex: 0 }, curl),
    el('p', {}, 'Or with wrangler, once the workflow exists:'),
    el('pre', { class: 'cmd', tabindex: 0 }, wrangler),
    el('p', {}, 'This page shows it as soon as you reload.'));
}
