// Debian's chromium, headless, driven by playwright-core (no browser download: the executable is
// the system's, found by scripts/chromium-for-tests and passed as STEPFLOW_TEST_CHROMIUM).

import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function launch() {
  const executablePath = process.env.STEPFLOW_TEST_CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    // root in CI containers has no user namespace for chromium's sandbox
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
}

/**
 * A page that records what a test must never see: a JavaScript dialog (an injected script ran),
 * an answer 403 (a read token was let to act), a console error, and any request that left the
 * server's origin or carried the token in its URL.
 */
export async function watchedPage(browser, server, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const seen = { dialogs: [], forbidden: [], consoleErrors: [], foreign: [], tokenInUrl: [] };
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  page.on('response', (r) => { if (r.status() === 403) seen.forbidden.push(r.request().method() + ' ' + r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(server.origin + '/')) seen.foreign.push(url);
    // the first navigation of the login link is the one URL allowed to carry it (in its fragment)
    if (url.includes(server.token) && !url.startsWith(server.ui + '#token=')) seen.tokenInUrl.push(url);
  });
  return { context, page, seen };
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (through the DevTools protocol, so the page's CSP stays strict). */
export async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
