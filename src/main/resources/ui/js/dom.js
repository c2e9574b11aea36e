// Building the page. Every value from the API goes in as text (textContent or an attribute set
// through the DOM), never as markup: params, outputs and errors are user data.

/**
 * el('a', {href: '#/x', class: 'link'}, 'text', child, ...): an element with attributes and
 * children; strings become text nodes, null and false are skipped. Attributes named on* are
 * refused (listeners are added with addEventListener, and the CSP forbids inline handlers anyway).
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) throw new Error('no inline handlers: ' + name);
    if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces the children of node. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/**
 * The attributes of a box that scrolls a wide table sideways (on a phone): focusable, so the
 * keyboard can scroll it too (axe: scrollable-region-focusable).
 */
export const SCROLLS = { class: 'scroll', tabindex: 0 };

/** A button that calls handler on click. */
export function button(label, handler, attrs = {}) {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', handler);
  return b;
}

/** A labelled form control: <label>text <control></label>. */
export function field(labelText, control, hint) {
  return el('label', { class: 'field' }, el('span', {}, labelText), control, hint ? el('small', {}, hint) : null);
}

/** JSON shown as text in a <pre>, for params, outputs and payloads. */
export function json(value) {
  // focusable: a long value scrolls, and the keyboard must reach it (axe: scrollable-region-focusable)
  return el('pre', { class: 'json', tabindex: 0 }, value === undefined ? 'null' : JSON.stringify(value, null, 2));
}

/** A time as the API gives it (ISO 8601, UTC), shown in UTC, readable. */
export function time(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: iso }, iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'));
}

/** A status badge; data-status lets styles (and tests) find it. */
export function status(name) {
  return el('span', { class: 'status', dataset: { status: name } }, name);
}

/** A message in a live region: role=alert for errors, status otherwise. */
export function notice(kind, ...text) {
  return el('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

/**
 * Asks before a destructive action with a modal <dialog> (keyboard: focus moves into it, Esc
 * cancels). Resolves true when confirmed.
 */
export function confirmAction(title, detail, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = el('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' });
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    const ok = button(confirmLabel, () => done(true), { class: 'danger' });
    const cancel = button('Cancel', () => done(false));
    append(dialog, [el('h2', { id: 'confirm-title' }, title), el('p', {}, detail), el('div', { class: 'row' }, cancel, ok)]);
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
