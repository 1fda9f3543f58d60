// HTTP caching of the public answers: ETag, Cache-Control public and 304.
// nginx's microcache answers the aggregate routes for a second; these tests
// check behaviour only (whoever answers, the result must be right).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJson, rawRequest, assertSecurityHeaders } from './lib.mjs';

const PUBLIC = [
  '/api/v1/tizme/stats',
  '/api/v1/tizme/stats?region=3',
  '/api/v1/tizme/stats/dynamics',
  '/api/v1/tizme/stats/dynamics?region=10',
  '/api/v1/stations',
  '/api/v1/stations?q=1001',
  '/api/v1/stations?region=2&page=1',
  '/api/v1/stations/1001',
  '/api/v1/regions',
  '/api/v1/districts',
  '/api/v1/districts?region=1',
  '/api/v1/elections',
];

describe('public answers carry an ETag and Cache-Control public', () => {
  for (const path of PUBLIC) {
    test(path, async () => {
      const res = await request(path);
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.etag ?? '', /^(W\/)?"[^"]+"$/, 'ETag');
      const cc = res.headers['cache-control'] ?? '';
      assert.match(cc, /(^|,\s*)public(,|$)/, `Cache-Control "${cc}"`);
      const maxAge = Number(/max-age=(\d+)/.exec(cc)?.[1]);
      assert.ok(maxAge > 0, `max-age in "${cc}"`);
      assert.ok(!/no-store|private/.test(cc), `Cache-Control "${cc}"`);
    });
  }
});

describe('If-None-Match with the ETag: 304 with no body', () => {
  for (const path of PUBLIC) {
    test(path, async () => {
      // Other tests write while this one runs (a death from the civil registry changes the statistics):
      // a 200 whose ETag differs means the answer changed in between; ask again (three tries).
      let etag, again;
      for (let i = 0; i < 3; i += 1) {
        const first = await request(path);
        assert.equal(first.status, 200);
        etag = first.headers.etag;
        assert.ok(etag, 'ETag');
        again = await request(path, { headers: { 'If-None-Match': etag } });
        if (again.status !== 200 || again.headers.etag === etag) break;
      }
      assert.equal(again.status, 304, `${path} with If-None-Match ${etag}`);
      assert.equal(again.bytes, 0, '304 has no body');
      assert.equal(again.headers.etag, etag, 'the 304 repeats the ETag');
    });
  }

  test('the weak form and a list of tags match too', async () => {
    const path = '/api/v1/regions';
    const etag = (await request(path)).headers.etag;
    const bare = etag.replace(/^W\//, '');
    for (const inm of [`W/${bare}`, `"0000000000000000", ${etag}`, `${etag}, "ffffffffffffffff"`]) {
      const res = await request(path, { headers: { 'If-None-Match': inm } });
      assert.equal(res.status, 304, `If-None-Match: ${inm}`);
      assert.equal(res.bytes, 0);
    }
  });

  test('a different tag gets the full answer', async () => {
    for (const path of ['/api/v1/regions', '/api/v1/tizme/stats', '/api/v1/stations/1001']) {
      const res = await request(path, { headers: { 'If-None-Match': '"0123456789abcdef"' } });
      assert.equal(res.status, 200);
      assert.ok(res.json, 'a JSON body');
    }
  });

  test('the ETag is stable and follows the content', async () => {
    const a = await request('/api/v1/districts?region=1');
    const b = await request('/api/v1/districts?region=1');
    const c = await request('/api/v1/districts?region=2');
    assert.equal(a.headers.etag, b.headers.etag, 'same content, same ETag');
    assert.deepEqual(a.json, b.json);
    assert.notEqual(a.headers.etag, c.headers.etag, 'different content, different ETag');
  });

  test('on the wire: the 304 carries no body bytes', async () => {
    const etag = (await request('/api/v1/elections')).headers.etag;
    const r = await rawRequest('/api/v1/elections', 'GET', { 'If-None-Match': etag });
    assert.equal(r.status, 304);
    assert.equal(r.body.length, 0);
  });

  test('a 304 keeps the security headers', async () => {
    const etag = (await request('/api/v1/regions')).headers.etag;
    const res = await request('/api/v1/regions', { headers: { 'If-None-Match': etag } });
    assert.equal(res.status, 304);
    assertSecurityHeaders(res, '304');
  });

  test('gzip: a compressed answer still revalidates with its own ETag', async () => {
    const path = '/api/v1/stations';
    const first = await request(path, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(first.status, 200);
    const etag = first.headers.etag;
    assert.ok(etag);
    const again = await request(path, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.bytes, 0);
  });
});

describe('errors are never cacheable', () => {
  test('400 and 404 answers: no-store, no ETag', async () => {
    for (const path of ['/api/v1/stations?page=0', '/api/v1/stations/10999', '/api/v1/nope',
      '/api/v1/tizme/stats?region=11']) {
      const res = await request(path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.equal(res.headers['cache-control'], 'no-store', path);
      assert.equal(res.headers.etag, undefined, path);
    }
  });

  test('an error answer is not served to the next request from the microcache', async () => {
    const bad = await request('/api/v1/stations?page=0');
    assert.equal(bad.status, 400);
    // The same URL again is still the error (never a cached 200), and a good URL is a 200.
    assert.equal((await request('/api/v1/stations?page=0')).status, 400);
    const good = await getJson('/api/v1/stations?page=1');
    assert.equal(good.page, 1);
  });
});
