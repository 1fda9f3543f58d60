// nginx's own refusals, before any request reaches the application, in the
// API's error format (JSON, the security headers), never nginx's HTML page:
// a malformed request line, oversized headers or cookies, TRACE, an
// over-long request line, an unknown transfer coding, an HTTP version nginx
// does not speak (nginx/shailoo.conf.in, error_page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange, parseRaw, HOST, PORT } from './lib.mjs';

async function raw(text) {
  return parseRaw(await rawExchange(text));
}

function assertJsonError(r, status, code, what) {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, `${what}: JSON, not HTML`);
  const body = JSON.parse(r.body.toString('utf8'));
  assert.equal(body.error.code, code, what);
  assert.equal(typeof body.error.message, 'string', what);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: the security headers`);
  assert.doesNotMatch(r.body.toString('utf8'), /<html|nginx/i, `${what}: nothing of nginx's own page`);
}

const host = `Host: ${HOST}:${PORT}\r\n`;

test('a malformed request line: 400 JSON', async () => {
  assertJsonError(await raw('GET /api/v1/regions HTTP/1.1 x\r\n\r\n'), 400, 'bad_request', 'malformed');
});

test('oversized headers and cookies: 400 JSON (nginx 494)', async () => {
  const big = 'a'.repeat(9000);
  assertJsonError(await raw(`GET /api/v1/regions HTTP/1.1\r\n${host}X-Big: ${big}\r\nConnection: close\r\n\r\n`),
    400, 'bad_request', 'a header over 8 KiB');
  assertJsonError(await raw(`GET /api/v1/regions HTTP/1.1\r\n${host}Cookie: shailoo_session=${big}\r\nConnection: close\r\n\r\n`),
    400, 'bad_request', 'a cookie over 8 KiB');
});

test('TRACE: 405 JSON', async () => {
  for (const path of ['/api/v1/regions', '/', '/index.html']) {
    assertJsonError(await raw(`TRACE ${path} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`),
      405, 'method_not_allowed', `TRACE ${path}`);
  }
});

test('a request line over the header buffers: 414 JSON', async () => {
  const r = await raw(`GET /api/v1/stations?q=${'x'.repeat(10000)} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
  assertJsonError(r, 414, 'uri_too_long', 'a 10 kB request line');
});

test('an unknown transfer coding: 501 JSON', async () => {
  const r = await raw(`POST /api/v1/asu/reports HTTP/1.1\r\n${host}Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n`);
  assertJsonError(r, 501, 'not_implemented', 'Transfer-Encoding: gzip');
});

test('an HTTP version nginx does not speak: 505 JSON', async () => {
  const r = await raw(`GET /api/v1/regions HTTP/2.0\r\n${host}Connection: close\r\n\r\n`);
  assertJsonError(r, 505, 'http_version_not_supported', 'HTTP/2.0 on an HTTP/1.1 port');
});
