// Every `wrangler workflows` command against Stepflow, for one wrangler version. Each command runs in a fresh
// working directory and HOME (lib/harness.mjs); each test checks what wrangler printed and, through a plain
// HTTP read, what changed on the server. Commands that 4.86.0 does not have (instances delete, --json,
// --rollback, --from-step-*, --date-*) run on 4.164.0 only.
import assert from 'node:assert/strict';
import { before, describe, test as nodeTest } from 'node:test';
import {
  BUSY, THREE_STEPS, UUID, WAIT_FOR_GO, WITH_ROLLBACK, api, apiResult, createInstance, getInstance,
  putWorkflow, sleep, waitFor, waitForStatus, wrangler, wranglerOk,
} from './harness.mjs';
import { SELFTEST_HOST, tripwireRecords } from './offline.mjs';

/** Positions of each id in wrangler's output; fails if one is missing. */
function positions(out, ids) {
  return ids.map((id) => {
    const at = out.indexOf(id);
    assert.ok(at >= 0, `${id} is not in the output:\n${out}`);
    return at;
  });
}

function assertInOrder(out, ids) {
  const at = positions(out, ids);
  assert.deepEqual([...at].sort((a, b) => a - b), at, `expected ${ids.join(', ')} in that order:\n${out}`);
}

function assertAbsent(out, ids) {
  for (const id of ids) assert.ok(!out.includes(id), `${id} should not be in the output:\n${out}`);
}

/** The JSON document wrangler printed with --json (the whole stdout). */
function json(result) {
  try {
    return JSON.parse(result.stdout);
  } catch {
    assert.fail(`--json did not print JSON:\n${result.out}`);
  }
}

export function wranglerSuite(version) {
  const modern = version === '4.164.0';
  const account = `wr${version.replaceAll('.', '')}`; // an account per version: exact counts, no interference
  const run = (args, options) => wrangler(version, account, args, options);
  const ok = (args, options) => wranglerOk(version, account, args, options);
  // every test has a deadline of its own; wrangler takes 1 to 3 s a command
  const test = (name, fn) => nodeTest(name, { timeout: 240_000 }, fn);
  const onlyModern = (name, fn) => nodeTest(name, { timeout: 240_000, skip: !modern && `wrangler ${version} has no such command or flag` }, fn);

  describe(`wrangler ${version}`, () => {
    let flow;
    let flowV2;

    before(async () => {
      flow = await putWorkflow(account, 'flow');
      flowV2 = await putWorkflow(account, 'flow'); // a second version: describe must show it as the latest
      await putWorkflow(account, 'extra-a');
      await putWorkflow(account, 'extra-b', 'OrderFulfilment');
    });

    test('a wrong API token fails with the authentication error, without leaving 127.0.0.1', async () => {
      const result = await run(['workflows', 'list'], { env: { CLOUDFLARE_API_TOKEN: 'sfk_not-a-token-of-this-server' } });
      assert.notEqual(result.code, 0, result.out);
      assert.match(result.out, /Authentication error \[code: 10000\]/);
      assert.doesNotMatch(result.out, /extra-a/);
    });

    test(`is wrangler ${version}`, async () => {
      const { stdout } = await ok(['--version']);
      assert.equal(stdout.trim(), version);
    });

    describe('workflows list / describe / delete', () => {
      test('list shows every workflow with its script and class', async () => {
        const { out } = await ok(['workflows', 'list']);
        assert.match(out, /Showing 3 workflows from page 1/);
        positions(out, ['flow', 'extra-a', 'extra-b', 'OrderFulfilment', 'Scripted', 'conformance']);
      });

      test('list --per-page --page: page numbers, and a page past the end says so', async () => {
        const names = ['flow', 'extra-a', 'extra-b'];
        const page1 = (await ok(['workflows', 'list', '--per-page', '2'])).out;
        const page2 = (await ok(['workflows', 'list', '--per-page', '2', '--page', '2'])).out;
        assert.match(page1, /Showing 2 workflows from page 1/);
        assert.match(page2, /Showing 1 workflow from page 2/);
        const on1 = names.filter((n) => new RegExp(`│ ${n} `).test(page1));
        const on2 = names.filter((n) => new RegExp(`│ ${n} `).test(page2));
        assert.deepEqual([...on1, ...on2].sort(), [...names].sort(), `page 1:\n${page1}\npage 2:\n${page2}`);
        const past = (await ok(['workflows', 'list', '--per-page', '2', '--page', '3'])).out;
        assert.match(past, /No Workflows found on page 3/);
      });

      onlyModern('list --json prints the workflows', async () => {
        const listed = json(await ok(['workflows', 'list', '--json']));
        assert.deepEqual(listed.map((w) => w.name).sort(), ['extra-a', 'extra-b', 'flow']);
        assert.ok(listed.every((w) => Date.parse(w.created_on) && w.instances), JSON.stringify(listed));
      });

      test('describe shows the workflow and its latest version', async () => {
        const { out } = await ok(['workflows', 'describe', 'flow']);
        assert.match(out, /Name:\s+flow/);
        assert.match(out, new RegExp(`Id:\\s+${flow.id}`));
        assert.match(out, /Script Name:\s+conformance/);
        assert.match(out, /Class Name:\s+Scripted/);
        assert.match(out, /Latest Version:\s+Id:\s+(\S+)/);
        assert.equal(out.match(/Latest Version:\s+Id:\s+(\S+)/)[1], flowV2.version_id);
      });

      onlyModern('describe --json', async () => {
        const described = json(await ok(['workflows', 'describe', 'flow', '--json']));
        assert.equal(described.name, 'flow');
        assert.equal(described.latest_version.id, flowV2.version_id);
      });

      test('delete removes the workflow and its instances', async () => {
        await putWorkflow(account, 'doomed');
        await createInstance(account, 'doomed', 'doomed-1', WAIT_FOR_GO);
        const { out } = await ok(['workflows', 'delete', 'doomed']);
        assert.match(out, /Workflow "doomed" removed successfully/);
        assert.equal((await api(account, 'GET', '/workflows/doomed')).status, 404);
        assert.equal((await api(account, 'GET', '/workflows/doomed/instances/doomed-1')).status, 404);
      });

      test('an unknown workflow fails with the API error, not a login prompt', async () => {
        const result = await run(['workflows', 'describe', 'no-such-flow']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.workflow\.not_found \[code: 10200\]/);
        assert.doesNotMatch(result.out, /login|whoami|Getting User settings/i);
      });
    });

    describe('workflows trigger', () => {
      test('with params and --id: the params arrive as the JSON value', async () => {
        const { out } = await ok(['workflows', 'trigger', 'flow', JSON.stringify(WAIT_FOR_GO), '--id', 'trig-params']);
        assert.match(out, /Workflow instance "trig-params" has been queued successfully/);
        const details = await waitForStatus(account, 'flow', 'trig-params', 'waiting');
        assert.deepEqual(details.params, WAIT_FOR_GO);
        assert.equal(details.versionId, flowV2.version_id);
        assert.equal(details.trigger.source, 'api');
      });

      test('without params or --id: a generated UUID, no params', async () => {
        const { out } = await ok(['workflows', 'trigger', 'flow']);
        const id = out.match(/Workflow instance "([^"]+)" has been queued successfully/)?.[1];
        assert.match(id ?? '', UUID, out);
        const details = await waitForStatus(account, 'flow', id, 'complete');
        assert.equal(details.params, null);
      });

      test('params that are not an object (a number) are kept as they are', async () => {
        await ok(['workflows', 'trigger', 'flow', '42', '--id', 'trig-number']);
        const details = await waitForStatus(account, 'flow', 'trig-number', 'complete');
        assert.equal(details.params, 42);
      });

      onlyModern('--json prints the created instance', async () => {
        const created = json(await ok(['workflows', 'trigger', 'flow', '{"steps":[]}', '--id', 'trig-json', '--json']));
        assert.equal(created.id, 'trig-json');
        assert.equal(created.version_id, flowV2.version_id);
      });

      test('a duplicate --id fails with the already-exists error', async () => {
        const result = await run(['workflows', 'trigger', 'flow', '{}', '--id', 'trig-params']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.already_exists \[code: 10405\]/);
      });
    });

    describe('workflows instances list', () => {
      const ids = ['li-1', 'li-2', 'li-3', 'li-4', 'li-5'];

      before(async () => {
        await putWorkflow(account, 'listing');
        for (const id of ids) {
          await createInstance(account, 'listing', id, id === 'li-3' ? { steps: [] } : WAIT_FOR_GO);
          await sleep(5); // distinct created_on, which wrangler sorts by
        }
        for (const id of ids) await waitForStatus(account, 'listing', id, id === 'li-3' ? 'complete' : 'waiting');
        await apiResult(account, 'PATCH', '/workflows/listing/instances/li-5/status', { status: 'pause' });
      });

      test('lists every instance, newest first, with version and status', async () => {
        const { out } = await ok(['workflows', 'instances', 'list', 'listing']);
        assert.match(out, /Showing 5 instances from page 1/);
        assertInOrder(out, ['li-5', 'li-4', 'li-3', 'li-2', 'li-1']);
        assert.match(out, /Paused/);
        assert.match(out, /Completed/);
        assert.match(out, /Waiting/);
      });

      test('--reverse lists oldest first', async () => {
        const { out } = await ok(['workflows', 'instances', 'list', 'listing', '--reverse']);
        assertInOrder(out, ['li-1', 'li-2', 'li-3', 'li-4', 'li-5']);
      });

      test('--status filters on the server', async () => {
        const { out } = await ok(['workflows', 'instances', 'list', 'listing', '--status', 'waiting']);
        assert.match(out, /Showing 3 instances from page 1/);
        positions(out, ['li-1', 'li-2', 'li-4']);
        assertAbsent(out, ['li-3', 'li-5']);
        const paused = (await ok(['workflows', 'instances', 'list', 'listing', '--status', 'paused'])).out;
        positions(paused, ['li-5']);
        assertAbsent(paused, ['li-1', 'li-2', 'li-3', 'li-4']);
      });

      test('--per-page and --page walk the cursor, and a page past the end says so', async () => {
        const page = async (n) => (await ok(['workflows', 'instances', 'list', 'listing', '--per-page', '2', '--page', String(n)])).out;
        const p1 = await page(1);
        assertInOrder(p1, ['li-5', 'li-4']);
        assertAbsent(p1, ['li-3', 'li-2', 'li-1']);
        const p2 = await page(2);
        assertInOrder(p2, ['li-3', 'li-2']);
        assertAbsent(p2, ['li-5', 'li-4', 'li-1']);
        const p3 = await page(3);
        assert.match(p3, /Showing 1 instance from page 3/);
        positions(p3, ['li-1']);
        assert.match(await page(4), /No instances found on page 4/);
      });

      test('--status with --per-page and --page', async () => {
        const { out } = await ok(['workflows', 'instances', 'list', 'listing', '--status', 'waiting', '--per-page', '2', '--page', '2']);
        positions(out, ['li-1']);
        assertAbsent(out, ['li-2', 'li-3', 'li-4', 'li-5']);
      });

      onlyModern('--json and --date-start / --date-end', async () => {
        const all = json(await ok(['workflows', 'instances', 'list', 'listing', '--json']));
        assert.deepEqual(all.map((i) => i.id).sort(), ids);
        const today = new Date().toISOString().slice(0, 10);
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        const inRange = json(await ok(['workflows', 'instances', 'list', 'listing', '--json', '--date-start', today, '--date-end', tomorrow]));
        assert.equal(inRange.length, 5);
        const later = await ok(['workflows', 'instances', 'list', 'listing', '--date-start', tomorrow]);
        assert.match(later.out, /No instances in workflow "listing" matched the provided filters/);
      });

      test('an empty workflow says there are no instances', async () => {
        const { out } = await ok(['workflows', 'instances', 'list', 'extra-a']);
        assert.match(out, /There are no instances in workflow "extra-a"/);
      });
    });

    describe('workflows instances describe', () => {
      test('a waiting instance: status, version, trigger, steps with their output', async () => {
        const { out } = await ok(['workflows', 'instances', 'describe', 'flow', 'trig-params']);
        assert.match(out, /Instance Id:\s+trig-params/);
        assert.match(out, new RegExp(`Version Id:\\s+${flowV2.version_id}`));
        assert.match(out, /Status:\s+⏰ Waiting/);
        assert.match(out, /Trigger:\s+🌎 API/);
        assert.match(out, /Last Successful Step:\s+prepare-1/);
        assert.match(out, /Name:\s+prepare-1/);
        assert.match(out, /Output:\s+\{"ready":true\}/);
        assert.match(out, /Name:\s+approval-1\s+Type:\s+👀 Waiting for event/);
        assert.match(out, /✅ Success/); // the attempts table of prepare-1
      });

      test('--step-output=false leaves the outputs out', async () => {
        const { out } = await ok(['workflows', 'instances', 'describe', 'flow', 'trig-params', '--step-output=false']);
        assert.match(out, /Name:\s+prepare-1/);
        assert.doesNotMatch(out, /Output:/);
      });

      test('--truncate-output-limit shortens outputs', async () => {
        const { out } = await ok(['workflows', 'instances', 'describe', 'flow', 'trig-params', '--truncate-output-limit', '5']);
        assert.match(out, /Output:\s+\{"rea\[\.\.\.output truncated\]/);
      });

      test('latest (explicit and by default) picks the newest instance', async () => {
        await createInstance(account, 'flow', 'newest', THREE_STEPS);
        await waitForStatus(account, 'flow', 'newest', 'waiting');
        for (const args of [['latest'], []]) {
          const { out } = await ok(['workflows', 'instances', 'describe', 'flow', ...args]);
          assert.match(out, /Instance Id:\s+newest/, `describe flow ${args.join(' ')}:\n${out}`);
          assert.match(out, /Name:\s+a-1/);
          assert.match(out, /Output:\s+\{"n":2\}/);
        }
      });

      test('a step waiting for its next retry: attempts with errors and the retry time', async () => {
        await createInstance(account, 'flow', 'retrying', {
          steps: [{ do: 'flaky', fail: true, retries: { limit: 100, delay: 600_000, backoff: 'constant' } }],
        });
        await waitFor('the first attempt of flaky-1 to fail', async () =>
          (await getInstance(account, 'flow', 'retrying')).steps[0]?.attempts?.[0]?.success === false);
        const { out } = await ok(['workflows', 'instances', 'describe', 'flow', 'retrying']);
        assert.match(out, /Name:\s+flaky-1/);
        assert.match(out, /Success:\s+▶ Running/);
        assert.match(out, /Retries At:.*from now/);
        assert.match(out, /❌ Error/);
        assert.match(out, /scripted failure of flaky/);
      });

      test('a running step, an errored instance and a completed one', async () => {
        await createInstance(account, 'flow', 'busy', BUSY);
        await waitForStatus(account, 'flow', 'busy', 'running');
        const running = (await ok(['workflows', 'instances', 'describe', 'flow', 'busy'])).out;
        assert.match(running, /Status:\s+▶ Running/);
        assert.match(running, /🔄 Working/);

        await createInstance(account, 'flow', 'broken', {
          steps: [{ sleep: 'nap', ms: 10 }, { do: 'boom', fail: true, nonRetryable: true }],
        });
        await waitForStatus(account, 'flow', 'broken', 'errored');
        const errored = (await ok(['workflows', 'instances', 'describe', 'flow', 'broken'])).out;
        assert.match(errored, /Status:\s+❌ Errored/);
        assert.match(errored, /Last Successful Step:\s+nap-1/);
        assert.match(errored, /Name:\s+nap-1\s+Type:\s+💤 Sleeping/);
        assert.match(errored, /Success:\s+❌ No/);
        assert.match(errored, /Error:.*scripted failure of boom/);

        const complete = (await ok(['workflows', 'instances', 'describe', 'flow', 'trig-number'])).out;
        assert.match(complete, /Status:\s+✅ Completed/);
        assert.match(complete, /Success:\s+✅ Yes/);
        assert.match(complete, /Duration:/);
      });

      onlyModern('--json prints the instance', async () => {
        const described = json(await ok(['workflows', 'instances', 'describe', 'flow', 'trig-params', '--json']));
        assert.equal(described.status, 'waiting');
        assert.deepEqual(described.params, WAIT_FOR_GO);
      });

      test('an unknown instance fails with the API error', async () => {
        const result = await run(['workflows', 'instances', 'describe', 'flow', 'nobody']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.not_found \[code: 10400\]/);
      });
    });

    describe('workflows instances pause / resume / send-event', () => {
      test('pause: the instance is paused', async () => {
        const { out } = await ok(['workflows', 'instances', 'pause', 'flow', 'trig-params']);
        assert.match(out, /The instance "trig-params" from flow was paused successfully/);
        assert.equal((await getInstance(account, 'flow', 'trig-params')).status, 'paused');
        const described = (await ok(['workflows', 'instances', 'describe', 'flow', 'trig-params'])).out;
        assert.match(described, /Status:\s+⏸️ Paused/);
      });

      test('pause again is a no-op, not an error', async () => {
        await ok(['workflows', 'instances', 'pause', 'flow', 'trig-params']);
        assert.equal((await getInstance(account, 'flow', 'trig-params')).status, 'paused');
      });

      test('resume: the instance runs on and waits for its event again', async () => {
        const { out } = await ok(['workflows', 'instances', 'resume', 'flow', 'trig-params']);
        assert.match(out, /The instance "trig-params" from flow was resumed successfully/);
        await waitForStatus(account, 'flow', 'trig-params', 'waiting');
      });

      test('resume of an instance that is not paused fails with the conflict', async () => {
        const result = await run(['workflows', 'instances', 'resume', 'flow', 'trig-params']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.cannot_resume \[code: 10403\]/);
      });

      test('send-event with a payload: the waiting instance completes with it', async () => {
        const { out } = await ok(['workflows', 'instances', 'send-event', 'flow', 'trig-params', '--type', 'go', '--payload', '{"approved":true}']);
        assert.match(out, /The event with type "go" and payload "\{"approved":true\}" was sent to the instance "trig-params" from flow/);
        const done = await waitForStatus(account, 'flow', 'trig-params', 'complete');
        assert.match(JSON.stringify(done.output), /"approved":true/);
      });

      test('pause, resume and send-event (default payload {}) on latest', async () => {
        await createInstance(account, 'flow', 'latest-one', WAIT_FOR_GO);
        await waitForStatus(account, 'flow', 'latest-one', 'waiting');
        assert.match((await ok(['workflows', 'instances', 'pause', 'flow', 'latest'])).out, /"latest-one" from flow was paused/);
        await waitForStatus(account, 'flow', 'latest-one', 'paused');
        assert.match((await ok(['workflows', 'instances', 'resume', 'flow', 'latest'])).out, /"latest-one" from flow was resumed/);
        await waitForStatus(account, 'flow', 'latest-one', 'waiting');
        const sent = (await ok(['workflows', 'instances', 'send-event', 'flow', 'latest', '--type', 'go'])).out;
        assert.match(sent, /The event with type "go" was sent to the instance "latest-one"/);
        const done = await waitForStatus(account, 'flow', 'latest-one', 'complete');
        assert.match(JSON.stringify(done.output), /"approval-1"/);
      });

      onlyModern('--json prints the new status', async () => {
        await createInstance(account, 'flow', 'json-pause', WAIT_FOR_GO);
        await waitForStatus(account, 'flow', 'json-pause', 'waiting');
        const paused = json(await ok(['workflows', 'instances', 'pause', 'flow', 'json-pause', '--json']));
        assert.equal(paused.status, 'paused');
        assert.ok(Date.parse(paused.timestamp));
      });

      test('send-event to a finished instance fails with the conflict', async () => {
        const result = await run(['workflows', 'instances', 'send-event', 'flow', 'trig-params', '--type', 'go']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.cannot_receive_event \[code: 10406\]/);
      });
    });

    describe('workflows instances terminate / restart', () => {
      test('terminate: the running instance is terminated, and describe shows the termination', async () => {
        const { out } = await ok(['workflows', 'instances', 'terminate', 'flow', 'busy']);
        assert.match(out, /The instance "busy" from flow was terminated successfully/);
        const details = await getInstance(account, 'flow', 'busy');
        assert.equal(details.status, 'terminated');
        assert.equal(details.rollback, null);
        const described = (await ok(['workflows', 'instances', 'describe', 'flow', 'busy'])).out;
        assert.match(described, /Status:\s+🚫 Terminated/);
        assert.match(described, /Type:\s+🚫 Termination\s+Trigger:\s+api/);
      });

      onlyModern('terminate --rollback runs the rollback handlers first', async () => {
        await createInstance(account, 'flow', 'saga', WITH_ROLLBACK);
        await waitForStatus(account, 'flow', 'saga', 'waiting');
        const { out } = await ok(['workflows', 'instances', 'terminate', 'flow', 'saga', '--rollback']);
        assert.match(out, /The instance "saga" from flow was terminated successfully/);
        const details = await waitForStatus(account, 'flow', 'saga', 'terminated');
        assert.deepEqual(details.rollback, { outcome: 'complete', error: null });
        assert.ok(details.steps.some((s) => s.type === 'rollback'), JSON.stringify(details.steps));
        await ok(['workflows', 'instances', 'describe', 'flow', 'saga']);
      });

      test('terminate of a finished instance fails with the conflict', async () => {
        const result = await run(['workflows', 'instances', 'terminate', 'flow', 'busy']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.cannot_terminate \[code: 10401\]/);
      });

      test('restart: every step runs again', async () => {
        const before = await getInstance(account, 'flow', 'newest');
        const { out } = await ok(['workflows', 'instances', 'restart', 'flow', 'newest']);
        assert.match(out, /The instance "newest" from flow was restarted successfully/);
        const after = await waitFor('newest to run again', async () => {
          const d = await getInstance(account, 'flow', 'newest');
          return d.status === 'waiting' && d.steps[0].start !== before.steps[0].start && d;
        });
        assert.notEqual(after.steps[1].start, before.steps[1].start);
      });

      test('restart of a terminated instance runs it again', async () => {
        await ok(['workflows', 'instances', 'restart', 'flow', 'busy']);
        await waitForStatus(account, 'flow', 'busy', 'running');
        await apiResult(account, 'PATCH', '/workflows/flow/instances/busy/status', { status: 'terminate' });
      });

      onlyModern('restart --from-step-name/--from-step-count/--from-step-type keeps the earlier steps', async () => {
        const before = await waitForStatus(account, 'flow', 'newest', 'waiting');
        const { out } = await ok(['workflows', 'instances', 'restart', 'flow', 'newest',
          '--from-step-name', 'b', '--from-step-count', '1', '--from-step-type', 'do']);
        assert.match(out, /restarted successfully/);
        const after = await waitFor('b-1 to run again', async () => {
          const d = await getInstance(account, 'flow', 'newest');
          return d.status === 'waiting' && d.steps[1].start !== before.steps[1].start && d;
        });
        assert.equal(after.steps[0].start, before.steps[0].start, 'a-1 ran again');
      });

      onlyModern('restart --from-step-name alone (count 1, type do by default)', async () => {
        const before = await waitForStatus(account, 'flow', 'newest', 'waiting');
        await ok(['workflows', 'instances', 'restart', 'flow', 'newest', '--from-step-name', 'b']);
        await waitFor('b-1 to run again', async () => {
          const d = await getInstance(account, 'flow', 'newest');
          return d.status === 'waiting' && d.steps[1].start !== before.steps[1].start && d;
        });
        assert.equal((await getInstance(account, 'flow', 'newest')).steps[0].start, before.steps[0].start);
      });

      onlyModern('restart from a step that is not in the history fails with the conflict', async () => {
        const result = await run(['workflows', 'instances', 'restart', 'flow', 'newest', '--from-step-name', 'nope']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /workflows\.api\.error\.instance\.cannot_restart \[code: 10404\]/);
      });
    });

    describe('workflows instances delete', () => {
      onlyModern('deletes the listed instances and latest', async () => {
        await putWorkflow(account, 'trash');
        for (const id of ['del-1', 'del-2', 'del-3']) {
          await createInstance(account, 'trash', id, { steps: [] });
          await sleep(5);
        }
        const { out } = await ok(['workflows', 'instances', 'delete', 'trash', 'del-1', 'del-2']);
        assert.match(out, /Deleted workflow instances from "trash": "del-1", "del-2"/);
        for (const id of ['del-1', 'del-2']) assert.equal((await api(account, 'GET', `/workflows/trash/instances/${id}`)).status, 404);
        await ok(['workflows', 'instances', 'delete', 'trash', 'latest']);
        assert.equal((await api(account, 'GET', '/workflows/trash/instances/del-3')).status, 404);
      });

      onlyModern('an unknown id is reported and fails the command', async () => {
        const result = await run(['workflows', 'instances', 'delete', 'trash', 'ghost']);
        assert.notEqual(result.code, 0);
        assert.match(result.out, /Failed to delete 1 workflow instance\(s\):\s+- ghost:/);
      });
    });

    describe('workflows instances terminate-all', () => {
      before(async () => {
        await putWorkflow(account, 'sweep');
        for (const id of ['sw-1', 'sw-2', 'sw-3', 'sw-paused']) await createInstance(account, 'sweep', id, WAIT_FOR_GO);
        for (const id of ['sw-1', 'sw-2', 'sw-3', 'sw-paused']) await waitForStatus(account, 'sweep', id, 'waiting');
        await apiResult(account, 'PATCH', '/workflows/sweep/instances/sw-paused/status', { status: 'pause' });
      });

      test('--status waiting terminates the waiting instances only', async () => {
        const { out } = await ok(['workflows', 'instances', 'terminate-all', 'sweep', '--status', 'waiting']);
        assert.match(out, /A job to terminate instances from Workflow "sweep" with status "waiting" has been started/);
        for (const id of ['sw-1', 'sw-2', 'sw-3']) await waitForStatus(account, 'sweep', id, 'terminated');
        assert.equal((await getInstance(account, 'sweep', 'sw-paused')).status, 'paused');
      });

      test('without --status terminates the rest', async () => {
        await waitFor('the first job to finish', async () =>
          (await apiResult(account, 'GET', '/workflows/sweep/instances/terminate')).status === 'not_running');
        const { out } = await ok(['workflows', 'instances', 'terminate-all', 'sweep']);
        assert.match(out, /A job to terminate instances from Workflow "sweep" {1,2}has been started/);
        await waitForStatus(account, 'sweep', 'sw-paused', 'terminated');
      });
    });

    describe('offline nets', () => {
      test('wrangler pointed at an address outside 127.0.0.1 is stopped, and the attempt is recorded', async () => {
        const probes = () => tripwireRecords().filter((r) => JSON.stringify(r).includes(SELFTEST_HOST)).length;
        const before = probes();
        const result = await wrangler(version, account, ['workflows', 'list'],
          { env: { CLOUDFLARE_API_BASE_URL: `https://${SELFTEST_HOST}/client/v4` } });
        assert.notEqual(result.code, 0);
        assert.ok(probes() > before, `no record of the attempt; wrangler said:\n${result.out}`);
      });
    });

    describe('account selection', () => {
      test('without CLOUDFLARE_ACCOUNT_ID wrangler asks /memberships and lists the accounts it may use', async () => {
        const result = await wrangler(version, null, ['workflows', 'list']);
        assert.notEqual(result.code, 0); // several accounts, no terminal to choose one
        assert.match(result.out, /More than one account available/);
        assert.match(result.out, new RegExp(`\`${account}\``));
      });
    });
  });
}
