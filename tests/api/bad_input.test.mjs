// Every kind of bad input gets a 4xx with the JSON error body, never a 5xx
// and never data it should not: the same checks on every route.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  request, getJson, assertError, assertJsonType, assertSecurityHeaders, rawRequest,
  psqlInt, psql, expectedStations, DEMO,
} from './lib.mjs';

// One URL per GET route (the lookup with a PIN that exists).
const ROUTES = {
  voter: `/api/v1/tizme/voters/${DEMO.bishkek.pin}`,
  stats: '/api/v1/tizme/stats',
  dynamics: '/api/v1/tizme/stats/dynamics',
  stations: '/api/v1/stations',
  station: '/api/v1/stations/1001',
  regions: '/api/v1/regions',
  districts: '/api/v1/districts',
  elections: '/api/v1/elections',
};

describe('on every route', () => {
  for (const [name, path] of Object.entries(ROUTES)) {
    describe(name, () => {
      test('GET: 200 JSON', async () => {
        const res = await request(path);
        assert.equal(res.status, 200, res.text);
        assertJsonType(res, path);
        assert.ok(res.json);
      });

      test('an unknown query parameter: 400 unknown_parameter', async () => {
        assertError(await request(`${path}?unknown=1`), 400, 'unknown_parameter', 'unknown');
      });

      test('a parameter without a value or name: 400', async () => {
        assertError(await request(`${path}?flag`), 400, 'unknown_parameter', 'flag');
        assertError(await request(`${path}?=1`), 400, 'unknown_parameter');
      });

      test('more than 32 parameters: 400', async () => {
        const qs = Array.from({ length: 33 }, (_, i) => `p${i}=1`).join('&');
        assertError(await request(`${path}?${qs}`), 400);
        const many = Array.from({ length: 200 }, () => 'region=1').join('&');
        assertError(await request(`${path}?${many}`), 400);
      });

      test('a query string over 2048 bytes: 400', async () => {
        assertError(await request(`${path}?q=${'a'.repeat(2100)}`), 400);
        assertError(await request(`${path}?x=${'%41'.repeat(1000)}`), 400);
      });

      test('broken UTF-8 in the query: 400', async () => {
        for (const bad of ['%ff', '%c0%af', '%ed%a0%80', '%e2%82', '%f8%88%80%80%80', '%80']) {
          assertError(await request(`${path}?q=${bad}`), 400);
          assertError(await request(`${path}?${bad}=1`), 400);
        }
      });

      test('malformed %-escapes and NUL in the query: 400', async () => {
        for (const bad of ['%', '%4', '%zz', '%00', 'a%00b']) {
          assertError(await request(`${path}?q=${bad}`), 400);
        }
      });

      test('POST, PUT, DELETE, PATCH: 405 with an Allow header', async () => {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          const res = await request(path, {
            method, headers: { 'Content-Type': 'application/json' }, body: '{}',
          });
          assertError(res, 405, 'method_not_allowed');
          const allow = (res.headers.allow ?? '').split(/\s*,\s*/);
          assert.ok(allow.includes('GET'), `${method}: Allow "${res.headers.allow}"`);
          assert.ok(!allow.includes(method), `${method}: not allowed, not in Allow`);
          assertSecurityHeaders(res, `${method} ${path}`);
        }
      });

      test('HEAD: the headers of GET and no body', async () => {
        const get = await request(path);
        const head = await request(path, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.bytes, 0);
        assertJsonType(head, `HEAD ${path}`);
        assert.equal(head.headers['cache-control'], get.headers['cache-control']);
        assert.equal(head.headers.etag, get.headers.etag);
        assertSecurityHeaders(head, `HEAD ${path}`);
        // On the wire: nothing after the header block.
        const raw = await rawRequest(path, 'HEAD');
        assert.equal(raw.status, 200);
        assert.equal(raw.body.length, 0, 'no body bytes after the headers');
      });

      test('a path over 1024 bytes: 4xx JSON', async () => {
        assertError(await request(`${path}/${'a'.repeat(1100)}`), (s) => s === 414 || s === 404 || s === 400);
        assertError(await request(`${path}${'%41'.repeat(400)}`), (s) => s === 414 || s === 404 || s === 400);
      });

      test('OPTIONS and unknown methods: 4xx, never 5xx', async () => {
        for (const method of ['OPTIONS', 'TRACE', 'FOO']) {
          const res = await request(path, { method });
          assert.ok(res.status >= 400 && res.status < 500, `${method}: ${res.status}`);
          assert.ok(!res.text.includes('ffffffff'), 'no echo');
        }
        const options = await request(path, { method: 'OPTIONS' });
        assertError(options, 405);
      });
    });
  }
});

describe('unknown routes: 404 in the JSON format', () => {
  for (const path of ['/api/v1/nope', '/api/v1', '/api/v1/', '/api/', '/api/v2/regions',
    '/api/v1/regions/', '/api/v1/regions/1', '/api/v1/stations/', '/api/v1/stations/1001/voters',
    '/api/v1/tizme', '/api/v1/tizme/stats/', '/api/v1/tizme/stats/dynamics/x', '/api/v1/elections/1/ballots',
    '/api/v1//regions', '/api/v1/REGIONS', '/api/v1/regions.json', '/api/v1/regions%2f']) {
    test(path, async () => {
      const res = await request(path);
      assertError(res, 404, 'not_found');
      assertSecurityHeaders(res, path);
    });
  }

  test('an unknown route with any method is 404, not 405', async () => {
    assertError(await request('/api/v1/nope', { method: 'POST', body: '{}' }), 404, 'not_found');
    assertError(await request('/api/v1/nope', { method: 'DELETE' }), 404, 'not_found');
  });
});

describe('the request body', () => {
  test('a POST body over 1 MiB: 413 in the JSON format', async () => {
    for (const path of ['/api/v1/regions', `/api/v1/tizme/voters/${DEMO.bishkek.pin}`, '/api/v1/nope']) {
      const res = await request(path, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: Buffer.alloc(1024 * 1024 + 1, 0x61), retry429: true,
      });
      assertError(res, 413, 'body_too_large');
    }
  });

  test('a body of exactly 1 MiB is read and the method refused: 405', async () => {
    const res = await request('/api/v1/regions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(1024 * 1024, 0x61),
    });
    assertError(res, 405, 'method_not_allowed');
  });

  test('a GET with a body is answered as a GET', async () => {
    const res = await request('/api/v1/regions', { method: 'GET', body: '{"x":1}' });
    assert.equal(res.status, 200);
    assert.equal(res.json.items.length, 9);
  });
});

describe('path traversal', () => {
  for (const path of ['/api/v1/../../etc/passwd', '/api/v1/%2e%2e/%2e%2e/etc/passwd',
    '/api/v1/stations/..%2f..%2f..%2fetc%2fpasswd', '/api/v1/stations/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/api/v1/tizme/voters/..%2f..%2f..%2f..%2fetc%2fpasswd', '/api/../../../../etc/shadow',
    '/api/v1/..%5c..%5cetc%5cpasswd', '/api/v1/stations/....//....//etc/passwd',
    '/api/v1/../../cgi/api/tizme.c', '/api/v1/../../var/log/shailoo.log']) {
    test(path, async () => {
      const res = await request(path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.ok(!/root:.*:0:0:/.test(res.text), 'not /etc/passwd');
      assert.ok(!res.text.includes('#include'), 'no source code');
      assert.ok(!res.text.includes('GET /api'), 'no log');
    });
  }

  test('traversal that stays under /api/ is answered in the JSON format', async () => {
    for (const path of ['/api/v1/stations/..%2f..%2fregions', '/api/v1/tizme/voters/..%2fstats',
      '/api/v1/stations/%2e%2e']) {
      const res = await request(path);
      assertError(res, (s) => s === 400 || s === 404);
    }
  });
});

describe('SQL injection and LIKE wildcards are taken literally', () => {
  let votersBefore;
  let stationsBefore;
  before(() => {
    votersBefore = psqlInt('SELECT count(*) FROM voters');
    stationsBefore = psqlInt('SELECT count(*) FROM stations');
  });

  const allStations = () => psqlInt('SELECT count(*) FROM stations');
  const attempts = ["' OR 1=1 --", "'; DROP TABLE voters; --", '"; DROP TABLE voters; --',
    "1001' OR '1'='1", "x') OR ('1'='1", "' UNION SELECT pin, last_name FROM voters --",
    "'; UPDATE stations SET voters = 0; --", '\\', "\\'", "''", '$1', '$$', ':q', "E'\\x27'"];
  for (const q of attempts) {
    test(`q=${q}`, async () => {
      const r = await getJson(`/api/v1/stations?q=${encodeURIComponent(q)}`);
      const expected = expectedStations(q);
      assert.equal(r.total, expected.length, 'the same as a literal substring search');
      assert.ok(r.total < allStations(), 'does not match everything');
      assert.ok(!r.items.some((s) => 'pin' in s || 'last_name' in s));
    });
  }

  for (const [label, q] of [['%', '%'], ['_', '_'], ['%%', '%%'], ['__', '__'], ['%_%', '%_%'],
    ['1%', '1%'], ['_001', '_001'], ['a%b', 'a%b'], ['\\%', '\\%'], ['[a-z]', '[a-z]'], ['.*', '.*']]) {
    test(`the wildcard q=${label} is literal`, async () => {
      const r = await getJson(`/api/v1/stations?q=${encodeURIComponent(q)}`);
      const expected = expectedStations(q);
      assert.equal(r.total, expected.length, `q=${q}: total`);
      assert.deepEqual(r.items.map((s) => s.number), expected.slice(0, 20));
      assert.ok(r.total < allStations(), `q=${q} does not match every station`);
    });
  }

  test('injection in numbers and the PIN is refused with 400', async () => {
    for (const path of ["/api/v1/stations?region=1%20OR%201=1", "/api/v1/stations?page=1;DROP%20TABLE%20voters",
      "/api/v1/districts?region=1'--", "/api/v1/stations/1001%20OR%201=1", "/api/v1/tizme/stats?region=(1)",
      "/api/v1/tizme/voters/'%20OR%20''='"]) {
      assertError(await request(path), 400);
    }
  });

  after(() => {
    assert.equal(psql(`SELECT to_regclass('voters') IS NOT NULL`)[0][0], 't', 'the voters table exists');
    assert.equal(psqlInt('SELECT count(*) FROM voters'), votersBefore, 'no voter was lost or added');
    assert.equal(psqlInt('SELECT count(*) FROM stations'), stationsBefore, 'no station was lost or added');
  });

  test('after the attempts the voters table is intact and still answers', async () => {
    assert.equal(psqlInt('SELECT count(*) FROM voters'), votersBefore);
    assert.equal(psqlInt(`SELECT count(*) FROM stations WHERE voters > 0`) > 0, true);
    const res = await request(`/api/v1/tizme/voters/${DEMO.bishkek.pin}`);
    assert.equal(res.status, 200);
  });
});

describe('control characters and odd bytes', () => {
  for (const c of ['%01', '%08', '%09', '%0A', '%0D', '%1B', '%1F', '%7F']) {
    test(`q with ${c}: 400 invalid_parameter`, async () => {
      assertError(await request(`/api/v1/stations?q=ab${c}cd`), 400, 'invalid_parameter', 'q');
    });
  }

  test('a CR LF in the path does not split the response (no header injection)', async () => {
    const res = await request('/api/v1/stations/1001%0D%0AX-Injected:%201');
    assertError(res, 400);
    assert.equal(res.headers['x-injected'], undefined);
  });

  test('control characters in the path: 4xx JSON', async () => {
    for (const path of ['/api/v1/stations/%01', '/api/v1/reg%7Fions', '/api/v1/tizme/voters/%1B']) {
      const res = await request(path);
      assertError(res, (s) => s === 400 || s === 404);
    }
  });

  test('a NUL (%00) in the path: 400 in the JSON format', async () => {
    for (const path of ['/api/v1/regions%00', '/api/v1/stations/1001%00', `/api/v1/tizme/voters/${DEMO.bishkek.pin}%00`]) {
      const res = await request(path);
      assertError(res, 400);
    }
  });

  test('broken UTF-8 in the path: 400 JSON', async () => {
    for (const path of ['/api/v1/stations/%ff', '/api/v1/stations/%c0%af', '/api/v1/stations/%ed%a0%80',
      '/api/v1/regions%c3']) {
      assertError(await request(path), 400, 'invalid_path');
    }
  });

  test('a long unknown parameter of two-byte letters: the message cuts it at a whole letter, valid UTF-8 JSON', async () => {
    // "a" and 40 x "Ж" (2 bytes each): the message keeps at most 64 bytes, which ends inside a letter.
    const name = `a${'Ж'.repeat(40)}`;
    for (const path of ['/api/v1/regions', '/api/v1/stations']) {
      const res = await rawRequest(`${path}?${encodeURIComponent(name)}=1`);
      assert.equal(res.status, 400);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);   // throws on broken UTF-8
      const e = JSON.parse(text).error;
      assert.equal(e.code, 'unknown_parameter');
      assert.equal(e.message, `unknown query parameter "a${'Ж'.repeat(31)}"`);
      assert.equal(e.field, name, 'the field names it whole');
    }
  });

  test('a request id sent by the client is not trusted', async () => {
    const res = await request('/api/v1/regions', { headers: { 'X-Request-Id': 'client-chosen-id' } });
    assert.equal(res.status, 200);
    assert.match(res.headers['x-request-id'] ?? '', /^[\w.-]{1,64}$/);
    assert.notEqual(res.headers['x-request-id'], 'client-chosen-id');
  });
});

describe('a hostile mix does not bring the server down', () => {
  test('200 bad requests in parallel: all 4xx, then the server still answers', async () => {
    const paths = [];
    for (let i = 0; i < 200; i++) {
      const pick = [
        `/api/v1/stations?q=${'%ff'.repeat(i % 7 + 1)}`,
        `/api/v1/stations?page=${'9'.repeat(i % 25 + 5)}0`,
        `/api/v1/tizme/stats?region=${-i - 1}`,
        `/api/v1/stations/${'x'.repeat(i + 1)}`,
        `/api/v1/districts?${'a=1&'.repeat(i % 40 + 1)}`,
        `/api/v1/${'z'.repeat(i * 7)}`,
      ];
      paths.push(pick[i % pick.length]);
    }
    const results = await Promise.all(paths.map((p) => request(p)));
    results.forEach((res, i) => {
      assert.ok(res.status >= 400 && res.status < 500, `${paths[i].slice(0, 80)}: ${res.status}`);
      assertJsonType(res, paths[i].slice(0, 80));
    });
    const ok = await getJson('/api/v1/regions');
    assert.equal(ok.items.length, 9);
  });
});
