import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Type } from 'typebox';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  ctx = await startTestApp({
    extend(app) {
      app.post(
        '/api/v2/test/echo',
        {
          config: { routeClass: 'public' },
          schema: {
            body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 0 }) }),
          },
        },
        async (request) => request.body,
      );
      app.get('/api/v2/test/boom', { config: { routeClass: 'public' } }, async () => {
        throw new Error('secret internals');
      });
    },
  });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

test('malformed JSON answers 400 malformed-json', async () => {
  const response = await api.request('POST', '/api/v2/test/echo', {
    rawBody: '{"name": ',
    headers: { 'content-type': 'application/json' },
  });
  expectProblem(response, 400, 'malformed-json');
});

test('a schema violation answers 422 with field errors', async () => {
  const response = await api.post('/api/v2/test/echo', { name: '', count: -1 });
  const problem = expectProblem(response, 422, 'validation-failed') as unknown as {
    errors: { field: string; message: string }[];
  };
  assert.ok(problem.errors.length >= 1);
  assert.match(problem.errors[0]!.field, /^\/body\/(name|count)$/);
});

test('a missing required field is named in the field errors', async () => {
  const response = await api.post('/api/v2/test/echo', { name: 'x' });
  const problem = expectProblem(response, 422, 'validation-failed') as unknown as {
    errors: { field: string }[];
  };
  assert.deepEqual(
    problem.errors.map((e) => e.field),
    ['/body/count'],
  );
});

test('an unknown route answers 404 route-not-found', async () => {
  expectProblem(await api.get('/api/v2/nothing-here'), 404, 'route-not-found');
});

test('a body over 1 MiB answers 413 payload-too-large', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), count: 1 });
  expectProblem(
    await api.request('POST', '/api/v2/test/echo', {
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    }),
    413,
    'payload-too-large',
  );
});

test('an unsupported media type answers 415', async () => {
  const response = await api.request('POST', '/api/v2/test/echo', {
    rawBody: 'name=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expectProblem(response, 415, 'unsupported-media-type');
});

test('an unexpected error answers 500 with no internals, carrying the request id', async () => {
  const response = await api.get('/api/v2/test/boom', { headers: { 'x-request-id': 'trace-me-123' } });
  const problem = expectProblem(response, 500, 'internal') as unknown as { request_id: string };
  assert.equal(problem.request_id, 'trace-me-123');
  assert.doesNotMatch(response.text, /secret internals|at .*\.ts/);
});

test('a valid request passes through', async () => {
  const response = await api.post('/api/v2/test/echo', { name: 'ok', count: 2 });
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { name: 'ok', count: 2 });
});
