// Every API answer carries the security headers and a request id, whoever
// produced it: the application (200, 304, 4xx) or nginx itself (413, 429).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertSecurityHeaders, assertError, DEMO } from './lib.mjs';

const OK = [
  `/api/v1/tizme/voters/${DEMO.bishkek.pin}`,
  '/api/v1/tizme/stats',
  '/api/v1/tizme/stats?region=1',
  '/api/v1/tizme/stats/dynamics',
  '/api/v1/stations?q=1001',
  '/api/v1/stations/1001',
  '/api/v1/regions',
  '/api/v1/districts?region=2',
  '/api/v1/elections',
];

describe('security headers and X-Request-Id', () => {
  for (const path of OK) {
    test(`200 ${path}`, async () => {
      const res = await request(path);
      assert.equal(res.status, 200);
      assertSecurityHeaders(res, path);
      assert.ok(!/\d/.test(res.headers.server ?? ''), `no server version: "${res.headers.server}"`);
    });
  }

  const errors = [
    ['400 bad parameter', '/api/v1/stations?page=0', {}],
    ['400 bad PIN', '/api/v1/tizme/voters/123', {}],
    ['400 broken path', '/api/v1/stations/%ff', {}],
    ['404 unknown route', '/api/v1/nope', {}],
    ['404 not on the list', `/api/v1/tizme/voters/${DEMO.absent}`, {}],
    ['404 no station', '/api/v1/stations/10999', {}],
    ['405 method', '/api/v1/regions', { method: 'DELETE' }],
    ['414 long path', `/api/v1/${'a'.repeat(1100)}`, {}],
  ];
  for (const [label, path, opts] of errors) {
    test(label, async () => {
      const res = await request(path, opts);
      assertError(res, (s) => s >= 400 && s < 500);
      assertSecurityHeaders(res, label);
    });
  }

  test('413 from nginx (body over 1 MiB) carries them too', async () => {
    const res = await request('/api/v1/regions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(1024 * 1024 + 10, 0x20),
    });
    assertError(res, 413, 'body_too_large');
    assertSecurityHeaders(res, '413');
  });

  test('every answer has its own request id', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) ids.add((await request(`/api/v1/tizme/voters/${DEMO.osh.pin}`)).headers['x-request-id']);
    for (let i = 0; i < 5; i++) ids.add((await request('/api/v1/nope')).headers['x-request-id']);
    for (let i = 0; i < 5; i++) ids.add((await request('/api/v1/stations?page=0')).headers['x-request-id']);
    assert.ok(![...ids].includes(undefined));
    assert.equal(ids.size, 15);
  });

  test('an answer from the microcache does not repeat the request id of another request', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await request('/api/v1/elections')).headers['x-request-id']);
    assert.ok(!ids.includes(undefined));
    assert.equal(new Set(ids).size, ids.length, `request ids: ${ids.join(' ')}`);
  });

  test('JSON answers say so with charset utf-8 and are not sniffed', async () => {
    const res = await request('/api/v1/regions');
    assert.match(res.headers['content-type'], /^application\/json;\s*charset=utf-8$/i);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.headers['content-security-policy'], /default-src 'none'/);
  });
});
