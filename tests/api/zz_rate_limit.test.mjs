// The per-person lookup is rate-limited by nginx (the test instance runs
// with LOOKUP_RATE=200r/s, LOOKUP_BURST=100).  Named zz_ to sort last;
// node --test may still run it alongside other files, which is why their
// lookups retry on 429 (see lib.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, assertError, assertSecurityHeaders, sleep, DEMO } from './lib.mjs';

const N = 400;

async function flood(paths) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  try {
    return await Promise.all(paths.map((p) => request(p, { agent, retry429: false })));
  } finally {
    agent.destroy();
  }
}

function check(results) {
  const statuses = new Map();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const summary = JSON.stringify(Object.fromEntries(statuses));
  for (const r of results) assert.ok(r.status < 500, `never a 5xx: ${summary}`);
  const limited = results.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, `at least one 429 among ${results.length} lookups: ${summary}`);
  assert.ok(results.some((r) => r.status === 200), `some lookups got through: ${summary}`);
  for (const r of results) assert.ok([200, 404, 429].includes(r.status), `only 200/404/429: ${summary}`);
  return limited;
}

describe('the lookup rate limit', { concurrency: false }, () => {
  test(`${N} concurrent lookups: some get 429 too_many_requests (JSON), none a 5xx`, async () => {
    const pins = [DEMO.bishkek.pin, DEMO.osh.pin, DEMO.abroad.pin, DEMO.absent];
    const results = await flood(Array.from({ length: N }, (_, i) => `/api/v1/tizme/voters/${pins[i % pins.length]}`));
    const limited = check(results);
    assertError(limited[0], 429, 'too_many_requests');
    for (const r of limited) {
      assert.equal(r.json?.error?.code, 'too_many_requests');
      assert.equal(r.headers['cache-control'] ?? 'no-store', 'no-store', 'a 429 is not cacheable');
    }
    assert.ok(Number(limited[0].headers['retry-after']) >= 1, 'Retry-After');
    await sleep(1500);
  });

  test('the limit recovers: after a pause the lookup answers 200 again', async () => {
    await sleep(1500);
    const res = await request(`/api/v1/tizme/voters/${DEMO.bishkek.pin}`, { retry429: false });
    assert.equal(res.status, 200);
    assert.equal(res.json.voter.station.number, DEMO.bishkek.station);
  });

  test('the 429 carries the security headers and a request id', async () => {
    const results = await flood(Array.from({ length: N }, () => `/api/v1/tizme/voters/${DEMO.osh.pin}`));
    const limited = check(results);
    assertSecurityHeaders(limited[0], '429');
    await sleep(1500);
  });

  test('another spelling of the path does not escape the limit', async () => {
    const spellings = [
      `/api/v1/tizme/voters%2F${DEMO.osh.pin}`,
      `/api/v1/tizme/./voters/${DEMO.osh.pin}`,
      `/api/v1/tizme/x/../voters/${DEMO.osh.pin}`,
      `/api/v1/tizme/voters/${DEMO.osh.pin.slice(0, 7)}%3${DEMO.osh.pin[7]}${DEMO.osh.pin.slice(8)}`,
    ];
    for (const p of spellings) {
      const results = await flood(Array.from({ length: N }, () => p));
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.every((s) => s < 500), `${p}: never a 5xx`);
      assert.ok(statuses.includes(429) || !statuses.includes(200),
        `${p}: lookups that get through are limited too (${[...new Set(statuses)]})`);
      await sleep(1500);
    }
  });

  test('the other routes are not limited by the lookup limit', async () => {
    const results = await flood(Array.from({ length: 150 }, (_, i) => `/api/v1/stations/${1001 + (i % 3)}`));
    for (const r of results) assert.ok(r.status === 200 || r.status === 404, `status ${r.status}`);
    assert.ok(results.some((r) => r.status === 200));
    await sleep(1500);
  });
});
