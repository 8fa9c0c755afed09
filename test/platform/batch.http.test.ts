import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';

let ctx: TestApp;
let api: ApiClient;
let admin: TestUser;
let someone: TestUser;

before(async () => {
  ctx = await startTestApp();
  api = apiClient(ctx.baseUrl);
  admin = await newUser(ctx, { isAdmin: true });
  someone = await newUser(ctx);
});
after(() => ctx.close());

test('each sub-request runs with the caller’s own rights, in order', async () => {
  const requests = [
    { method: 'GET', path: '/api/v2/monitoring/services' },
    { method: 'GET', path: '/api/v2/nowhere' },
  ];
  const asAdmin = await api.post('/api/v2/batch', { requests }, { token: admin.token });
  assert.equal(asAdmin.status, 200);
  assert.deepEqual(
    asAdmin.body.responses.map((r: { status: number }) => r.status),
    [200, 404],
  );
  assert.equal(asAdmin.body.responses[1].body.code, 'route-not-found');

  const asSomeone = await api.post('/api/v2/batch', { requests }, { token: someone.token });
  assert.deepEqual(
    asSomeone.body.responses.map((r: { status: number }) => r.status),
    [403, 404],
  );
});

test('a batch needs a caller', async () => {
  expectProblem(
    await api.post('/api/v2/batch', { requests: [{ method: 'GET', path: '/api/v2/monitoring/services' }] }),
    401,
    'unauthenticated',
  );
});

test('more than 20 sub-requests, an empty batch or a path outside the API answer 422', async () => {
  const many = Array.from({ length: 21 }, () => ({ method: 'GET', path: '/api/v2/monitoring/services' }));
  expectProblem(
    await api.post('/api/v2/batch', { requests: many }, { token: admin.token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.post('/api/v2/batch', { requests: [] }, { token: admin.token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.post(
      '/api/v2/batch',
      { requests: [{ method: 'GET', path: '/health' }] },
      { token: admin.token },
    ),
    422,
    'validation-failed',
  );
});

test('a batch cannot contain another batch', async () => {
  const response = await api.post(
    '/api/v2/batch',
    { requests: [{ method: 'POST', path: '/api/v2/batch', body: { requests: [] } }] },
    { token: admin.token },
  );
  expectProblem(response, 422, 'batch-path-not-allowed');
});
