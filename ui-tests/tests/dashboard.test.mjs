// The dashboard in a real browser (Debian's headless chromium) against a real Stepflow server:
// every figure on screen is compared with what the API answers, and every action is checked
// through the API (and, for restart from a step, through the built-in workflows' effects log).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, apiClient } from '../lib/server.mjs';
import { launch, watchedPage, axe } from '../lib/browser.mjs';

const ACC = 'acc1';
const SHOTS = process.env.STEPFLOW_UI_SCREENSHOTS || new URL('../../target/ui-screenshots/', import.meta.url).pathname;
const LONG = 120_000;

let server;
let api;
let browser;
let main; // the signed-in page of the edit token, reused by most tests

before(async () => {
  server = await startServer();
  api = apiClient(server);
  browser = await launch();
  main = await watchedPage(browser, server);
  await main.page.goto(server.login);
  await main.page.waitForSelector('h1');
  // after the first page, which shows the empty state; each test makes its own instances
  for (const wf of ['orders', 'quick', 'ops', 'many', 'batchy']) await api.putWorkflow(ACC, wf);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The contract this server was built from: the history, audit and bulk endpoints and If-Match are
// Stepflow extensions that arrive with their own changes. Where the contract has them, the pages must
// use them; where it does not, the pages must say "not available on this server" (and no stale
// check is possible without an ETag).
const SPEC = readFileSync(new URL('../../openapi/workflows.yaml', import.meta.url), 'utf8');
const HAS = {
  history: SPEC.includes('/instances/{instance_id}/history:'),
  audit: SPEC.includes('/accounts/{account_id}/audit:'),
  bulk: SPEC.includes('/workflows/{workflow_name}/bulk:'),
  ifMatch: /name: If-Match/.test(SPEC),
};

let loads = 0;

/** Loads the page afresh (a new query each time: the same URL with another fragment would not reload). */
async function open(hash, selector) {
  loads += 1;
  await main.page.goto(server.ui + '?load=' + loads + hash);
  await main.page.waitForSelector(selector);
}

/** Polls fn until it returns a truthy value; bounded. */
async function eventually(fn, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  throw new Error('timed out waiting for ' + what);
}

test('the login link signs in and leaves no token in the address bar or any request URL', async () => {
  const { page, seen } = main;
  assert.equal(new URL(page.url()).hash, '#/');
  // the first page, before any workflow existed
  assert.match(await page.textContent('main'), /Nothing here yet: no workflow exists in any account this token may use\.Create a first instance/);
  assert.ok(!page.url().includes(server.token));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('stepflow.token')), server.token);
  await page.goBack();
  assert.ok(!page.url().includes(server.token), 'the login URL is replaced in the history, not kept: ' + page.url());
  await page.goForward();
  assert.deepEqual(seen.tokenInUrl, []);
  assert.deepEqual(seen.foreign, []);
  assert.ok(!server.log().includes(server.token), 'the token is not in the server log');
});

test('a new user sees how to create a first instance', async () => {
  await open('#/a/acc1/w/ops', 'h1');
  const text = await main.page.textContent('main');
  assert.match(text, /This workflow has no instances yet\./);
  assert.match(text, /Create a first instance/);
  assert.match(text, /curl -s -H "Authorization: Bearer \$CLOUDFLARE_API_TOKEN" -X PUT/);
  assert.match(text, /npx wrangler@4\.86\.0 workflows trigger/);
});

test('every count and status on screen equals the API', async () => {
  for (let i = 1; i <= 3; i++) await api.create(ACC, 'quick', 'q' + i, { steps: [{ do: 'a', ms: 10 }] });
  for (let i = 1; i <= 2; i++) await api.create(ACC, 'orders', 'o' + i, { steps: [{ do: 'a', ms: 10 }, { sleep: 'wait', ms: LONG }] });
  await api.create(ACC, 'orders', 'o3', { steps: [{ do: 'a', ms: 10 }, { sleep: 'wait', ms: LONG }] });
  await api.create(ACC, 'orders', 'o4', { steps: [{ do: 'boom', fail: true, nonRetryable: true }] });
  await api.create(ACC, 'orders', 'o5', { steps: [{ sleep: 'wait', ms: LONG }] });
  for (const id of ['q1', 'q2', 'q3']) await api.waitFor(ACC, 'quick', id, ['complete']);
  for (const id of ['o1', 'o2', 'o3', 'o5']) await api.waitFor(ACC, 'orders', id, ['waiting']);
  await api.waitFor(ACC, 'orders', 'o4', ['errored']);
  await api.patch(ACC, 'orders', 'o3', { status: 'pause' });
  await api.patch(ACC, 'orders', 'o5', { status: 'terminate' });
  await api.waitFor(ACC, 'orders', 'o3', ['paused']);

  await open('#/', 'table.counts');
  for (const wf of ['orders', 'quick']) {
    const counts = (await api.workflow(ACC, wf)).instances;
    for (const [status, n] of Object.entries(counts)) {
      const shown = await main.page.textContent(`section[data-account="${ACC}"] tr[data-workflow="${wf}"] td[data-count="${status}"]`);
      assert.equal(Number(shown), n, `${wf} ${status}`);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    assert.equal(Number(await main.page.textContent(`tr[data-workflow="${wf}"] td[data-count="total"]`)), total);
  }
  await main.page.screenshot({ path: SHOTS + 'workflows.png' });

  await open('#/a/acc1/w/orders', 'table.instances');
  const list = await api.ok('GET', `/accounts/${ACC}/workflows/orders/instances`);
  const rows = await main.page.$$eval('table.instances tbody tr', (trs) =>
    trs.map((tr) => [tr.dataset.instance, tr.querySelector('.status').textContent]));
  assert.deepEqual(rows, list.map((i) => [i.id, i.status]));
  await main.page.screenshot({ path: SHOTS + 'instances.png' });

  // the status filter
  await main.page.selectOption('select[name=status]', 'waiting');
  await main.page.click('form.filters button[type=submit]');
  await main.page.waitForFunction(() => location.hash.includes('status=waiting'));
  await main.page.waitForSelector('table.instances');
  const waiting = await api.ok('GET', `/accounts/${ACC}/workflows/orders/instances?status=waiting`);
  const shownWaiting = await main.page.$$eval('table.instances tbody tr', (trs) => trs.map((tr) => tr.dataset.instance));
  assert.deepEqual(shownWaiting, waiting.map((i) => i.id));
});

test('cursor paging walks every instance once, and back', async () => {
  const ids = [];
  for (let i = 0; i < 30; i++) {
    ids.push('m' + String(i).padStart(2, '0'));
  }
  await api.ok('POST', `/accounts/${ACC}/workflows/many/instances/batch`, ids.map((id) => ({ instance_id: id, params: { steps: [] } })));
  await open('#/a/acc1/w/many', 'table.instances');
  const first = await main.page.$$eval('table.instances tbody tr', (trs) => trs.map((tr) => tr.dataset.instance));
  await main.page.click('a[rel=next]');
  await main.page.waitForSelector('a[rel=prev]');
  const second = await main.page.$$eval('table.instances tbody tr', (trs) => trs.map((tr) => tr.dataset.instance));
  assert.equal(first.length, 25);
  assert.equal(second.length, 5);
  assert.deepEqual([...first, ...second].sort(), [...ids].sort());
  await main.page.click('a[rel=prev]');
  await main.page.waitForSelector('a[rel=next]');
  assert.deepEqual(await main.page.$$eval('table.instances tbody tr', (trs) => trs.map((tr) => tr.dataset.instance)), first);
});

test('the creation-time filters are read as UTC and passed to the API', async () => {
  await api.ok('POST', `/accounts/${ACC}/workflows/quick/instances/batch`, [{ instance_id: 'dt1', params: { steps: [] } }]);
  const created = (await api.ok('GET', `/accounts/${ACC}/workflows/quick/instances?per_page=100`)).map((i) => i.created_on);
  const newest = created.reduce((a, b) => (a > b ? a : b));
  await open('#/a/acc1/w/quick', 'table.instances');
  // until one second before the newest instance: the newest is left out
  const until = new Date(Date.parse(newest) - 1000).toISOString().slice(0, 19);
  await main.page.fill('input[name=to]', until);
  await main.page.click('form.filters button[type=submit]');
  await main.page.waitForFunction(() => location.hash.includes('to='));
  await main.page.waitForSelector('table.instances, .notice');
  const shown = await main.page.$$eval('table.instances tbody tr', (trs) => trs.map((tr) => tr.dataset.instance));
  const fromApi = await api.ok('GET', `/accounts/${ACC}/workflows/quick/instances?per_page=100&date_end=${until}Z`);
  assert.deepEqual(shown, fromApi.map((i) => i.id));
  assert.ok(!shown.includes('dt1'));
  // from a time after every instance: none
  await open('#/a/acc1/w/quick?from=2999-01-01T00:00:00', '.notice');
  assert.match(await main.page.textContent('main'), /No instance matches these filters\./);
});

test('pause by clicking: waitingForPause while the step runs, then paused', async () => {
  await api.create(ACC, 'ops', 'p1', { steps: [{ do: 'slow', ms: 3000 }, { sleep: 'after', ms: LONG }] });
  await api.waitFor(ACC, 'ops', 'p1', ['running']);
  await eventually(() => server.effectsOf('p1').some((e) => e.kind === 'do'), 'the step to start');
  await open('#/a/acc1/w/ops/i/p1', '.timeline');
  await main.page.click('button:has-text("Pause")');
  const during = await api.waitFor(ACC, 'ops', 'p1', ['waitingForPause', 'paused']);
  assert.equal(during.status, 'waitingForPause', 'the step was still running');
  await api.waitFor(ACC, 'ops', 'p1', ['paused']);
  await main.page.waitForSelector('#live-status [data-status="paused"]');
});

test('restart from the second step picked on the timeline does not run the first again', async () => {
  await api.create(ACC, 'ops', 'r1', { steps: [{ do: 'first', ms: 10 }, { do: 'second', ms: 10 }, { do: 'third', ms: 10 }] });
  await api.waitFor(ACC, 'ops', 'r1', ['complete']);
  await open('#/a/acc1/w/ops/i/r1', '.timeline');
  await main.page.click('li[data-step="second-1"] button.pick');
  await main.page.waitForSelector('li[data-step="second-1"] button[aria-pressed="true"]');
  await main.page.click('#restart-from');
  await main.page.click('dialog.confirm button.danger');
  await eventually(async () => server.effectsOf('r1').filter((e) => e.kind === 'do' && e.step === 'third-1').length === 2, 'the third step to run again');
  await api.waitFor(ACC, 'ops', 'r1', ['complete']);
  const starts = server.effectsOf('r1').filter((e) => e.kind === 'do');
  assert.equal(starts.filter((e) => e.step === 'first-1').length, 1, 'first ran once');
  assert.equal(starts.filter((e) => e.step === 'second-1').length, 2, 'second ran again');
});

test('keyboard only: Tab reaches a step on the timeline, Space picks it, and the confirmation takes Escape', async () => {
  await api.create(ACC, 'ops', 'k1', { steps: [{ do: 'first', ms: 10 }, { do: 'second', ms: 10 }, { do: 'third', ms: 10 }] });
  await api.waitFor(ACC, 'ops', 'k1', ['complete']);
  await open('#/a/acc1/w/ops/i/k1', '.timeline');
  await main.page.uncheck('#live');
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await main.page.keyboard.press('Tab');
    reached = await main.page.evaluate(() => document.activeElement.closest('li[data-step="third-1"]') !== null);
  }
  assert.ok(reached, 'Tab reaches the step third-1 on the timeline');
  await main.page.keyboard.press('Space');
  await main.page.waitForSelector('li[data-step="third-1"] button[aria-pressed="true"]');
  assert.equal(await main.page.textContent('#restart-from'), 'Restart from third-1');
  await main.page.focus('#restart-from');
  await main.page.keyboard.press('Enter');
  await main.page.waitForSelector('dialog.confirm[open]');
  assert.equal(await main.page.evaluate(() => document.activeElement.textContent), 'Cancel', 'focus starts on Cancel');
  await main.page.keyboard.press('Escape');
  await main.page.waitForSelector('dialog.confirm', { state: 'detached' });
  assert.equal(server.effectsOf('k1').filter((e) => e.kind === 'do' && e.step === 'third-1').length, 1, 'nothing ran again');
  assert.equal((await api.instance(ACC, 'ops', 'k1')).status, 'complete');
});

test('terminate with rollback shows the rollback steps on the timeline', async () => {
  await api.create(ACC, 'ops', 't1', { steps: [
    { do: 'reserve', ms: 10, rollback: { ms: 20 } }, { do: 'charge', ms: 10, rollback: { ms: 20 } }, { sleep: 'pack', ms: LONG }] });
  await api.waitFor(ACC, 'ops', 't1', ['waiting']);
  await open('#/a/acc1/w/ops/i/t1', '.timeline');
  await main.page.click('button:has-text("Terminate with rollback")');
  await main.page.click('dialog.confirm button.danger');
  const done = await api.waitFor(ACC, 'ops', 't1', ['terminated']);
  assert.equal(done.rollback.outcome, 'complete');
  // the page may have drawn a moment of the rollback (charge-1 only); its next refresh draws the end
  await main.page.waitForSelector('li[data-type="rollback"][data-step="charge-1"]');
  await main.page.waitForSelector('li[data-type="rollback"][data-step="reserve-1"]');
  const rollbacks = await main.page.$$eval('li[data-type="rollback"]', (lis) => lis.map((li) => li.dataset.step));
  assert.deepEqual(rollbacks, done.steps.filter((s) => s.type === 'rollback').map((s) => s.name));
  assert.deepEqual([...rollbacks].sort(), ['charge-1', 'reserve-1']);
  await main.page.screenshot({ path: SHOTS + 'instance.png', fullPage: true });
});

test('sending an event completes the instance waiting for it', async () => {
  await api.create(ACC, 'ops', 'e1', { steps: [{ waitForEvent: 'approval', type: 'approved', timeout_ms: LONG }] });
  await api.waitFor(ACC, 'ops', 'e1', ['waiting']);
  await open('#/a/acc1/w/ops/i/e1', '.timeline');
  await main.page.fill('input[name=event-type]', 'approved');
  await main.page.fill('textarea[name=payload]', '{"by": "ui"}');
  await main.page.click('form.event button[type=submit]');
  const done = await api.waitFor(ACC, 'ops', 'e1', ['complete']);
  assert.equal(done.output['approval-1'].type, 'approved');
  assert.deepEqual(done.output['approval-1'].payload, { by: 'ui' });
  await main.page.waitForSelector('#live-status [data-status="complete"]');
});

test('an action on a stale page gets the readable "changed meanwhile" message and changes nothing', { skip: !HAS.ifMatch && 'this contract has no If-Match' }, async () => {
  await api.create(ACC, 'ops', 's1', { steps: [{ do: 'a', ms: 10 }, { sleep: 'nap', ms: LONG }] });
  await api.waitFor(ACC, 'ops', 's1', ['waiting']);
  await open('#/a/acc1/w/ops/i/s1', '.timeline');
  await main.page.uncheck('#live');
  // someone else pauses it meanwhile; this page still shows it waiting
  await api.patch(ACC, 'ops', 's1', { status: 'pause' });
  await api.waitFor(ACC, 'ops', 's1', ['paused']);
  await main.page.click('button:has-text("Terminate")');
  await main.page.click('dialog.confirm button.danger');
  const message = await main.page.waitForSelector('.feedback [role=alert]');
  assert.match(await message.textContent(), /It changed meanwhile: the instance is now paused \(this page showed waiting\)\. Nothing was done\./);
  assert.equal((await api.instance(ACC, 'ops', 's1')).status, 'paused');
});

test('the reason given with an action is kept in the status history the page shows, with its actor', async () => {
  await api.create(ACC, 'ops', 'h1', { steps: [{ do: 'a', ms: 10 }, { sleep: 'nap', ms: LONG }] });
  await api.waitFor(ACC, 'ops', 'h1', ['waiting']);
  await open('#/a/acc1/w/ops/i/h1', '.timeline');
  if (!HAS.history) {
    await main.page.waitForSelector('text=Status history is not available on this server.');
    return;
  }
  await main.page.fill('input[name=reason]', 'maintenance window');
  await main.page.click('button:has-text("Pause")');
  await api.waitFor(ACC, 'ops', 'h1', ['paused']);
  const history = await api.ok('GET', `/accounts/${ACC}/workflows/ops/instances/h1/history`);
  const pause = history.find((h) => h.trigger === 'pause');
  assert.equal(pause.reason, 'maintenance window');
  const row = await main.page.waitForSelector('table.history tbody tr:has-text("maintenance window")');
  const text = await row.textContent();
  assert.match(text, /pause/);
  assert.ok(text.includes(pause.actor.id), 'the actor is shown: ' + text);
  assert.equal(await main.page.$$eval('table.history tbody tr', (trs) => trs.length), history.length);
});

test('delete asks first, then deletes and goes back to the workflow', async () => {
  await api.create(ACC, 'ops', 'd1', { steps: [{ do: 'a', ms: 10 }] });
  await api.waitFor(ACC, 'ops', 'd1', ['complete']);
  await open('#/a/acc1/w/ops/i/d1', '.timeline');
  await main.page.click('section.actions button:has-text("Delete")');
  await main.page.click('dialog.confirm button:has-text("Cancel")');
  assert.equal((await api.instance(ACC, 'ops', 'd1')).status, 'complete', 'cancel deletes nothing');
  await main.page.click('section.actions button:has-text("Delete")');
  await main.page.click('dialog.confirm button.danger');
  await main.page.waitForFunction(() => location.hash === '#/a/acc1/w/ops');
  const gone = await api.request('GET', `/accounts/${ACC}/workflows/ops/instances/d1`);
  assert.equal(gone.status, 404);
});

test('params with markup are shown as text and run nothing', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  await api.create(ACC, 'ops', 'x1', { note: evil, steps: [{ do: 'a', ms: 10, output: { html: '<script>alert(2)</script>' } }] });
  await api.waitFor(ACC, 'ops', 'x1', ['complete']);
  await open('#/a/acc1/w/ops/i/x1', '.timeline');
  assert.ok((await main.page.textContent('main')).includes(evil));
  assert.equal(await main.page.$$eval('main img, main script', (n) => n.length), 0);
  await sleep(300);
  assert.deepEqual(main.seen.dialogs, []);
});

test('the account audit log lists the control calls made from the page', async () => {
  await open('#/a/acc1/audit', 'h1');
  if (!HAS.audit) {
    assert.match(await main.page.textContent('main'), /The audit log is not available on this server\./);
    return;
  }
  await main.page.waitForSelector('table.audit');
  const actions = await main.page.$$eval('table.audit tbody tr', (trs) => trs.map((tr) => tr.dataset.action));
  assert.ok(actions.includes('instance.pause'), actions.join(','));
  assert.ok(actions.includes('instance.event'), actions.join(','));
  await main.page.screenshot({ path: SHOTS + 'audit.png' });

  await main.page.fill('input[name=action]', 'instance.pause');
  await main.page.click('form.filters button[type=submit]');
  await main.page.waitForFunction(() => location.hash.includes('action=instance.pause'));
  await main.page.waitForSelector('table.audit');
  const filtered = await main.page.$$eval('table.audit tbody tr', (trs) => trs.map((tr) => tr.dataset.action));
  const fromApi = await api.ok('GET', `/accounts/${ACC}/audit?action=instance.pause`);
  assert.equal(filtered.length, fromApi.length);
  assert.ok(filtered.length > 0 && filtered.every((a) => a === 'instance.pause'), filtered.join(','));
});

test('a bulk action by filter runs only after its dry run, and reports each instance', async () => {
  for (const id of ['b1', 'b2', 'b3']) await api.create(ACC, 'batchy', id, { steps: [{ sleep: 'nap', ms: LONG }] });
  await api.create(ACC, 'batchy', 'b4', { steps: [] });
  for (const id of ['b1', 'b2', 'b3']) await api.waitFor(ACC, 'batchy', id, ['waiting']);
  await api.waitFor(ACC, 'batchy', 'b4', ['complete']);
  await open('#/a/acc1/w/batchy/bulk', 'h1');
  if (!HAS.bulk) {
    assert.match(await main.page.textContent('main'), /Bulk jobs are not available on this server\./);
    return;
  }
  await main.page.selectOption('select[name=action]', 'terminate');
  assert.ok(await main.page.isDisabled('button:has-text("Run for real")'), 'no real run before a dry run');
  await main.page.click('button:has-text("Dry run")');
  await main.page.waitForSelector('.feedback .notice.ok');
  assert.match(await main.page.textContent('.feedback'), /Dry run: 3 of 4 instances would change, 1 would be skipped\. Nothing was changed\./);
  for (const id of ['b1', 'b2', 'b3']) assert.equal((await api.instance(ACC, 'batchy', id)).status, 'waiting');
  await main.page.click('button:has-text("Run for real")');
  await main.page.click('dialog.confirm button.danger');
  for (const id of ['b1', 'b2', 'b3']) await api.waitFor(ACC, 'batchy', id, ['terminated']);
  // the dry run's job is complete too and stays on the page until the real job's first answer replaces it
  await main.page.waitForSelector('section.job[data-dry-run="false"][data-state="complete"]');
  const outcomes = await main.page.$$eval('table.items tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.item, tr.dataset.outcome])));
  assert.deepEqual(outcomes, { b1: 'applied', b2: 'applied', b3: 'applied', b4: 'skipped' });
  await main.page.screenshot({ path: SHOTS + 'bulk.png', fullPage: true });
  const jobId = await main.page.getAttribute('section.job', 'data-job');
  await open('#/a/acc1/w/batchy/i/b1', 'h1');
  await main.page.waitForSelector(`text=bulk job ${jobId}`);
});

test('a read token sees the actions disabled and never causes a 403', async () => {
  const token = server.createToken('viewer', 'read');
  await eventually(async () => (await apiClient(server, token).request('GET', '/accounts')).status === 200, 'the read token to be known');
  const viewer = await watchedPage(browser, server);
  try {
    await viewer.page.goto(server.ui);
    await viewer.page.fill('#token', token);
    await viewer.page.click('form.signin button[type=submit]');
    await viewer.page.waitForSelector('.perm[data-permission="read"]');
    for (const hash of ['#/', '#/a/acc1/w/ops', '#/a/acc1/w/ops/i/p1', '#/a/acc1/audit', '#/a/acc1/w/batchy/bulk']) {
      await viewer.page.goto(server.ui + hash);
      await viewer.page.waitForSelector('h1');
      await sleep(200);
    }
    await viewer.page.goto(server.ui + '#/a/acc1/w/ops/i/p1');
    await viewer.page.waitForSelector('.timeline');
    const enabled = await viewer.page.$$eval('section.actions button, section.actions input, section.actions textarea', (n) => n.filter((c) => !c.disabled).length);
    assert.equal(enabled, 0, 'every action control is disabled');
    // a click on a disabled button sends nothing
    await viewer.page.click('button:has-text("Pause")', { force: true, timeout: 2000 }).catch(() => {});
    await sleep(300);
    assert.deepEqual(viewer.seen.forbidden, []);
    assert.equal((await api.instance(ACC, 'ops', 'p1')).status, 'paused');
  } finally {
    await viewer.context.close();
  }
});

test('no serious or critical accessibility violation (axe-core) on the main pages', async () => {
  const pages = [['#/', 'table.counts'], ['#/a/acc1/w/orders', 'table.instances'], ['#/a/acc1/w/ops/i/t1', '.timeline'],
    ['#/a/acc1/audit', 'h1'], ['#/a/acc1/w/batchy/bulk', 'h1']];
  const found = [];
  for (const [hash, selector] of pages) {
    await open(hash, selector);
    // the instance page stops refreshing, so the scan sees one page
    await main.page.evaluate(() => { const live = document.getElementById('live'); if (live) live.click(); });
    for (const v of await axe(main.page)) found.push(hash + ': ' + v);
  }
  assert.deepEqual(found, []);
});

test('readable at phone width: no page scrolls sideways', async () => {
  const phone = await watchedPage(browser, server, { width: 390, height: 844 });
  try {
    await phone.page.goto(server.login);
    await phone.page.waitForSelector('table.counts');
    for (const [hash, selector] of [['#/', 'table.counts'], ['#/a/acc1/w/orders', 'table.instances'], ['#/a/acc1/w/ops/i/t1', '.timeline']]) {
      await phone.page.goto(server.ui + hash);
      await phone.page.waitForSelector(selector);
      const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${hash} is ${wide} px wide`);
      // wide tables scroll inside their box here: the keyboard must reach those boxes too
      await phone.page.evaluate(() => { const live = document.getElementById('live'); if (live) live.click(); });
      assert.deepEqual(await axe(phone.page), [], hash + ' at phone width');
    }
    await phone.page.screenshot({ path: SHOTS + 'instance-phone.png', fullPage: true });
  } finally {
    await phone.context.close();
  }
});

test('nothing reached another origin and nothing logged an error in the page', () => {
  assert.deepEqual(main.seen.foreign, []);
  assert.deepEqual(main.seen.tokenInUrl, []);
  assert.deepEqual(main.seen.dialogs, []);
  assert.deepEqual(main.seen.forbidden, []);
});
