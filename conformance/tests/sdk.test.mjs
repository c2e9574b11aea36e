// The cloudflare npm SDK (7.3.0) against Stepflow: every method under client.workflows, with every variant,
// each call checked on what came back and, through a plain HTTP read, on what changed.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import {
  API_TOKEN, BASE_URL, THREE_STEPS, UUID, WAIT_FOR_GO, WITH_ROLLBACK, BUSY, api, createInstance,
  getInstance, putWorkflow, waitFor, waitForStatus,
} from '../lib/harness.mjs';

const account_id = 'sdk';

/** A client with a recording fetch: requests lists every request the SDK sent (retries included). */
function sdk(options = {}) {
  const requests = [];
  const client = new Cloudflare({
    apiToken: API_TOKEN,
    baseURL: BASE_URL,
    maxRetries: 0,
    timeout: 15_000,
    ...options,
    fetch: async (url, init) => {
      const u = new URL(String(url));
      requests.push({ method: init?.method ?? 'GET', path: u.pathname.replace(/^\/client\/v4/, ''), query: u.search, body: init?.body });
      return fetch(url, init);
    },
  });
  return { client, requests };
}

const { client, requests } = sdk();
const sdkVersion = (await import('cloudflare/version')).VERSION;

test('the SDK under test is cloudflare 7.3.0', () => {
  assert.equal(sdkVersion, '7.3.0');
});

test('client.workflows has exactly the 14 methods this driver covers', () => {
  const methods = [];
  const walk = (resource, prefix) => {
    for (let proto = Object.getPrototypeOf(resource); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name !== 'constructor' && typeof resource[name] === 'function' && !name.startsWith('_')) methods.push(prefix + name);
      }
      if (proto.constructor.name === 'APIResource') break;
    }
    for (const [key, value] of Object.entries(resource)) {
      if (value && typeof value === 'object' && key !== '_client') walk(value, `${prefix}${key}.`);
    }
  };
  walk(client.workflows, 'workflows.');
  assert.deepEqual([...new Set(methods)].sort(), [
    'workflows.delete', 'workflows.get', 'workflows.instances.bulk', 'workflows.instances.create',
    'workflows.instances.events.create', 'workflows.instances.get', 'workflows.instances.list',
    'workflows.instances.status.edit', 'workflows.instances.step', 'workflows.list', 'workflows.update',
    'workflows.versions.get', 'workflows.versions.graph', 'workflows.versions.list',
  ]);
});

describe('workflows', () => {
  let first;

  test('update creates a workflow with every option and returns the stored workflow and its version', async () => {
    first = await client.workflows.update('sdk-flow', {
      account_id, class_name: 'Scripted', script_name: 'sdk-script',
      concurrency: { limit: 5 },
      default_retention: { error_retention: 86_400_000, success_retention: '1 hour' },
      limits: { steps: 100 },
    });
    assert.equal(first.name, 'sdk-flow');
    assert.equal(first.class_name, 'Scripted');
    assert.equal(first.script_name, 'sdk-script');
    assert.match(first.id, UUID);
    assert.match(first.version_id, UUID);
    assert.equal(first.is_deleted, 0);
    assert.equal(first.terminator_running, 0);
    assert.equal(first.triggered_on, null);
    assert.ok(Date.parse(first.created_on) && Date.parse(first.modified_on));
    const sent = requests.at(-1);
    assert.equal(sent.method, 'PUT');
    assert.equal(sent.path, `/accounts/${account_id}/workflows/sdk-flow`);
    assert.deepEqual(Object.keys(JSON.parse(sent.body)).sort(),
      ['class_name', 'concurrency', 'default_retention', 'limits', 'script_name']);
  });

  test('update again keeps the workflow id and adds a version; the version carries the options', async () => {
    const second = await client.workflows.update('sdk-flow', { account_id, class_name: 'Scripted', script_name: 'sdk-script-2' });
    assert.equal(second.id, first.id);
    assert.notEqual(second.version_id, first.version_id);
    assert.equal(second.script_name, 'sdk-script-2');
    assert.equal(second.created_on, first.created_on);
    const v1 = await client.workflows.versions.get(first.version_id, { account_id, workflow_name: 'sdk-flow' });
    assert.deepEqual(v1.limits, { steps: 100 });
    assert.deepEqual(v1.default_retention, { error_retention: 86_400_000, success_retention: 3_600_000 });
  });

  test('update with cron schedules succeeds, and get shows each schedule with its next tick', async () => {
    const updated = await client.workflows.update('sdk-cron', {
      account_id, class_name: 'Scripted', script_name: 's', schedules: [{ cron: '*/5 * * * *' }],
    });
    assert.equal(updated.name, 'sdk-cron');
    const workflow = await client.workflows.get('sdk-cron', { account_id });
    assert.equal(workflow.schedules.length, 1);
    assert.equal(workflow.schedules[0].cron, '*/5 * * * *');
    const next = new Date(workflow.schedules[0].next_instance);
    assert.ok(next.getTime() > Date.now() - 1000, String(next));
    assert.equal(next.getUTCMinutes() % 5, 0);
    assert.equal(next.getUTCSeconds(), 0);
  });

  test('get returns the workflow with its instance counts', async () => {
    const workflow = await client.workflows.get('sdk-flow', { account_id });
    assert.equal(workflow.id, first.id);
    assert.equal(workflow.name, 'sdk-flow');
    assert.equal(workflow.class_name, 'Scripted');
    assert.equal(workflow.script_name, 'sdk-script-2');
    assert.equal(typeof workflow.instances, 'object');
    assert.equal(workflow.instances.queued ?? 0, 0);
  });

  test('get of a missing workflow throws NotFoundError with code 10200', async () => {
    const error = await client.workflows.get('sdk-missing', { account_id }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.NotFoundError, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.errors[0].code, 10200);
  });

  test('delete returns {status: ok} and the workflow is gone', async () => {
    await client.workflows.update('sdk-doomed', { account_id, class_name: 'Scripted', script_name: 's' });
    await createInstance(account_id, 'sdk-doomed', 'doomed-1', WAIT_FOR_GO);
    const deleted = await client.workflows.delete('sdk-doomed', { account_id });
    assert.equal(deleted.status, 'ok');
    assert.equal((await api(account_id, 'GET', '/workflows/sdk-doomed')).status, 404);
    assert.equal((await api(account_id, 'GET', '/workflows/sdk-doomed/instances/doomed-1')).status, 404);
  });
});

describe('workflows.list', () => {
  const pages = 'sdk-pages'; // an account of its own, so the counts are exact
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'].map((n) => `wf-${n}`);

  before(async () => {
    for (const name of names) await putWorkflow(pages, name);
  });

  test('auto-pagination walks every page and stops at the first empty one', async () => {
    const { client: c, requests: sent } = sdk();
    const seen = [];
    for await (const workflow of c.workflows.list({ account_id: pages, per_page: 2 })) seen.push(workflow.name);
    assert.deepEqual([...seen].sort(), names);
    assert.deepEqual(sent.map((r) => r.query), ['?per_page=2', '?per_page=2&page=2', '?per_page=2&page=3', '?per_page=2&page=4', '?per_page=2&page=5']);
  });

  test('one page: result_info and the page after the last is empty', async () => {
    const page = await client.workflows.list({ account_id: pages, per_page: 3, page: 3 });
    assert.equal(page.result.length, 1);
    assert.equal(page.result_info.total_count, 7);
    assert.equal(page.result_info.page, 3);
    const past = await client.workflows.list({ account_id: pages, per_page: 3, page: 4 });
    assert.deepEqual(past.result, []);
    assert.equal(past.hasNextPage(), false);
  });

  test('getNextPage follows page numbers', async () => {
    const page1 = await client.workflows.list({ account_id: pages, per_page: 4 });
    assert.equal(page1.hasNextPage(), true);
    const page2 = await page1.getNextPage();
    assert.equal(page2.result.length, 3);
    const all = [...page1.result, ...page2.result].map((w) => w.name).sort();
    assert.deepEqual(all, names);
  });

  test('search filters by name', async () => {
    const found = [];
    for await (const workflow of client.workflows.list({ account_id: pages, search: 'char' })) found.push(workflow.name);
    assert.deepEqual(found, ['wf-charlie']);
  });
});

describe('workflows.versions', () => {
  const workflow_name = 'sdk-versions';
  const ids = [];

  before(async () => {
    for (let i = 0; i < 5; i++) ids.push((await putWorkflow(account_id, workflow_name)).version_id);
  });

  test('list auto-paginates across pages, newest first', async () => {
    const { client: c, requests: sent } = sdk();
    const seen = [];
    for await (const version of c.workflows.versions.list(workflow_name, { account_id, per_page: 2 })) seen.push(version.id);
    assert.deepEqual(seen, [...ids].reverse());
    assert.equal(sent.length, 4); // 2 + 2 + 1, then an empty page
  });

  test('get returns one version of the workflow', async () => {
    const workflow = await client.workflows.get(workflow_name, { account_id });
    const version = await client.workflows.versions.get(ids[2], { account_id, workflow_name });
    assert.equal(version.id, ids[2]);
    assert.equal(version.workflow_id, workflow.id);
    assert.equal(version.class_name, 'Scripted');
    assert.equal(typeof version.has_dag, 'boolean');
    assert.ok(Date.parse(version.created_on));
  });

  test('graph returns the version with its graph (null: a Java workflow has no static graph)', async () => {
    const workflow = await client.workflows.get(workflow_name, { account_id });
    const graph = await client.workflows.versions.graph(ids[4], { account_id, workflow_name });
    assert.equal(graph.id, ids[4]);
    assert.equal(graph.workflow_id, workflow.id);
    assert.equal(graph.class_name, 'Scripted');
    assert.ok('graph' in graph);
    assert.equal(graph.graph, null);
  });

  test('get of an unknown version throws NotFoundError', async () => {
    const error = await client.workflows.versions.get('00000000-0000-4000-8000-000000000000', { account_id, workflow_name }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.NotFoundError, String(error));
  });
});

describe('workflows.instances', () => {
  const workflow_name = 'sdk-inst';
  let version;

  before(async () => {
    version = (await putWorkflow(account_id, workflow_name)).version_id;
  });

  test('create with every field, params as the JSON string the SDK types it as', async () => {
    const created = await client.workflows.instances.create(workflow_name, {
      account_id, instance_id: 'sdk-create-1', params: JSON.stringify(WAIT_FOR_GO),
      instance_retention: { error_retention: '7 days', success_retention: 3_600_000 }, location_hint: 'weur',
    });
    assert.equal(created.id, 'sdk-create-1');
    assert.ok(['queued', 'running', 'waiting'].includes(created.status), created.status);
    assert.equal(created.version_id, version);
    assert.match(created.workflow_id, UUID);
    const details = await waitForStatus(account_id, workflow_name, 'sdk-create-1', 'waiting');
    assert.deepEqual(details.params, WAIT_FOR_GO);
  });

  test('create with params as an object (as wrangler and untyped callers send them)', async () => {
    await client.workflows.instances.create(workflow_name, { account_id, instance_id: 'sdk-create-2', params: THREE_STEPS });
    const details = await waitForStatus(account_id, workflow_name, 'sdk-create-2', 'waiting');
    assert.deepEqual(details.params, THREE_STEPS);
  });

  test('create with no fields at all sends {} and gets a generated UUID', async () => {
    const created = await client.workflows.instances.create(workflow_name, { account_id });
    assert.equal(requests.at(-1).body, '{}');
    assert.match(created.id, UUID);
    await waitForStatus(account_id, workflow_name, created.id, 'complete');
  });

  test('create accepts every location_hint the SDK knows', async () => {
    for (const hint of ['wnam', 'weur', 'enam', 'eeur', 'apac', 'apac-ne', 'apac-se', 'oc', 'sam', 'afr', 'me']) {
      const created = await client.workflows.instances.create(workflow_name, { account_id, location_hint: hint });
      assert.match(created.id, UUID, hint);
    }
  });

  test('a duplicate id throws ConflictError at once: 409 with x-should-retry: false is not retried', async () => {
    const { client: retrying, requests: sent } = sdk({ maxRetries: 2 });
    const error = await retrying.workflows.instances.create(workflow_name, { account_id, instance_id: 'sdk-create-1' }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.ConflictError, String(error));
    assert.equal(error.errors[0].code, 10405);
    assert.equal(error.headers.get('x-should-retry'), 'false');
    assert.equal(sent.length, 1, 'the SDK retried a 409');
  });

  test('bulk creates every item, in order, from a top-level array', async () => {
    const page = await client.workflows.instances.bulk(workflow_name, {
      account_id,
      body: [
        { instance_id: 'sdk-bulk-1', params: JSON.stringify(WAIT_FOR_GO) },
        { instance_id: 'sdk-bulk-2', params: JSON.stringify({ steps: [] }) },
        { params: JSON.stringify({ steps: [] }) },
      ],
    });
    const created = [];
    for await (const item of page) created.push(item);
    assert.equal(created.length, 3);
    assert.deepEqual(created.slice(0, 2).map((c) => c.id), ['sdk-bulk-1', 'sdk-bulk-2']);
    assert.match(created[2].id, UUID);
    assert.ok(created.every((c) => c.version_id === version));
    assert.ok(Array.isArray(JSON.parse(requests.at(-1).body)));
    await waitForStatus(account_id, workflow_name, 'sdk-bulk-2', 'complete');
  });

  test('bulk with a duplicate id creates nothing and throws', async () => {
    const error = await client.workflows.instances.bulk(workflow_name, {
      account_id, body: [{ instance_id: 'sdk-bulk-new' }, { instance_id: 'sdk-bulk-1' }],
    }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.APIError && error.status >= 400, String(error));
    assert.equal((await api(account_id, 'GET', `/workflows/${workflow_name}/instances/sdk-bulk-new`)).status, 404);
  });

  test('get: status, params, trigger, versionId, times, the step log with attempts', async () => {
    const got = await client.workflows.instances.get('sdk-create-2', { account_id, workflow_name });
    assert.equal(got.status, 'waiting');
    assert.deepEqual(got.params, THREE_STEPS);
    assert.equal(got.trigger.source, 'api');
    assert.equal(got.versionId, version);
    assert.ok(Date.parse(got.queued) && Date.parse(got.start));
    assert.equal(got.end, null);
    assert.equal(got.success, null);
    assert.equal(got.error, null);
    assert.deepEqual(got.steps.map((s) => `${s.type}:${s.name}`), ['step:a-1', 'step:b-1', 'waitForEvent:wait-1']);
    const a = got.steps[0];
    assert.equal(a.success, true);
    assert.deepEqual(a.output, { n: 1 });
    assert.equal(a.attempts.length, 1);
    assert.equal(a.attempts[0].success, true);
    assert.equal(typeof a.config.retries.limit, 'number');
    assert.equal(got.step_count, 3);
  });

  test('get with order=desc reverses the log and simple=true omits it', async () => {
    const desc = await client.workflows.instances.get('sdk-create-2', { account_id, workflow_name, order: 'desc' });
    assert.deepEqual(desc.steps.map((s) => s.name), ['wait-1', 'b-1', 'a-1']);
    assert.equal(requests.at(-1).query, '?order=desc');
    const simple = await client.workflows.instances.get('sdk-create-2', { account_id, workflow_name, simple: 'true' });
    assert.deepEqual(simple.steps, []);
    assert.equal(simple.step_count, 3);
  });

  test('get of a missing instance throws NotFoundError with code 10400', async () => {
    const error = await client.workflows.instances.get('sdk-nobody', { account_id, workflow_name }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.NotFoundError, String(error));
    assert.equal(error.errors[0].code, 10400);
  });

  test('step returns one step with its full output, and one attempt when asked', async () => {
    await createInstance(account_id, workflow_name, 'sdk-step', {
      steps: [{ do: 'flaky', fail: 1, retries: { limit: 2, delay: 10, backoff: 'constant' }, output: { ok: true } }],
    });
    await waitForStatus(account_id, workflow_name, 'sdk-step', 'complete');
    const step = await client.workflows.instances.step('sdk-step', { account_id, workflow_name, name: 'flaky-1', type: 'step' });
    assert.equal(step.status, 'complete');
    assert.deepEqual(step.output, { ok: true });
    assert.equal(step.error, null);
    const firstAttempt = await client.workflows.instances.step('sdk-step', { account_id, workflow_name, name: 'flaky-1', type: 'step', attempt: 1 });
    assert.equal(requests.at(-1).query, '?name=flaky-1&type=step&attempt=1');
    assert.equal(firstAttempt.status, 'errored');
    assert.match(firstAttempt.error.message, /scripted failure/);
    const secondAttempt = await client.workflows.instances.step('sdk-step', { account_id, workflow_name, name: 'flaky-1', type: 'step', attempt: 2 });
    assert.equal(secondAttempt.status, 'complete');
  });

  test('step of a waitForEvent reports its event type and, once received, the payload', async () => {
    const waiting = await client.workflows.instances.step('sdk-create-2', { account_id, workflow_name, name: 'wait-1', type: 'waitForEvent' });
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.event_type, 'go');
    await client.workflows.instances.events.create('go', { account_id, workflow_name, instance_id: 'sdk-create-2', body: { by: 'sdk' } });
    await waitForStatus(account_id, workflow_name, 'sdk-create-2', 'complete');
    const received = await client.workflows.instances.step('sdk-create-2', { account_id, workflow_name, name: 'wait-1', type: 'waitForEvent' });
    assert.equal(received.status, 'complete');
    assert.deepEqual(received.output.payload ?? received.output, { by: 'sdk' });
  });

  test('step of an unknown step throws NotFoundError', async () => {
    const error = await client.workflows.instances.step('sdk-step', { account_id, workflow_name, name: 'nope-1', type: 'step' }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.NotFoundError, String(error));
  });
});

describe('workflows.instances.list', () => {
  const workflow_name = 'sdk-list';
  const ids = ['l-1', 'l-2', 'l-3', 'l-4', 'l-5'];

  before(async () => {
    await putWorkflow(account_id, workflow_name);
    for (const id of ids) {
      await createInstance(account_id, workflow_name, id, id === 'l-5' ? { steps: [] } : WAIT_FOR_GO);
    }
    for (const id of ids) await waitForStatus(account_id, workflow_name, id, id === 'l-5' ? 'complete' : 'waiting');
  });

  test('auto-pagination (page numbers) walks every page, newest first, and stops at the empty one', async () => {
    const { client: c, requests: sent } = sdk();
    const seen = [];
    for await (const instance of c.workflows.instances.list(workflow_name, { account_id, per_page: 2 })) seen.push(instance.id);
    assert.deepEqual(seen, [...ids].reverse());
    assert.deepEqual(sent.map((r) => r.query), ['?per_page=2', '?per_page=2&page=2', '?per_page=2&page=3', '?per_page=2&page=4']);
  });

  test('items have the list shape', async () => {
    const page = await client.workflows.instances.list(workflow_name, { account_id, per_page: 1 });
    const [item] = page.result;
    assert.equal(item.id, 'l-5');
    assert.equal(item.status, 'complete');
    for (const key of ['created_on', 'modified_on', 'started_on', 'ended_on']) assert.ok(Date.parse(item[key]), key);
    assert.match(item.version_id, UUID);
    assert.match(item.workflow_id, UUID);
  });

  test('status, direction and date filters', async () => {
    const waiting = await client.workflows.instances.list(workflow_name, { account_id, status: 'waiting', direction: 'asc' });
    assert.deepEqual(waiting.result.map((i) => i.id), ['l-1', 'l-2', 'l-3', 'l-4']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await client.workflows.instances.list(workflow_name, { account_id, date_start: future });
    assert.deepEqual(none.result, []);
    const past = await client.workflows.instances.list(workflow_name, { account_id, date_start: '2020-01-01T00:00:00Z', date_end: future });
    assert.equal(past.result.length, 5);
  });

  test('cursor paging by hand: result_info.cursor until the last page', async () => {
    const seen = [];
    let cursor;
    let pages = 0;
    do {
      const page = await client.workflows.instances.list(workflow_name, { account_id, per_page: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.result.map((i) => i.id));
      cursor = page.result_info.cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, [...ids].reverse());
    assert.equal(pages, 3);
  });
});

describe('workflows.instances.status.edit', () => {
  const workflow_name = 'sdk-status';
  const edit = (id, params) => client.workflows.instances.status.edit(id, { account_id, workflow_name, ...params });

  before(async () => {
    await putWorkflow(account_id, workflow_name);
  });

  test('pause a waiting instance, then resume it: the waiting instance is paused, then waits again', async () => {
    await createInstance(account_id, workflow_name, 'st-pause', WAIT_FOR_GO);
    await waitForStatus(account_id, workflow_name, 'st-pause', 'waiting');
    const paused = await edit('st-pause', { status: 'pause' });
    assert.equal(paused.status, 'paused');
    assert.ok(Date.parse(paused.timestamp));
    assert.deepEqual(JSON.parse(requests.at(-1).body), { status: 'pause' });
    assert.equal((await getInstance(account_id, workflow_name, 'st-pause')).status, 'paused');
    const resumed = await edit('st-pause', { status: 'resume' });
    assert.ok(['queued', 'running', 'waiting'].includes(resumed.status), resumed.status);
    await waitForStatus(account_id, workflow_name, 'st-pause', 'waiting');
  });

  test('pause a running instance: waitingForPause until the step finishes', async () => {
    await createInstance(account_id, workflow_name, 'st-running', { steps: [{ do: 'work', ms: 1500 }, { do: 'after' }] });
    await waitForStatus(account_id, workflow_name, 'st-running', 'running');
    await waitFor('st-running to have its step in flight',
      async () => (await getInstance(account_id, workflow_name, 'st-running')).steps.length > 0);
    const pausing = await edit('st-running', { status: 'pause' });
    assert.ok(['waitingForPause', 'paused'].includes(pausing.status), pausing.status);
    const paused = await waitForStatus(account_id, workflow_name, 'st-running', 'paused');
    assert.deepEqual(paused.steps.map((s) => s.name), ['work-1']);
    await edit('st-running', { status: 'resume' });
    await waitForStatus(account_id, workflow_name, 'st-running', 'complete');
  });

  test('resume of an instance that is not paused throws ConflictError (10403), sent once', async () => {
    const error = await edit('st-pause', { status: 'resume' }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.ConflictError, String(error));
    assert.equal(error.errors[0].code, 10403);
  });

  test('terminate without rollback', async () => {
    await createInstance(account_id, workflow_name, 'st-term', BUSY);
    await waitForStatus(account_id, workflow_name, 'st-term', 'running');
    // the run is claimed (running) a moment before its first step's attempt is recorded
    await waitFor('st-term to have its step in flight',
      async () => (await getInstance(account_id, workflow_name, 'st-term')).steps.length > 0);
    const running = await client.workflows.instances.get('st-term', { account_id, workflow_name });
    const [busy] = running.steps;
    assert.equal(busy.success, null, 'a running step has success: null');
    assert.equal(busy.end, null);
    assert.equal(busy.output, null);
    assert.deepEqual(busy.attempts.map((a) => [a.success, a.end]), [[null, null]], 'the attempt in flight is listed');
    const result = await edit('st-term', { status: 'terminate' });
    assert.equal(result.status, 'terminated');
    const details = await getInstance(account_id, workflow_name, 'st-term');
    assert.equal(details.status, 'terminated');
    assert.equal(details.rollback, null);
    assert.equal(details.steps.at(-1).type, 'termination');
    assert.equal(details.steps.at(-1).trigger.source, 'api');
  });

  test('terminate with rollback runs the rollback handlers, then terminates', async () => {
    await createInstance(account_id, workflow_name, 'st-rollback', WITH_ROLLBACK);
    await waitForStatus(account_id, workflow_name, 'st-rollback', 'waiting');
    const result = await edit('st-rollback', { status: 'terminate', rollback: true });
    assert.deepEqual(JSON.parse(requests.at(-1).body), { status: 'terminate', rollback: true });
    assert.ok(['rollingBack', 'terminated'].includes(result.status), result.status);
    const details = await waitForStatus(account_id, workflow_name, 'st-rollback', 'terminated');
    assert.deepEqual(details.rollback, { outcome: 'complete', error: null });
    assert.ok(details.steps.some((s) => s.type === 'rollback' && s.name.startsWith('reserve')), JSON.stringify(details.steps));
  });

  test('terminate of a finished instance throws ConflictError (10401)', async () => {
    const error = await edit('st-term', { status: 'terminate' }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.ConflictError, String(error));
    assert.equal(error.errors[0].code, 10401);
  });

  test('restart without from runs every step again', async () => {
    await createInstance(account_id, workflow_name, 'st-restart', THREE_STEPS);
    const before = await waitForStatus(account_id, workflow_name, 'st-restart', 'waiting');
    const result = await edit('st-restart', { status: 'restart' });
    assert.equal(result.status, 'queued');
    assert.deepEqual(JSON.parse(requests.at(-1).body), { status: 'restart' });
    const after = await waitForStatus(account_id, workflow_name, 'st-restart', 'waiting');
    assert.notEqual(after.steps[0].start, before.steps[0].start, 'step a-1 did not run again');
    assert.notEqual(after.steps[1].start, before.steps[1].start, 'step b-1 did not run again');
  });

  test('restart from a step keeps the steps before it and runs it and the rest again', async () => {
    const before = await getInstance(account_id, workflow_name, 'st-restart');
    const result = await edit('st-restart', { status: 'restart', from: { name: 'b', count: 1, type: 'do' } });
    assert.equal(result.status, 'queued');
    assert.deepEqual(JSON.parse(requests.at(-1).body), { status: 'restart', from: { name: 'b', count: 1, type: 'do' } });
    const after = await waitForStatus(account_id, workflow_name, 'st-restart', 'waiting');
    assert.equal(after.steps[0].start, before.steps[0].start, 'step a-1 ran again');
    assert.notEqual(after.steps[1].start, before.steps[1].start, 'step b-1 did not run again');
  });

  test('restart from a step that is not in the history throws ConflictError (10404)', async () => {
    const error = await edit('st-restart', { status: 'restart', from: { name: 'nope' } }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.ConflictError, String(error));
    assert.equal(error.errors[0].code, 10404);
  });
});

describe('workflows.instances.events.create', () => {
  const workflow_name = 'sdk-events';

  before(async () => {
    await putWorkflow(account_id, workflow_name);
  });

  test('an event completes the waiting instance, which receives the payload', async () => {
    await createInstance(account_id, workflow_name, 'ev-1', WAIT_FOR_GO);
    await waitForStatus(account_id, workflow_name, 'ev-1', 'waiting');
    const sent = await client.workflows.instances.events.create('go', {
      account_id, workflow_name, instance_id: 'ev-1', body: { approved: true },
    });
    assert.equal(sent.instanceId, 'ev-1');
    assert.ok(Date.parse(sent.timestamp));
    assert.equal(requests.at(-1).path, `/accounts/${account_id}/workflows/${workflow_name}/instances/ev-1/events/go`);
    assert.equal(requests.at(-1).body, '{"approved":true}');
    const done = await waitForStatus(account_id, workflow_name, 'ev-1', 'complete');
    assert.match(JSON.stringify(done.output), /"approved":true/);
  });

  test('an event sent before the wait is buffered and consumed by it', async () => {
    await createInstance(account_id, workflow_name, 'ev-2', { steps: [{ sleep: 'nap', ms: 300 }, { waitForEvent: 'w', type: 'early' }] });
    await client.workflows.instances.events.create('early', { account_id, workflow_name, instance_id: 'ev-2', body: [1, 2, 3] });
    await waitForStatus(account_id, workflow_name, 'ev-2', 'complete');
  });

  test('an event to a finished instance throws ConflictError (10406)', async () => {
    const error = await client.workflows.instances.events.create('go', { account_id, workflow_name, instance_id: 'ev-1', body: {} }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.ConflictError, String(error));
    assert.equal(error.errors[0].code, 10406);
  });
});

describe('authentication', () => {
  test('an unknown token throws AuthenticationError (401, code 10000) and changes nothing', async () => {
    const { client: stranger } = sdk({ apiToken: 'sfk_not-a-token-of-this-server' });
    const error = await stranger.workflows.update('auth-probe', { account_id, class_name: 'Scripted', script_name: 's' }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.errors[0].code, 10000);
    const { status } = await api(account_id, 'GET', '/workflows/auth-probe');
    assert.equal(status, 404);
  });

  test('an API key with email (X-Auth-Key) is refused with a 401 that says only API tokens work', async () => {
    const { client: legacy } = sdk({ apiToken: null, apiKey: 'k', apiEmail: 'me@example.com' });
    const error = await legacy.workflows.list({ account_id }).catch((e) => e);
    assert.ok(error instanceof Cloudflare.AuthenticationError, String(error));
    assert.match(error.message, /Only API tokens are supported/);
  });
});
