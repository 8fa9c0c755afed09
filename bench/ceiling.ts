// The ceiling: a bare node:http hello-world with the same number of processes as the service, measured
// in the same run on the same machine, so every target is a ratio to what this machine can do at all.
// The program is plain JavaScript written to a temporary file (cluster workers re-run a file, so
// `node -e` cannot fork): no build step and no loader between it and node:http, which is the point.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, type RunningServer, startProcess } from './server.js';

const HELLO_WORLD = `
const cluster = require('node:cluster');
const http = require('node:http');
const workers = Number(process.env.WORKERS);
const body = JSON.stringify({ status: 'ok' });
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 72000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
`;

export async function startCeiling(workers: number): Promise<RunningServer> {
  const port = await freePort();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bb-bench-ceiling-')), 'hello.cjs');
  writeFileSync(file, HELLO_WORLD);
  return startProcess([file], { WORKERS: String(workers), PORT: String(port) }, port);
}
