// Proves, before the clients run, that both halves of the offline net work: the preloaded guard refuses a
// connection to a non-loopback host, and the tripwire records and refuses proxied requests and tunnels.
// The target is SELFTEST_HOST (lib/offline.mjs), which never resolves and which the final check ignores.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { SELFTEST_HOST, tripwireRecords } from './offline.mjs';

const proxy = new URL(process.env.HTTPS_PROXY);

assert.equal(globalThis[Symbol.for('stepflow.offlineGuard')], true,
  'the offline guard is not loaded: NODE_OPTIONS must --require lib/offline-guard.cjs');

const refused = await new Promise((resolve) => {
  const socket = net.connect({ host: SELFTEST_HOST, port: 443 });
  socket.on('connect', () => { socket.destroy(); resolve(null); });
  socket.on('error', resolve);
});
assert.ok(refused, 'a connection to a non-loopback host was not refused');
assert.match(refused.message, /offline guard/);

function viaProxy(options) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: proxy.port, timeout: 5000, ...options });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('connect', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('timeout', () => req.destroy(new Error('tripwire did not answer')));
    req.on('error', reject);
    req.end();
  });
}
assert.equal(await viaProxy({ path: `http://${SELFTEST_HOST}/wrangler`, headers: { host: SELFTEST_HOST } }), 403);
assert.equal(await viaProxy({ method: 'CONNECT', path: `${SELFTEST_HOST}:443` }), 403);

const mine = tripwireRecords().filter((e) => JSON.stringify(e).includes(SELFTEST_HOST));
assert.deepEqual(mine.map((e) => `${e.via}/${e.kind}`).sort(),
  ['offline-guard/connect', 'tripwire/connect', 'tripwire/request']);
console.log('offline self-test: the guard refused a direct connection, the tripwire recorded and refused a proxied request and a tunnel');
