// An instance's step log drawn against time: one row per step, sleep, event wait and rollback
// step, its bar placed from the instance's queue time to its end (or now), each attempt of a step
// drawn inside it. A row of a step, sleep or event wait is a toggle button: the step picked is
// what "Restart from" restarts from.

import { el, button } from './dom.js';

const PICKABLE = { step: 'do', sleep: 'sleep', waitForEvent: 'waitForEvent' };

/** "charge-2" of type step: {name: "charge", count: 2, type: "do"}; null when it cannot be parsed. */
export function stepRef(entry) {
  const m = /^(.*)-(\d+)$/.exec(entry.name || '');
  const type = PICKABLE[entry.type];
  return m && type ? { name: m[1], count: Number(m[2]), type } : null;
}

const ms = (iso) => (iso ? Date.parse(iso) : NaN);

/**
 * instance: GET instance's result; picked: the step picked ({name, count, type}) or null;
 * onPick(ref or null) is called when a row is toggled.
 */
export function timeline(instance, picked, onPick) {
  const entries = instance.steps || [];
  if (entries.length === 0) {
    return el('p', { class: 'muted' }, 'No steps yet.');
  }
  // an entry still open (a sleep cut short by a terminate has no end) lasts until the instance ended, or now
  const now = ms(instance.end) || Date.now();
  const starts = entries.map((e) => ms(e.start)).filter((t) => !Number.isNaN(t));
  const t0 = Math.min(ms(instance.queued) || Infinity, ...starts);
  const ends = entries.map((e) => ms(e.end)).filter((t) => !Number.isNaN(t));
  const t1 = Math.max(...ends, ...starts, now);
  const span = Math.max(t1 - t0, 1);
  const place = (node, start, stop) => {
    const from = Math.min(Math.max(start, t0), t1);
    const to = Math.min(Math.max(stop, from), t1);
    const left = ((from - t0) / span) * 100;
    node.style.left = left.toFixed(3) + '%';
    node.style.width = Math.max(((to - from) / span) * 100, 0.6).toFixed(3) + '%';
    return node;
  };
  const rows = entries.map((entry, index) => row(instance, entry, index, picked, onPick, place, now));
  return el('div', { class: 'timeline' },
    el('div', { class: 'axis', 'aria-hidden': 'true' },
      el('span', {}, new Date(t0).toISOString().replace('T', ' ').slice(0, 23) + ' UTC'),
      el('span', {}, '+' + seconds(span))),
    el('ol', { class: 'rows', 'aria-label': 'Steps over time' }, rows));
}

function row(instance, entry, index, picked, onPick, place, now) {
  if (entry.type === 'termination') {
    const source = entry.trigger && entry.trigger.source;
    return el('li', { class: 'tl-row termination', dataset: { type: 'termination' } },
      el('span', { class: 'tl-label' }, 'terminate requested' + (source ? ' (' + source + ')' : '')));
  }
  const start = ms(entry.start);
  const end = Number.isNaN(ms(entry.end)) ? now : ms(entry.end);
  const outcome = outcomeOf(entry, Boolean(instance.end));
  const ref = stepRef(entry);
  const isPicked = ref && picked && ref.name === picked.name && ref.count === picked.count && ref.type === picked.type;
  const kind = entry.type === 'step' ? 'do' : entry.type;
  const label = ref
    ? button([el('span', { class: 'kind' }, kind), ' ', entry.name], () => onPick(isPicked ? null : ref), {
      class: 'tl-label pick', 'aria-pressed': isPicked ? 'true' : 'false',
      title: 'Pick ' + entry.name + ' to restart from it',
    })
    : el('span', { class: 'tl-label' }, el('span', { class: 'kind' }, kind === 'rollback' ? 'rollback' : kind), ' ', entry.name);
  const bar = Number.isNaN(start) ? null : place(el('div', { class: 'bar ' + outcome.replace(' ', '-') }), start, end);
  const attempts = (entry.attempts || []).filter((a) => a.start).map((a) =>
    place(el('div', { class: 'attempt ' + (a.success === true ? 'ok' : a.success === false ? 'failed' : 'running'),
      title: 'attempt ' + (a.attempt ?? '') + (a.error ? ': ' + a.error.message : '') }),
    ms(a.start), Number.isNaN(ms(a.end)) ? now : ms(a.end)));
  const count = entry.attempt_count ?? (entry.attempts ? entry.attempts.length : null);
  const detail = [
    outcome,
    Number.isNaN(start) ? null : seconds(end - start),
    count ? count + (count === 1 ? ' attempt' : ' attempts') : null,
    entry.event_type ? 'event ' + entry.event_type : null,
  ].filter(Boolean).join(' · ');
  return el('li', {
    class: 'tl-row ' + entry.type + (isPicked ? ' picked' : ''),
    dataset: { type: entry.type, step: entry.name, outcome, index: String(index) },
  },
  label,
  el('div', { class: 'track' }, bar, attempts),
  el('span', { class: 'tl-detail' }, detail, entry.error ? el('span', { class: 'err' }, ' — ' + entry.error.name + ': ' + entry.error.message) : null));
}

/** How an entry ended; one still open when the instance has ended (a terminate cut it) is "cut short". */
function outcomeOf(entry, instanceEnded) {
  if (entry.type === 'sleep' || entry.type === 'waitForEvent') {
    if (entry.error) return 'failed';
    return entry.finished ? 'done' : instanceEnded ? 'cut short' : 'waiting';
  }
  if (entry.success === true) return 'ok';
  if (entry.success === false) return 'failed';
  return instanceEnded ? 'cut short' : 'running';
}

function seconds(msValue) {
  return msValue < 1000 ? Math.round(msValue) + ' ms' : (msValue / 1000).toFixed(msValue < 10000 ? 2 : 1) + ' s';
}
