// Cloudflare's clients against Stepflow over HTTPS, with a self-signed certificate that scripts/conformance made
// with openssl: the SDK and both wranglers trust it through NODE_EXTRA_CA_CERTS, as the start banner says, and
// curl through --cacert (over HTTP/2). Each client runs in a process of its own, with the offline net of the
// rest of the suite (NODE_OPTIONS, proxies -> the tripwire).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { CONFORMANCE_DIR, wrangler } from '../lib/harness.mjs';

const TLS_BASE_URL = required('STEPFLOW_TLS_BASE_URL'); // https://127.0.0.1:PORT/client/v4
const CERT = required('STEPFLOW_TLS_CERT');
const TOKEN = required('STEPFLOW_TLS_API_TOKEN');
const SERVER_LOG = required('STEPFLOW_TLS_SERVER_LOG');
const ORIGIN = new URL(TLS_BASE_URL).origin;
const account = 'tls';
const workflow = 'tls-flow';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through scripts/conformance`);
  return value;
}

/** Runs COMMAND ARGS with ENV to its end (at most timeoutMs); {code, stdout, stderr}. */
function run(command, args, { env = process.env, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** curl with the suite's environment (its proxy variables too): {status, version, body, head}. */
async function curl(args) {
  const result = await run('curl', ['-sS', '--max-time', '20', '-D', '-', '-w', '\n%{http_code} %{http_version}', ...args]);
  assert.equal(result.code, 0, `curl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  const lines = result.stdout.split('\n');
  const [status, version] = lines.pop().split(' ');
  const text = lines.join('\n');
  const split = text.indexOf('\r\n\r\n');
  return { status: Number(status), version, head: text.slice(0, split), body: text.slice(split + 4) };
}

const authorized = ['--cacert', CERT, '-H', `Authorization: Bearer ${TOKEN}`];

/** The environment the start banner tells to export, read from the TLS server's own banner. */
function bannerExports() {
  const exports = {};
  for (const line of fs.readFileSync(SERVER_LOG, 'utf8').split('\n')) {
    const match = /^ {2}export ([A-Z_]+)=(\S+)/.exec(line);
    if (match) exports[match[1]] = match[2];
  }
  return exports;
}

/** The SDK in a process of its own (lib/tls-sdk-client.mjs), with the offline net and `env`. */
async function sdk(args, env) {
  const result = await run(process.execPath, [path.join(CONFORMANCE_DIR, 'lib/tls-sdk-client.mjs'), ...args], {
    env: {
      PATH: process.env.PATH,
      ...pick(['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'NODE_OPTIONS',
        'STEPFLOW_TRIPWIRE_LOG']),
      CLOUDFLARE_API_BASE_URL: TLS_BASE_URL,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_ACCOUNT_ID: account,
      ...env,
    },
  });
  const line = result.stdout.trim().split('\n').at(-1);
  try {
    return JSON.parse(line);
  } catch {
    assert.fail(`the SDK client printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

function pick(names) {
  return Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));
}

const tlsEnv = { CLOUDFLARE_API_BASE_URL: TLS_BASE_URL, CLOUDFLARE_API_TOKEN: TOKEN, NODE_EXTRA_CA_CERTS: CERT };
const CERTIFICATE_REFUSED = /self[- ]signed|SELF_SIGNED|unable to verify|UNABLE_TO_VERIFY|certificate/i;

describe('TLS', () => {
  test('the banner says https:// and tells Node clients to trust the certificate with NODE_EXTRA_CA_CERTS', () => {
    const exports = bannerExports();
    assert.equal(exports.CLOUDFLARE_API_BASE_URL, TLS_BASE_URL);
    assert.equal(exports.NODE_EXTRA_CA_CERTS, CERT);
    assert.match(fs.readFileSync(SERVER_LOG, 'utf8'), /# wrangler and the SDK, when the certificate is self-signed/);
  });

  test('curl --cacert: an authenticated GET is 200 over HTTP/2, and over HTTP/1.1 when asked', async () => {
    const h2 = await curl([...authorized, `${TLS_BASE_URL}/accounts/${account}/workflows`]);
    assert.equal(h2.status, 200, h2.body);
    assert.equal(h2.version, '2');
    assert.equal(JSON.parse(h2.body).success, true);
    const h1 = await curl([...authorized, '--http1.1', `${TLS_BASE_URL}/accounts/${account}/workflows`]);
    assert.equal(h1.status, 200, h1.body);
    assert.equal(h1.version, '1.1');
  });

  test('curl over plain HTTP to the TLS port: 400 in the envelope, HTTPS only, no redirect', async () => {
    const plain = await curl(['-H', `Authorization: Bearer ${TOKEN}`, `${ORIGIN.replace('https:', 'http:')}/client/v4/accounts/${account}/workflows`]);
    assert.equal(plain.status, 400);
    assert.doesNotMatch(plain.head, /^location:/im);
    const body = JSON.parse(plain.body);
    assert.equal(body.success, false);
    assert.match(body.messages.join(' '), new RegExp(`serves HTTPS only; send the request to ${ORIGIN}`));
  });

  test('the SDK without NODE_EXTRA_CA_CERTS refuses the self-signed certificate', async () => {
    const refused = await sdk(['list'], {});
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.match(refused.error, CERTIFICATE_REFUSED);
  });

  test('the SDK with NODE_EXTRA_CA_CERTS: create a workflow and an instance, pause it, read its status', async () => {
    const done = await sdk(['run', workflow, 'tls-1'], { NODE_EXTRA_CA_CERTS: CERT });
    assert.deepEqual(done, { ok: true, workflow, created: 'tls-1', paused: done.paused, status: 'paused' });
    assert.ok(['paused', 'waitingForPause'].includes(done.paused), JSON.stringify(done));
    // and the server says so to curl
    const read = await curl([...authorized, `${TLS_BASE_URL}/accounts/${account}/workflows/${workflow}/instances/tls-1`]);
    assert.equal(JSON.parse(read.body).result.status, 'paused');
  });

  for (const version of ['4.86.0', '4.164.0']) {
    describe(`wrangler ${version} over https://`, () => {
      before(async () => {
        // the SDK test made the workflow; a file run on its own (a filter) makes it here
        const read = await curl([...authorized, `${TLS_BASE_URL}/accounts/${account}/workflows/${workflow}`]);
        if (read.status !== 200) await sdk(['run', workflow, 'tls-1'], { NODE_EXTRA_CA_CERTS: CERT });
      });

      test('workflows list', { timeout: 120_000 }, async () => {
        const result = await wrangler(version, account, ['workflows', 'list'], { env: tlsEnv });
        assert.equal(result.code, 0, result.out);
        assert.match(result.out, new RegExp(workflow));
      });

      test('workflows instances describe', { timeout: 120_000 }, async () => {
        const result = await wrangler(version, account, ['workflows', 'instances', 'describe', workflow, 'tls-1'], { env: tlsEnv });
        assert.equal(result.code, 0, result.out);
        assert.match(result.out, /Instance Id:\s+tls-1/);
        assert.match(result.out, /Status:\s+\S*\s*Paused/);
      });

      // wrangler tells only "fetch failed", not why; the same command with NODE_EXTRA_CA_CERTS succeeded
      // above, so the certificate is what it refused
      test('without NODE_EXTRA_CA_CERTS the same command fails', { timeout: 120_000 }, async () => {
        const { NODE_EXTRA_CA_CERTS, ...untrusted } = tlsEnv;
        const result = await wrangler(version, account, ['workflows', 'list'], { env: untrusted });
        assert.notEqual(result.code, 0, result.out);
        assert.match(result.out, /fetch failed/);
        assert.doesNotMatch(result.out, new RegExp(workflow));
      });
    });
  }
});
