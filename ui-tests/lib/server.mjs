// A real Stepflow server for the browser tests: the jar scripts/ui-tests built, on a free port of
// 127.0.0.1, with a fresh data folder and an effects log (the built-in workflows write a line per
// step attempt there, which proves what ran how often). The login link comes from its banner.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function java() {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'stepflow-ui-'));
  const data = join(dir, 'data');
  const effects = join(dir, 'effects.log');
  const jar = join(ROOT, 'target', 'stepflow.jar');
  const child = spawn(java(), ['--enable-native-access=ALL-UNNAMED', '-jar', jar, 'serve',
    '--host', '127.0.0.1', '--port', '0', '--data', data, '--effects-log', effects], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const deadline = Date.now() + 60_000;
  while (!/^Dashboard \(signs in with the dev token\): \S+$/m.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error('Stepflow did not start:\n' + out + err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = /^Stepflow is serving (\S+)$/m.exec(out)[1];
  const login = /^Dashboard \(signs in with the dev token\): (\S+)$/m.exec(out)[1];
  const origin = new URL(base).origin;
  const token = readFileSync(join(data, 'dev-token'), 'utf8').trim();
  return {
    base, login, origin, token, data, effects, dir,
    ui: origin + '/ui/',
    log: () => err,
    /** A token made with the CLI, as a user would (the server rereads the tokens file within a second). */
    createToken(name, permission) {
      return execFileSync(java(), ['-jar', jar, 'token', 'create', '--data', data, '--name', name,
        '--permission', permission, '--all-accounts'], { encoding: 'utf8' }).trim();
    },
    /** The effects log lines of one instance: {kind, step, attempt}. */
    effectsOf(instanceId) {
      if (!existsSync(effects)) return [];
      return readFileSync(effects, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'))
        .filter((f) => f[0] === instanceId).map(([, kind, step, attempt]) => ({ kind, step, attempt: Number(attempt) }));
    },
    /** Stops the server and deletes its folder, so that test runs leave nothing in the temp folder. */
    async stop() {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        for (let i = 0; i < 50 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small client of the v4 API for seeding and checking, with a given token. */
export function apiClient(server, token = server.token) {
  async function request(method, path, body, headers = {}) {
    const res = await fetch(server.base + path, {
      method,
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    return { status: res.status, body: json, headers: res.headers };
  }
  const api = {
    request,
    async ok(method, path, body, headers) {
      const r = await request(method, path, body, headers);
      if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.result;
    },
    putWorkflow: (acc, wf, className = 'Scripted') =>
      api.ok('PUT', `/accounts/${acc}/workflows/${wf}`, { class_name: className, script_name: wf }),
    create: (acc, wf, id, params) =>
      api.ok('POST', `/accounts/${acc}/workflows/${wf}/instances`, { instance_id: id, params }),
    instance: (acc, wf, id) => api.ok('GET', `/accounts/${acc}/workflows/${wf}/instances/${id}`),
    patch: (acc, wf, id, body) => api.ok('PATCH', `/accounts/${acc}/workflows/${wf}/instances/${id}/status`, body),
    workflow: (acc, wf) => api.ok('GET', `/accounts/${acc}/workflows/${wf}`),
    /** Polls until the instance's status is one of wanted; returns it. Bounded by timeoutMs. */
    async waitFor(acc, wf, id, wanted, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last;
      while (Date.now() < deadline) {
        last = await api.instance(acc, wf, id);
        if (wanted.includes(last.status)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${id} did not reach ${wanted.join('|')} in ${timeoutMs} ms; it is ${last && last.status}`);
    },
  };
  return api;
}
