// A workflow class of one's own in the standalone server: scripts/conformance starts a third Stepflow with
// `serve --workflows DIR`, DIR holding a copy of examples/booking-saga's jar (the class BookingSaga), and
// wrangler 4.164.0 drives the saga through it: bind, trigger, pause/resume, send-event, terminate --rollback,
// restart from a step. Checks read `instances describe` (its --json form where the text leaves a field out)
// and, for the step log, the instance over plain HTTP.
import assert from 'node:assert/strict';
import { describe, test as nodeTest } from 'node:test';
import { sleep, wrangler } from '../lib/harness.mjs';

const OWN_BASE_URL = required('STEPFLOW_OWN_BASE_URL'); // http://127.0.0.1:PORT/client/v4
const TOKEN = required('STEPFLOW_OWN_API_TOKEN');
const VERSION = '4.164.0'; // the node22 wrangler: it has terminate --rollback and restart --from-step-name
const account = 'travel-agency';
const workflow = 'bookings';
const CLASS = 'BookingSaga';
const ownEnv = { CLOUDFLARE_API_BASE_URL: OWN_BASE_URL, CLOUDFLARE_API_TOKEN: TOKEN };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through scripts/conformance`);
  return value;
}

// each test has a deadline of its own; wrangler takes 1 to 3 s a command
const test = (name, fn) => nodeTest(name, { timeout: 240_000 }, fn);

/** wrangler 4.164.0 against the server with the workflows folder; fails unless it exits 0. */
async function ok(args) {
  const result = await wrangler(VERSION, account, args, { env: ownEnv });
  assert.equal(result.code, 0, `wrangler ${args.join(' ')} exited ${result.code}:\n${result.out}`);
  return result;
}

/** The JSON document wrangler printed with --json (the whole stdout). */
function json(result) {
  try {
    return JSON.parse(result.stdout);
  } catch {
    assert.fail(`--json did not print JSON:\n${result.out}`);
  }
}

/** A direct request to the server with the workflows folder: {status, body}. */
async function api(method, pathUnderAccount, body) {
  const response = await fetch(`${OWN_BASE_URL}/accounts/${account}${pathUnderAccount}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: await response.json() };
}

async function instance(id) {
  const { status, body } = await api('GET', `/workflows/${workflow}/instances/${id}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.result;
}

/** Polls the instance every 200 ms, up to 20 s, until check(details) holds; returns the details. */
async function waitUntil(id, what, check = () => true, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await instance(id);
    if (check(last)) return last;
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${id} to be ${what}; last seen: ${last.status}, `
        + `steps ${JSON.stringify(last.steps.map((s) => `${s.type} ${s.name ?? ''}`))}`);
    }
    await sleep(200);
  }
}

const waitForStatus = (id, status, check = () => true) =>
  waitUntil(id, status, (d) => d.status === status && check(d));

/** The entry of the step log with this type and name. */
function entry(details, type, name) {
  const found = details.steps.find((s) => s.type === type && s.name === name);
  assert.ok(found, `no ${type} ${name} in ${JSON.stringify(details.steps)}`);
  return found;
}

describe(`serve --workflows: ${CLASS} from a jar, driven by wrangler ${VERSION}`, () => {
  let booked; // the instance trip-1 as it completed the first time

  test('workflows list shows nothing until a workflow is bound to the class', async () => {
    const empty = (await ok(['workflows', 'list'])).out;
    assert.match(empty, /There are no deployed Workflows in this account/);

    // wrangler cannot create workflows (wrangler deploy uploads a Worker first): bind with PUT, as deploy would
    const put = await api('PUT', `/workflows/${workflow}`, { class_name: CLASS, script_name: 'travel' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.result.class_name, CLASS);

    const listed = (await ok(['workflows', 'list'])).out;
    assert.match(listed, /Showing 1 workflow from page 1/);
    assert.match(listed, new RegExp(`│ ${workflow}\\s+│ travel\\s+│ ${CLASS}\\s+│`));
  });

  test('trigger: the saga books and waits for the confirmation; pause, resume, send-event; it completes', async () => {
    const params = { traveller: 'ada', remind_after: 'PT2S' };
    const { out } = await ok(['workflows', 'trigger', workflow, JSON.stringify(params), '--id', 'trip-1']);
    assert.match(out, /Workflow instance "trip-1" has been queued successfully/);
    const waiting = await waitForStatus('trip-1', 'waiting');
    assert.deepEqual(waiting.params, params);
    assert.equal(entry(waiting, 'waitForEvent', 'traveller-confirms-1').end, null);

    assert.match((await ok(['workflows', 'instances', 'pause', workflow, 'trip-1'])).out, /was paused successfully/);
    await waitForStatus('trip-1', 'paused');
    assert.match((await ok(['workflows', 'instances', 'describe', workflow, 'trip-1'])).out, /Status:\s+⏸️ Paused/);

    assert.match((await ok(['workflows', 'instances', 'resume', workflow, 'trip-1'])).out, /was resumed successfully/);
    await waitForStatus('trip-1', 'waiting');

    const sent = (await ok(['workflows', 'instances', 'send-event', workflow, 'trip-1',
      '--type', 'confirmed', '--payload', '{"by":"ada"}'])).out;
    assert.match(sent, /The event with type "confirmed" and payload "\{"by":"ada"\}" was sent to the instance "trip-1"/);
    // the reminder sleeps PT2S after the confirmation
    booked = await waitForStatus('trip-1', 'complete');

    const described = (await ok(['workflows', 'instances', 'describe', workflow, 'trip-1'])).out;
    assert.match(described, /Status:\s+✅ Completed/);
    assert.match(described, /Last Successful Step:\s+send-reminder-1/);
    for (const name of ['reserve-flight-1', 'reserve-hotel-1', 'charge-card-1', 'traveller-confirms-1',
      'until-reminder-1', 'send-reminder-1']) {
      assert.match(described, new RegExp(`Name:\\s+${name}\\b`));
    }
    assert.match(described, /Name:\s+until-reminder-1\s+Type:\s+💤 Sleeping/);
    assert.match(described, new RegExp(`Output:\\s+\\{"flight":"${booked.output.flight}"\\}`));

    // the text form leaves the instance's output out; --json prints it
    const result = json(await ok(['workflows', 'instances', 'describe', workflow, 'trip-1', '--json']));
    assert.equal(result.status, 'complete');
    assert.equal(result.output.confirmed_by, 'ada');
    assert.match(result.output.flight, /^FL-/);
    assert.match(result.output.hotel, /^HT-/);
    assert.match(result.output.payment, /^PAY-/);
    assert.deepEqual(result.steps.map((s) => s.name), ['reserve-flight-1', 'reserve-hotel-1', 'charge-card-1',
      'traveller-confirms-1', 'until-reminder-1', 'send-reminder-1']);
  });

  test('terminate --rollback: the compensations run newest first, then the instance is terminated', async () => {
    await ok(['workflows', 'trigger', workflow, '{"traveller":"bob"}', '--id', 'trip-2']);
    await waitForStatus('trip-2', 'waiting');
    const { out } = await ok(['workflows', 'instances', 'terminate', workflow, 'trip-2', '--rollback']);
    assert.match(out, /The instance "trip-2" from bookings was terminated successfully/);
    const terminated = await waitForStatus('trip-2', 'terminated');
    assert.deepEqual(terminated.rollback, { outcome: 'complete', error: null });
    const rollbacks = terminated.steps.filter((s) => s.type === 'rollback');
    assert.deepEqual(rollbacks.map((s) => s.name), ['charge-card-1', 'reserve-hotel-1', 'reserve-flight-1']);
    assert.ok(rollbacks.every((s) => s.success === true), JSON.stringify(rollbacks));
    assert.match((await ok(['workflows', 'instances', 'describe', workflow, 'trip-2'])).out, /Status:\s+🚫 Terminated/);
  });

  test('restart --from-step-name charge-card: the reservations are kept, the card is charged again', async () => {
    assert.ok(booked, 'needs trip-1 completed by the trigger test');
    const chargedBefore = entry(booked, 'step', 'charge-card-1');
    const { out } = await ok(['workflows', 'instances', 'restart', workflow, 'trip-1', '--from-step-name', 'charge-card']);
    assert.match(out, /The instance "trip-1" from bookings was restarted successfully/);
    const waiting = await waitForStatus('trip-1', 'waiting',
      (d) => d.steps.some((s) => s.type === 'step' && s.name === 'charge-card-1' && s.start !== chargedBefore.start));
    assert.equal(entry(waiting, 'step', 'reserve-flight-1').start, entry(booked, 'step', 'reserve-flight-1').start);
    assert.equal(entry(waiting, 'step', 'reserve-hotel-1').start, entry(booked, 'step', 'reserve-hotel-1').start);

    await ok(['workflows', 'instances', 'send-event', workflow, 'trip-1', '--type', 'confirmed', '--payload', '{"by":"ada"}']);
    const again = await waitForStatus('trip-1', 'complete');
    assert.equal(again.output.flight, booked.output.flight);
    assert.equal(again.output.hotel, booked.output.hotel);
    assert.equal(again.output.confirmed_by, 'ada');
    assert.match(again.output.payment, /^PAY-/);
    assert.notEqual(again.output.payment, booked.output.payment);
  });

  test('PUT with a class no jar registered is refused with 400, listing the registered classes', async () => {
    const { status, body } = await api('PUT', '/workflows/cruises', { class_name: 'CruiseSaga', script_name: 'travel' });
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.success, false);
    // errors[] carries {code, message: the key}; the sentence is in messages[]
    const message = body.messages.join(' ');
    assert.match(message, /CruiseSaga/);
    assert.match(message, new RegExp(`registered: .*\\b${CLASS}\\b`));
    assert.equal((await api('GET', '/workflows/cruises')).status, 404);
  });
});
