// The bench's open-loop load against a local server: requests leave on schedule whether or not earlier
// answers came back, and their latency counts from when they were due.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { measureAtTargetRate } from '../../bench/measure.js';
import { runPacedLoad } from '../../bench/paced-load.js';

test('a slow server makes the scheduled requests wait, and the wait is in their latency', async () => {
  // One connection, answers 50 ms apart at best, 40 requests due per second: after the unmeasured
  // first second (40 requests) the measured 40 queue behind them and behind each other. A closed loop
  // would send one request per answer and report ~50 ms for every one.
  const server = createServer((request, response) => {
    setTimeout(() => response.end(request.url), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let sent = 0;
  const answers: string[] = [];
  try {
    const result = await runPacedLoad({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: 1,
      duration: 1,
      warmUpSeconds: 1,
      rate: 40,
      next: () => ({ method: 'GET', path: `/r${sent++}` }),
      onResponse: (status, body) => answers.push(`${status} ${body}`),
    });
    assert.equal(sent, 80);
    assert.equal(answers.length, 80);
    assert.equal(answers.at(-1), '200 /r79');
    assert.equal(result.requests, 40);
    assert.deepEqual(result.statuses, { 200: 40 });
    assert.equal(result.transportErrors, 0);
    // The first measured one was due at 1 s and answered after the 40 before it (≥ 2 s from the start).
    assert.ok(result.p50 > 1500, `p50 ${result.p50} ms`);
    assert.ok(result.p99 > 2000, `p99 ${result.p99} ms`);
    assert.ok(result.rps < 25, `${result.rps} req/s`);
  } finally {
    server.close();
  }
});

test('unreachable: every scheduled request is a transport error, none is lost', async () => {
  const result = await runPacedLoad({
    baseUrl: 'http://127.0.0.1:9',
    connections: 4,
    duration: 0.5,
    warmUpSeconds: 1,
    rate: 40,
    next: () => ({ method: 'POST', path: '/x', body: '{}' }),
  });
  // 20 in the measured half second; those of the unmeasured warm-up are not counted.
  assert.equal(result.requests, 0);
  assert.equal(result.transportErrors, 20);
});

test('an open-loop row comes with its control: the bare hello-world at the same rate, not judged', async () => {
  // One connection and 100 ms per answer: at most 10 of the 20 req/s asked for.
  const server = createServer((_request, response) => {
    setTimeout(() => response.end('{}'), 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const lines: string[] = [];
  try {
    const [row, control] = await measureAtTargetRate(
      {
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        connections: 1,
        duration: 1,
        ceilingRps: 40,
        workers: 1,
        log: (line) => lines.push(line),
      },
      {
        name: 'slow',
        target: { ratio: 0.5, p99: 50 },
        expected: [200],
        next: () => ({ method: 'GET', path: '/' }),
      },
    );
    assert.equal(row!.scenario, 'slow at 0.5 × ceiling (fixed rate)');
    assert.equal(row!.verdict, 'fail');
    assert.ok(
      row!.notes.some((note) => note.startsWith('answered only')),
      row!.notes.join('; '),
    );
    assert.equal(control!.scenario, 'control: node:http hello-world at 20 req/s (fixed rate)');
    assert.equal(control!.verdict, 'n/a');
    assert.deepEqual(control!.statuses, { 200: 20 });
    assert.equal(control!.errors, 0);
    assert.ok(control!.p99! < row!.p99!, `control p99 ${control!.p99} ms, service p99 ${row!.p99} ms`);
    assert.ok(lines.some((line) => line.includes('control: node:http hello-world')));
  } finally {
    server.close();
  }
});
