// The tripwire: a local HTTP server that stands in for every outside address the clients might try.
// scripts/conformance starts it and points HTTP_PROXY / HTTPS_PROXY / npm_config_registry at it, so a client
// that honours those variables (telemetry, update checks, registry look-ups) talks to this server instead
// of the network. Every request and every CONNECT tunnel is recorded as one JSON line in the log file and
// refused (403); the driver fails the run when the log holds anything but its own self-test.
//
//   node tripwire.mjs LOG_FILE      prints "tripwire listening PORT" when ready
import fs from 'node:fs';
import http from 'node:http';

const logFile = process.argv[2];
if (!logFile) {
  console.error('usage: node tripwire.mjs LOG_FILE');
  process.exit(2);
}

function record(entry) {
  fs.appendFileSync(logFile, JSON.stringify({ at: new Date().toISOString(), via: 'tripwire', ...entry }) + '\n');
}

const server = http.createServer((req, res) => {
  record({
    kind: 'request',
    method: req.method,
    url: req.url,
    host: req.headers.host ?? null,
    userAgent: req.headers['user-agent'] ?? null,
  });
  req.resume();
  res.writeHead(403, { 'content-type': 'application/json', connection: 'close' });
  res.end('{"error":"refused by the Stepflow conformance tripwire: the suite runs offline"}');
});

server.on('connect', (req, socket) => {
  record({ kind: 'connect', target: req.url, userAgent: req.headers['user-agent'] ?? null });
  socket.on('error', () => {});
  socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
});

server.on('clientError', (err, socket) => {
  record({ kind: 'malformed', error: String(err.code ?? err.message) });
  socket.destroy();
});

server.listen(0, '127.0.0.1', () => {
  console.log(`tripwire listening ${server.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
