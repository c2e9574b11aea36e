'use strict';
// Preloaded into every client process of the conformance run (NODE_OPTIONS=--require .../offline-guard.cjs).
// It refuses, before any DNS look-up or packet, every TCP connection whose destination is not a loopback
// address, and records it in the tripwire log (STEPFLOW_TRIPWIRE_LOG). This catches what the proxy variables
// cannot: code that connects directly (wrangler 4.86.0's update check uses https.get and ignores the proxy;
// wrangler 4.164.0's undici skips the proxy for some hosts). Connections to 127.0.0.0/8, ::1 and localhost,
// and Unix sockets, pass.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const LOG = process.env.STEPFLOW_TRIPWIRE_LOG;

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

function record(entry) {
  const line = JSON.stringify({
    at: new Date().toISOString(), via: 'offline-guard', pid: process.pid,
    argv: process.argv.slice(1, 4).join(' '), ...entry,
  }) + '\n';
  try {
    if (LOG) fs.appendFileSync(LOG, line);
  } catch {
    // the refusal below still happens
  }
  process.stderr.write(`[offline-guard] refused ${entry.kind} to ${entry.target}\n`);
}

/** host and port of a Socket#connect call, or null for a Unix socket / pipe. */
function destination(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect passes its normalized [options, callback]
  if (first !== null && typeof first === 'object') {
    if (first.path) return null;
    return { host: first.host ?? 'localhost', port: first.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  }
  return null; // a path
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const to = destination(args);
  if (to !== null && !isLoopback(to.host)) {
    const target = `${to.host}:${to.port}`;
    record({ kind: 'connect', target });
    const error = new Error(`connect ECONNREFUSED ${target} (refused by the Stepflow conformance offline guard)`);
    error.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (!isLoopback(hostname)) {
    const cb = typeof options === 'function' ? options : callback;
    record({ kind: 'dns', target: hostname });
    const error = new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by the Stepflow conformance offline guard)`);
    error.code = 'ENOTFOUND';
    process.nextTick(() => cb(error));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopback(hostname)) {
    record({ kind: 'dns', target: hostname });
    const error = new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by the Stepflow conformance offline guard)`);
    error.code = 'ENOTFOUND';
    throw error;
  }
  return promisesLookup.call(this, hostname, options);
};

globalThis[Symbol.for('stepflow.offlineGuard')] = true;
