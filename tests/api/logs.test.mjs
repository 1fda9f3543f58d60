// What the requests leave in the logs: one line per request with its id, no
// PIN in clear (personal data), and no line forged by a crafted path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, sleep, DEMO, VAR } from './lib.mjs';

const APP_LOG = `${VAR}/log/shailoo.log`;
const ACCESS_LOG = `${VAR}/log/nginx-access.log`;

// The lines of a log that mention text, waiting a little for them to be written.
async function linesWith(file, text, ms = 3000) {
  const end = Date.now() + ms;
  for (;;) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(text));
    if (lines.length > 0 || Date.now() > end) return lines;
    await sleep(100);
  }
}

describe('logs', () => {
  test('the application logs one line per request, with its id, method, path and status', async () => {
    // A path of its own: the public aggregates may come from nginx's microcache,
    // which the application never sees.
    const path = `/api/v1/no-such-thing-${Date.now().toString(36)}`;
    const res = await request(path);
    assert.equal(res.status, 404);
    const id = res.headers['x-request-id'];
    assert.ok(id);
    const lines = await linesWith(APP_LOG, ` ${id} `);
    assert.equal(lines.length, 1, `one line for request ${id}`);
    assert.ok(lines[0].includes(`GET ${path} 404 `), lines[0]);
  });

  test('the application log does not hold the PIN of a lookup', async () => {
    const res = await request(`/api/v1/tizme/voters/${DEMO.osh.pin}`);
    assert.equal(res.status, 200);
    const lines = await linesWith(APP_LOG, ` ${res.headers['x-request-id']} `);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].includes('/api/v1/tizme/voters/'), lines[0]);
    assert.ok(!lines[0].includes(DEMO.osh.pin), `PIN in clear: ${lines[0]}`);
    const all = readFileSync(APP_LOG, 'utf8');
    for (const pin of [DEMO.bishkek.pin, DEMO.osh.pin, DEMO.abroad.pin, DEMO.removed]) {
      assert.ok(!all.includes(pin), `the application log holds PIN ${pin}`);
    }
  });

  test('a PIN written with %-escapes is not logged in clear either', async () => {
    const escaped = [...DEMO.abroad.pin].map((c, i) => (i % 2 ? `%3${c}` : c)).join('');
    const res = await request(`/api/v1/tizme/voters/${escaped}`);
    assert.equal(res.status, 200, 'the escaped PIN is the same PIN');
    const lines = await linesWith(APP_LOG, ` ${res.headers['x-request-id']} `);
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes(DEMO.abroad.pin), lines[0]);
  });

  test('the nginx access log does not hold PINs in clear either', async () => {
    const res = await request(`/api/v1/tizme/voters/${DEMO.bishkek.pin}`);
    assert.equal(res.status, 200);
    await sleep(200);
    const all = readFileSync(ACCESS_LOG, 'utf8');
    assert.ok(all.includes('/api/v1/tizme/voters/'), 'the access log records lookups');
    assert.ok(!all.includes(DEMO.bishkek.pin), `the access log holds PIN ${DEMO.bishkek.pin}`);
  });

  test('a CR/LF in the path cannot forge a log line', async () => {
    // Letters only: the log masks runs of digits.
    const marker = `FORGED${Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
    const res = await request(`/api/v1/stations/1%0A${marker}%20ERROR%20x%0D%0A${marker}b`);
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    const id = res.headers['x-request-id'];
    const own = await linesWith(APP_LOG, ` ${id} `);
    assert.equal(own.length, 1, 'the request has its line');
    const lines = readFileSync(APP_LOG, 'utf8').split('\n');
    const forged = lines.filter((l) => l.startsWith(marker));
    assert.deepEqual(forged, [], 'no line begins with text chosen by the client');
  });
});
