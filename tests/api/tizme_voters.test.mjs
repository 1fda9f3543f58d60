// Tizme: "am I on the list, and where do I vote?"  GET /api/v1/tizme/voters/{pin}
// The answer shows initials, status and station, never anything that
// identifies the person further.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, request, getJson, assertError, assertKeys, assertSecurityHeaders, assertStationMatchesDb,
  psql,
} from './lib.mjs';

const V = '/api/v1/tizme/voters/';

function voterRow(pin) {
  const rows = psql(`SELECT last_name, first_name, coalesce(patronymic, ''), birth_date,
      to_char(birth_date, 'DD.MM.YYYY'), address, station_number, status
    FROM voters WHERE pin = :'pin'`, { pin });
  assert.equal(rows.length, 1, `voter ${pin} is in the database`);
  const [last, first, patronymic, birth, birthDots, address, station, status] = rows[0];
  return { last, first, patronymic, birth, birthDots, address, station: Number(station), status };
}

function initialsOf(r) {
  return [r.last, r.first, r.patronymic].filter((x) => x !== '').map((x) => `${[...x][0]}.`).join(' ');
}

describe('voter lookup: the fixed demo voters', () => {
  for (const [label, { pin, station }] of Object.entries({
    bishkek: DEMO.bishkek, osh: DEMO.osh, abroad: DEMO.abroad,
  })) {
    test(`${label} voter ${pin} is found at station ${station}`, async () => {
      const res = await request(V + pin);
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'], /^application\/json/);
      assertKeys(res.json, ['voter'], 'answer');
      const v = res.json.voter;
      assertKeys(v, ['initials', 'status', 'station'], 'voter');
      assert.equal(v.status, 'active');
      assert.equal(v.station.number, station);
      const row = voterRow(pin);
      assert.equal(row.station, station, 'the database agrees on the station');
      assert.equal(v.initials, initialsOf(row));
      assertStationMatchesDb(v.station, 'voter.station');
      if (label === 'abroad') {
        assert.equal(v.station.abroad, true);
        assert.equal(v.station.region, null);
        assert.equal(v.station.district, null);
        assert.equal(typeof v.station.country, 'string');
      } else {
        assert.equal(v.station.abroad, false);
        assert.equal(v.station.region.id, Math.floor(station / 1000));
      }
    });
  }

  test('the station in the answer is the station of /api/v1/stations/{number}', async () => {
    const res = await request(V + DEMO.osh.pin);
    assert.equal(res.status, 200);
    const detail = await getJson(`/api/v1/stations/${DEMO.osh.station}`);
    // The detail adds the station's area and its accessibility to what the lookup shows.
    const { boundary, access, ...station } = detail.station;
    assert.ok('boundary' in detail.station && 'access' in detail.station);
    assert.deepEqual(res.json.voter.station, station);
  });

  test('a removed voter is not on the list: 404 not_on_list', async () => {
    assert.equal(voterRow(DEMO.removed).status, 'removed', 'the demo has this voter as removed');
    const res = await request(V + DEMO.removed);
    assertError(res, 404, 'not_on_list');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('a PIN that is not on the list: 404 not_on_list', async () => {
    assert.equal(psql(`SELECT 1 FROM voters WHERE pin = :'p'`, { p: DEMO.absent }).length, 0);
    const res = await request(V + DEMO.absent);
    assertError(res, 404, 'not_on_list');
  });

  test('a random well-formed PIN of a voter in the database is found at their station', async () => {
    const [pin, station] = psql(`SELECT pin, station_number FROM voters WHERE status = 'active'
                                  ORDER BY md5(pin) LIMIT 1`)[0];
    const res = await request(V + pin);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.voter.station.number, Number(station));
    assert.equal(res.json.voter.initials, initialsOf(voterRow(pin)));
  });
});

describe('voter lookup: privacy', () => {
  const pins = [DEMO.bishkek.pin, DEMO.osh.pin, DEMO.abroad.pin];
  const sampled = psql(`SELECT pin FROM voters WHERE status = 'active' AND patronymic IS NOT NULL
                         ORDER BY md5(pin || 'privacy') LIMIT 3`).map((r) => r[0]);

  for (const pin of [...pins, ...sampled]) {
    test(`the answer for ${pin} has no full name, birth date, home address or PIN`, async () => {
      const res = await request(V + pin);
      assert.equal(res.status, 200, res.text);
      const row = voterRow(pin);
      // The whole body: no PIN, no birth date in any common spelling, no full name.
      assert.ok(!res.text.includes(pin), 'the PIN is not echoed');
      assert.ok(!res.text.includes(row.birth), 'no ISO birth date');
      assert.ok(!res.text.includes(row.birthDots), 'no DD.MM.YYYY birth date');
      assert.ok(!res.text.includes(`${row.last} ${row.first}`), 'no full name');
      assert.ok(!res.text.includes(`${row.first} ${row.last}`), 'no full name');
      // (A short address such as a city abroad may be part of the public station's text.)
      if (!JSON.stringify(res.json.voter.station).includes(row.address)) {
        assert.ok(!res.text.includes(row.address), 'no home address');
      }
      // The voter's own fields (outside the public station object): no name parts at all.
      const { station, ...own } = res.json.voter;
      const ownText = JSON.stringify(own);
      for (const part of [row.last, row.first, row.patronymic].filter((p) => [...p].length > 1)) {
        assert.ok(!ownText.includes(part), `the voter's fields do not contain "${part}"`);
      }
      assertKeys(res.json.voter, ['initials', 'status', 'station'], 'voter');
      // The station object is the public station, nothing personal hidden in it.
      assertStationMatchesDb(station, 'voter.station');
    });
  }

  test('personal answers are not cacheable: Cache-Control no-store, no ETag', async () => {
    for (const pin of [DEMO.bishkek.pin, DEMO.removed, DEMO.absent]) {
      const res = await request(V + pin);
      assert.equal(res.headers['cache-control'], 'no-store', `${pin}: Cache-Control`);
      assert.equal(res.headers.etag, undefined, `${pin}: ETag`);
      assert.equal(res.headers['x-cache'], undefined, `${pin}: not from the microcache`);
      assertSecurityHeaders(res, pin);
    }
  });

  test('a conditional request does not turn a personal answer into 304', async () => {
    const res = await request(V + DEMO.bishkek.pin, { headers: { 'If-None-Match': '*' } });
    assert.equal(res.status, 200);
    assert.equal(res.json.voter.station.number, DEMO.bishkek.station);
  });

  test('the 404 for a removed voter does not reveal that the person exists', async () => {
    const removed = await request(V + DEMO.removed);
    const absent = await request(V + DEMO.absent);
    assert.equal(removed.status, absent.status);
    assert.deepEqual(removed.json, absent.json);
  });
});

describe('voter lookup: malformed PINs get 400 invalid_pin (JSON), never 5xx', () => {
  const cases = {
    '13 digits': '2150519900001',
    '15 digits': '215051990000111',
    'letters': '2150519900001a',
    'all letters': 'abcdefghijklmn',
    'a space inside': '2150519900%2001',
    'leading space': '%2021505199000011',
    'trailing space': '21505199000011%20',
    'plus sign': '+21505199000011',
    'minus sign': '-2150519900001',
    'Arabic-Indic digits': '%D9%A2%D9%A1%D9%A5%D9%A0%D9%A5%D9%A1%D9%A9%D9%A9%D9%A0%D9%A0%D9%A0%D9%A0%D9%A1%D9%A1',
    'fullwidth digits': '%EF%BC%92%EF%BC%91%EF%BC%95%EF%BC%90%EF%BC%95%EF%BC%91%EF%BC%99%EF%BC%99%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%91%EF%BC%91',
    'SQL injection': "1'%20OR%20'1'='1",
    'SQL injection 2': '21505199000011%27%3B%20DROP%20TABLE%20voters%3B--',
    'a tab': '2150519900001%09',
    'a dot': '2150519900001.',
    'long': '1'.repeat(200),
    'exponent': '2.150519900001e13',
  };
  for (const [label, pin] of Object.entries(cases)) {
    test(label, async () => {
      const res = await request(V + pin);
      assertError(res, 400, 'invalid_pin', 'pin');
      assert.equal(res.headers['cache-control'], 'no-store');
      assertSecurityHeaders(res, label);
    });
  }

  test('a NUL byte (%00) in the PIN: 400 in the JSON error format', async () => {
    const res = await request(`${V}2150519900001%00`);
    assertError(res, 400);
  });

  test('broken UTF-8 in the PIN: 400 JSON', async () => {
    for (const pin of ['%ff%ff', '%c0%af', '%ed%a0%80', '2150519900001%80']) {
      const res = await request(V + pin);
      assertError(res, 400);
    }
  });

  test('a malformed %-escape in the PIN: 400 in the JSON error format', async () => {
    for (const pin of ['2150519900001%', '2150519900001%zz', '215051990000%1']) {
      const res = await request(V + pin);
      assertError(res, 400);
    }
  });

  test('unknown query parameters on the lookup are refused (400 unknown_parameter)', async () => {
    const res = await request(`${V}${DEMO.bishkek.pin}?foo=1`);
    assertError(res, 400, 'unknown_parameter', 'foo');
  });

  test('a path below the PIN is not a route: 404 JSON', async () => {
    const res = await request(`${V}${DEMO.bishkek.pin}/history`);
    assertError(res, 404, 'not_found');
  });

  test('no PIN at all: 404 JSON', async () => {
    assertError(await request(V), 404, 'not_found');
  });

  test('the collection without a slash: 404 JSON, not a redirect', async () => {
    assertError(await request('/api/v1/tizme/voters'), 404, 'not_found');
  });
});
