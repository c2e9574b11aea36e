// One instance: live status, params, output, error, the step timeline, the status history, and
// every control action. Status changes carry If-Match with the ETag the page last read, so an
// action on a page that no longer shows the instance as it is changes nothing and says so.

import { call, path, session, ApiError } from './api.js';
import { el, replace, button, field, json, status, time, notice, confirmAction } from './dom.js';
import { links } from './links.js';
import { breadcrumbs } from './parts.js';
import { timeline } from './timeline.js';
import { historySection } from './history.js';

const REFRESH_MS = 1000;
const FINISHED = ['complete', 'errored', 'terminated'];

export async function instancePage(main, [acc, wf, id]) {
  const api = path('accounts', acc, 'workflows', wf, 'instances', id);
  const state = { instance: null, etag: null, picked: null, timer: null, gone: false };
  const parts = {
    status: el('span', { id: 'live-status' }),
    feedback: el('div', { class: 'feedback', 'aria-live': 'polite' }),
    details: el('div'),
    timeline: el('div'),
    history: el('div'),
    restartFrom: null,
  };
  const live = el('input', { type: 'checkbox', checked: true, id: 'live' });

  async function load() {
    const { body, headers } = await call(api);
    state.instance = body.result;
    state.etag = headers.get('ETag');
    render();
  }

  function render() {
    const i = state.instance;
    replace(parts.status, status(i.status));
    replace(parts.details, details(i));
    const focused = document.activeElement && document.activeElement.closest('[data-step]');
    replace(parts.timeline, timeline(i, state.picked, (ref) => { state.picked = ref; render(); }));
    if (focused) {
      const again = parts.timeline.querySelector(`[data-step="${CSS.escape(focused.dataset.step)}"] button`);
      if (again) again.focus();
    }
    const p = state.picked;
    parts.restartFrom.textContent = p ? `Restart from ${p.name}-${p.count}` : 'Restart from a step (pick one on the timeline)';
    parts.restartFrom.disabled = !p || session.permission !== 'edit';
  }

  async function refreshHistory() {
    replace(parts.history, await historySection(acc, wf, id));
  }

  async function tick() {
    state.timer = null;
    if (state.gone) return;
    if (live.checked && state.instance && !FINISHED.includes(state.instance.status)) {
      try {
        await load();
        await refreshHistory();
      } catch (e) {
        replace(parts.feedback, notice('error', 'Refresh failed: ' + e.message));
      }
    }
    if (!state.gone) state.timer = setTimeout(tick, REFRESH_MS);
  }

  async function act(what, request) {
    if (!reasonIsSendable()) return;
    replace(parts.feedback, notice('info', what + '…'));
    try {
      const answer = await request();
      replace(parts.feedback, notice('ok', answer));
    } catch (e) {
      replace(parts.feedback, failure(e, state));
    }
    try {
      await load();
      await refreshHistory();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }

  const reason = el('input', { type: 'text', name: 'reason', maxlength: 1000, autocomplete: 'off' });
  /** A header carries Latin-1 text only, and the server refuses control characters. */
  const reasonIsSendable = () => {
    if (/^[\x20-\x7e\xa0-\xff]*$/.test(reason.value)) return true;
    replace(parts.feedback, notice('error', 'The reason must be printable text without line breaks or characters outside Latin-1.'));
    return false;
  };
  const headers = (extra) => ({ ...(reason.value.trim() ? { 'X-Stepflow-Reason': reason.value.trim() } : {}), ...extra });

  /** PATCH .../status with If-Match: the ETag this page read. */
  const changeStatus = (body, label) => act(label, async () => {
    const { body: answer } = await call(api + '/status', {
      method: 'PATCH', body, headers: headers(state.etag ? { 'If-Match': state.etag } : {}),
    });
    return `${label}: the instance is now ${answer.result.status}.`;
  });

  const destructive = (label, detail, body) => async () => {
    if (await confirmAction(label + '?', detail, label)) changeStatus(body, label);
  };

  parts.restartFrom = button('Restart from a step', async () => {
    const p = state.picked;
    if (!p) return;
    if (await confirmAction(`Restart from ${p.name}-${p.count}?`,
      `Steps before ${p.name}-${p.count} keep their results and are not run again; it and every step after it run again.`, 'Restart')) {
      changeStatus({ status: 'restart', from: p }, `Restart from ${p.name}-${p.count}`);
    }
  }, { id: 'restart-from' });

  const controls = [
    button('Pause', () => changeStatus({ status: 'pause' }, 'Pause')),
    button('Resume', () => changeStatus({ status: 'resume' }, 'Resume')),
    button('Terminate', destructive('Terminate', `Instance ${id} stops for good; no rollback handler runs.`, { status: 'terminate' }), { class: 'danger' }),
    button('Terminate with rollback', destructive('Terminate with rollback',
      `The rollback handlers of ${id}'s started steps run, newest first, then it is terminated.`, { status: 'terminate', rollback: true }), { class: 'danger' }),
    button('Restart', destructive('Restart', `Every step of ${id} is wiped and it runs again from the start, with the same params.`, { status: 'restart' }), { class: 'danger' }),
    parts.restartFrom,
    button('Delete', async () => {
      if (!reasonIsSendable()) return;
      if (!(await confirmAction('Delete?', `Instance ${id}, its steps and its history are deleted.`, 'Delete'))) return;
      try {
        await call(api, { method: 'DELETE', headers: headers({}) });
        state.gone = true;
        location.hash = links.workflow(acc, wf);
      } catch (e) {
        replace(parts.feedback, failure(e, state));
      }
    }, { class: 'danger' }),
  ];

  const eventType = el('input', { type: 'text', name: 'event-type', required: true, pattern: '[a-zA-Z0-9_][a-zA-Z0-9_\\-]*', maxlength: 100, autocomplete: 'off' });
  const payload = el('textarea', { name: 'payload', rows: 3, spellcheck: 'false' });
  const eventForm = el('form', { class: 'event', 'aria-label': 'Send an event' },
    field('Event type', eventType),
    field('Payload (JSON, optional)', payload),
    el('button', { type: 'submit' }, 'Send event'));
  eventForm.addEventListener('submit', (e) => {
    e.preventDefault();
    let body;
    if (payload.value.trim()) {
      try {
        body = JSON.parse(payload.value);
      } catch (err) {
        replace(parts.feedback, notice('error', 'The payload is not JSON: ' + err.message));
        return;
      }
    }
    act('Send event', async () => {
      await call(api + '/events/' + encodeURIComponent(eventType.value), { method: 'POST', body, headers: headers({}) });
      return `Event ${eventType.value} sent.`;
    });
  });

  const readOnly = session.permission !== 'edit';
  for (const control of [...controls, ...eventForm.querySelectorAll('input, textarea, button'), reason]) {
    if (readOnly) control.disabled = true;
  }

  await load();
  replace(main,
    breadcrumbs([[acc, links.home()], [wf, links.workflow(acc, wf)], [id, links.instance(acc, wf, id)]]),
    el('div', { class: 'section-head' },
      el('h1', {}, 'Instance ', el('code', {}, id)),
      el('p', { class: 'live', 'aria-live': 'polite' }, 'Status ', parts.status)),
    el('section', { class: 'actions', 'aria-labelledby': 'actions-title' },
      el('h2', { id: 'actions-title' }, 'Actions'),
      readOnly ? notice('info', 'This token may only read: the actions are disabled.') : null,
      field('Reason (kept in the history)', reason),
      el('div', { class: 'row wrap' }, controls),
      eventForm,
      parts.feedback),
    el('section', { 'aria-labelledby': 'timeline-title' },
      el('div', { class: 'section-head' },
        el('h2', { id: 'timeline-title' }, 'Timeline'),
        el('label', { class: 'inline' }, live, ' Refresh while it runs')),
      parts.timeline),
    parts.details,
    el('section', { 'aria-labelledby': 'history-title' },
      el('h2', { id: 'history-title' }, 'Status history'),
      parts.history));
  render();
  await refreshHistory();
  state.timer = setTimeout(tick, REFRESH_MS);
  return () => {
    state.gone = true;
    if (state.timer) clearTimeout(state.timer);
  };
}

function details(i) {
  return el('section', { class: 'details', 'aria-labelledby': 'details-title' },
    el('h2', { id: 'details-title' }, 'Details'),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Queued'), el('dd', {}, time(i.queued)),
      el('dt', {}, 'Started'), el('dd', {}, time(i.start)),
      el('dt', {}, 'Ended'), el('dd', {}, time(i.end)),
      el('dt', {}, 'Steps'), el('dd', {}, String(i.step_count ?? (i.steps || []).length)),
      el('dt', {}, 'Version'), el('dd', {}, el('code', {}, i.versionId || '')),
      i.rollback ? [el('dt', {}, 'Rollback'), el('dd', { dataset: { rollback: i.rollback.outcome } }, i.rollback.outcome,
        i.rollback.error ? ' — ' + i.rollback.error.message : '')] : null,
      i.unavailable_class ? [el('dt', {}, 'Waiting for class'), el('dd', {}, i.unavailable_class)] : null),
    el('div', { class: 'grid' },
      el('div', {}, el('h3', {}, 'Params'), json(i.params)),
      el('div', {}, el('h3', {}, 'Output'), json(i.output)),
      i.error ? el('div', {}, el('h3', {}, 'Error'), el('pre', { class: 'json err', tabindex: 0 }, i.error.name + ': ' + i.error.message)) : null));
}

/** A failure in plain words; a 412 says the instance changed since the page read it. */
function failure(e, state) {
  if (!(e instanceof ApiError)) return notice('error', 'Cannot reach the server: ' + e.message);
  if (e.stale) {
    const now = e.result && e.result.status;
    return notice('error', 'It changed meanwhile: ',
      now ? `the instance is now ${now} (this page showed ${state.instance.status}). ` : 'the instance is no longer as this page showed it. ',
      'Nothing was done. The page now shows its current state: check it, then try again.');
  }
  return notice('error', e.messages.length ? e.messages.join(' ') : e.message);
}
