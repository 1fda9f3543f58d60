// Per client address, nginx bounds signing in, application POSTs and asking
// the application past the published files (nginx/shailoo.conf.in; the test
// instance runs with *_RATE=200r/s, *_BURST=100).  Each flood comes from a
// loopback address of its own (127.0.0.x), so the other tests, all from
// 127.0.0.1, are never limited by it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, assertError } from './lib.mjs';

const N = 400;

async function flood(from, paths, opts = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200, localAddress: from });
  try {
    return await Promise.all(paths.map((p) => request(p, { agent, retry429: false, ...opts })));
  } finally {
    agent.destroy();
  }
}

function limited(results, what) {
  const statuses = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  for (const r of results) assert.ok(r.status < 500, `${what}: never a 5xx: ${JSON.stringify(statuses)}`);
  const refused = results.filter((r) => r.status === 429);
  assert.ok(refused.length > 0, `${what}: some 429 among ${N}: ${JSON.stringify(statuses)}`);
  assert.ok(refused.length < results.length, `${what}: some got through: ${JSON.stringify(statuses)}`);
  assertError(refused[0], 429, 'too_many_requests');
  assert.equal(refused[0].headers['retry-after'], '1');
  return statuses;
}

describe('per-address limits', { concurrency: false }, () => {
  test('signing in: /auth/esia/login from one address', async () => {
    const res = await flood('127.0.0.2', Array.from({ length: N }, () => '/auth/esia/login?next=/cabinet/'));
    limited(res, 'login');
    // Another address is not affected.
    const mine = await request('/auth/esia/login?next=/cabinet/');
    assert.notEqual(mine.status, 429);
  });

  test('the ESIA callback from one address', async () => {
    const res = await flood('127.0.0.3', Array.from({ length: N }, (_, i) => `/auth/esia/callback?code=x${i}&state=y${i}`));
    limited(res, 'callback');
  });

  test('application POSTs from one address (GETs of the list are not counted)', async () => {
    const res = await flood('127.0.0.4', Array.from({ length: N }, () => '/api/v1/cabinet/applications'),
      { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    limited(res, 'applications');
    const gets = await flood('127.0.0.4', Array.from({ length: 50 }, () => '/api/v1/cabinet/applications'));
    assert.ok(gets.every((r) => r.status === 401), `GETs are the application's to answer: ${[...new Set(gets.map((r) => r.status))]}`);
  });

  test('asking the application past the published files from one address; the files are not limited', async () => {
    const path = '/api/v1/tizme/stats';
    const res = await flood('127.0.0.5', Array.from({ length: N }, () => path), { headers: { 'X-Shailoo-Direct': '1' } });
    limited(res, 'direct');
    const files = await flood('127.0.0.5', Array.from({ length: N }, () => path));
    assert.ok(files.every((r) => r.status === 200), `published reads are never limited: ${[...new Set(files.map((r) => r.status))]}`);
  });
});
