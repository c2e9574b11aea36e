// Bulk jobs of a workflow (.../bulk, a Stepflow extension): the jobs with their progress, one job's
// per-instance outcomes, and a new job by filter, which is always tried as a dry run first.

import { call, get, path, session, ApiError } from './api.js';
import { el, replace, button, field, time, notice, confirmAction, SCROLLS } from './dom.js';
import { links, STATUSES } from './links.js';
import { breadcrumbs } from './parts.js';

const ACTIONS = ['pause', 'resume', 'terminate', 'restart', 'delete'];
const REFRESH_MS = 1000;

export async function bulkPage(main, [acc, wf], params) {
  const api = path('accounts', acc, 'workflows', wf, 'bulk');
  const head = [breadcrumbs([[acc, links.home()], [wf, links.workflow(acc, wf)], ['Bulk jobs', links.bulk(acc, wf)]]),
    el('h1', {}, 'Bulk jobs of ', el('code', {}, wf))];
  let jobs;
  try {
    jobs = (await get(api, { per_page: 20 })).result;
  } catch (e) {
    if (e instanceof ApiError && e.noRoute) {
      replace(main, head, notice('info', 'Bulk jobs are not available on this server.'));
      return;
    }
    throw e;
  }
  const outcome = el('div', { class: 'feedback', 'aria-live': 'polite' });
  const jobView = el('div');
  const jobsView = el('div');
  const showJobs = (list) => replace(jobsView, list.length === 0 ? el('p', { class: 'muted' }, 'No bulk job yet.') : jobsTable(list, showJob));
  let timer = null;
  let gone = false;

  async function showJob(job) {
    if (timer) clearTimeout(timer);
    const items = (await get(api + path(job.id, 'items'), { per_page: 200 })).result;
    replace(jobView, jobDetail(job, items, acc, wf, api, showJob));
    showJobs((await get(api, { per_page: 20 })).result);
    if (job.state === 'running' && !gone) {
      timer = setTimeout(async () => showJob((await get(api + path(job.id))).result), REFRESH_MS);
    }
  }

  const form = newJobForm(params, async (request, dryRun) => {
    try {
      const { body } = await call(api, { method: 'POST', body: { ...request, dry_run: dryRun } });
      const job = body.result;
      replace(outcome, notice('ok', dryRun
        ? `Dry run: ${job.would_apply} of ${job.matched} instances would change, ${job.would_skip} would be skipped. Nothing was changed.`
        : `Job ${job.id} started on ${job.matched} instances.`));
      await showJob(job);
      return job;
    } catch (e) {
      replace(outcome, notice('error', e instanceof ApiError ? e.messages.join(' ') || e.message : e.message));
      return null;
    }
  });

  showJobs(jobs);
  replace(main, head, el('section', {}, form, outcome),
    el('section', { 'aria-labelledby': 'jobs-title' }, el('h2', { id: 'jobs-title' }, 'Jobs'), jobsView),
    jobView);
  const wanted = params.get('job') && jobs.find((j) => j.id === params.get('job'));
  if (wanted) await showJob(wanted);
  return () => { gone = true; if (timer) clearTimeout(timer); };
}

function newJobForm(params, submit) {
  const action = el('select', { name: 'action' }, ACTIONS.map((a) => el('option', { value: a }, a)));
  const rollback = el('input', { type: 'checkbox', name: 'rollback' });
  const statusBoxes = STATUSES.map((s) => el('input', { type: 'checkbox', name: 'status', value: s, checked: params.get('status') === s }));
  const after = el('input', { type: 'datetime-local', name: 'created_after', step: 1, value: params.get('from') || '' });
  const before = el('input', { type: 'datetime-local', name: 'created_before', step: 1, value: params.get('to') || '' });
  const reason = el('input', { type: 'text', name: 'reason', maxlength: 1024, autocomplete: 'off' });
  const dry = el('button', { type: 'submit' }, 'Dry run');
  const run = el('button', { type: 'button', class: 'danger', disabled: true }, 'Run for real');
  let tried = null;
  const request = () => {
    const filter = {};
    const chosen = statusBoxes.filter((b) => b.checked).map((b) => b.value);
    if (chosen.length) filter.status = chosen;
    if (after.value) filter.created_after = new Date(after.value + 'Z').toISOString();
    if (before.value) filter.created_before = new Date(before.value + 'Z').toISOString();
    const r = { action: action.value, filter };
    if (action.value === 'terminate' && rollback.checked) r.rollback = true;
    if (reason.value.trim()) r.reason = reason.value.trim();
    return r;
  };
  const form = el('form', { class: 'bulk-form', 'aria-labelledby': 'new-job-title' },
    el('h2', { id: 'new-job-title' }, 'New bulk job'),
    el('p', { class: 'muted' }, 'A job applies one action to every instance the filter selects, through the same rules as a single action. Try it as a dry run first: it changes nothing and says what would happen.'),
    el('div', { class: 'row wrap' }, field('Action', action), el('label', { class: 'inline' }, rollback, ' with rollback (terminate)')),
    el('fieldset', {}, el('legend', {}, 'Statuses (none: any)'),
      el('div', { class: 'row wrap' }, statusBoxes.map((b) => el('label', { class: 'inline' }, b, ' ' + b.value)))),
    el('div', { class: 'row wrap' }, field('Created after (UTC)', after), field('Created before (UTC)', before), field('Reason', reason)),
    el('div', { class: 'row' }, dry, run));
  const readOnly = session.permission !== 'edit';
  if (readOnly) {
    for (const c of form.querySelectorAll('input, select, button')) c.disabled = true;
    form.append(notice('info', 'This token may only read: bulk jobs cannot be started.'));
  }
  // the real run is offered only for the request the dry run just tried
  form.addEventListener('input', () => { tried = null; run.disabled = true; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = request();
    const job = await submit(r, true);
    tried = job ? JSON.stringify(r) : null;
    run.disabled = !job || readOnly;
  });
  run.addEventListener('click', async () => {
    const r = request();
    if (tried !== JSON.stringify(r)) return;
    if (!(await confirmAction('Run this bulk job?', `${r.action} every selected instance. This changes instances and cannot be undone.`, 'Run'))) return;
    run.disabled = true;
    tried = null;
    await submit(r, false);
  });
  return form;
}

function progress(job) {
  const done = job.matched - job.pending;
  return el('progress', { max: Math.max(job.matched, 1), value: job.matched === 0 ? 1 : done, 'aria-label': `Job ${job.id}: ${done} of ${job.matched} done` });
}

function jobsTable(jobs, showJob) {
  return el('div', SCROLLS, el('table', { class: 'jobs' },
    el('caption', { class: 'sr-only' }, 'Bulk jobs, newest first'),
    el('thead', {}, el('tr', {}, ['Job', 'Action', 'State', 'Progress', 'Applied', 'Skipped', 'Failed', 'Started'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, jobs.map((j) => el('tr', { dataset: { job: j.id } },
      el('th', { scope: 'row' }, button(j.id, () => showJob(j), { class: 'link' })),
      el('td', {}, j.action + (j.rollback ? ' + rollback' : '') + (j.dry_run ? ' (dry run)' : '')),
      el('td', {}, j.state),
      el('td', {}, progress(j)),
      el('td', { class: 'num' }, String(j.dry_run ? j.would_apply : j.applied)),
      el('td', { class: 'num' }, String(j.dry_run ? j.would_skip : j.skipped)),
      el('td', { class: 'num' }, String(j.failed)),
      el('td', {}, time(j.created_on)))))));
}

function jobDetail(job, items, acc, wf, api, showJob) {
  const counts = job.dry_run
    ? `would apply ${job.would_apply}, would skip ${job.would_skip}`
    : `applied ${job.applied}, skipped ${job.skipped}, failed ${job.failed}, cancelled ${job.cancelled}, pending ${job.pending}`;
  const cancel = job.state === 'running' && session.permission === 'edit'
    ? button('Cancel job', async () => showJob((await call(api + path(job.id), { method: 'DELETE' })).body.result), { class: 'danger' })
    : null;
  return el('section', { class: 'job', 'aria-labelledby': 'job-title', dataset: { job: job.id, state: job.state, dryRun: String(Boolean(job.dry_run)) } },
    el('h2', { id: 'job-title' }, 'Job ', el('code', {}, job.id)),
    el('p', {}, `${job.action}${job.rollback ? ' with rollback' : ''}${job.dry_run ? ' (dry run)' : ''} · ${job.state} · ${job.matched} matched · ${counts}`),
    progress(job), cancel,
    el('div', SCROLLS, el('table', { class: 'items' },
      el('caption', { class: 'sr-only' }, 'Outcome per instance'),
      el('thead', {}, el('tr', {}, ['Instance', 'Outcome', 'Message', 'Done'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, items.map((it) => el('tr', { dataset: { item: it.instance_id, outcome: it.outcome } },
        el('th', { scope: 'row' }, el('a', { href: links.instance(acc, wf, it.instance_id) }, it.instance_id)),
        el('td', {}, el('span', { class: 'outcome', dataset: { outcome: it.outcome } }, it.outcome)),
        el('td', {}, it.message || ''),
        el('td', {}, time(it.done_on))))))));
}
