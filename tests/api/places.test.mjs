// Geography: /api/v1/regions, /api/v1/districts[?region=],
// /api/v1/stations[?q=&region=&district=&page=], /api/v1/stations/{number}.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  request, getJson, assertError, assertKeys, assertStationMatchesDb, STATION_KEYS, psql, psqlInt,
  expectedStations, activeVoters,
} from './lib.mjs';

const PER_PAGE = 20;
const enc = encodeURIComponent;

describe('GET /api/v1/regions', () => {
  test('9 regions, matching the database, whose voters with abroad make the total', async () => {
    const r = await getJson('/api/v1/regions');
    assertKeys(r, ['items'], 'regions');
    assert.equal(r.items.length, 9);
    const db = psql(`SELECT r.id, r.code, r.iso_code, r.name_ru, r.name_ky, r.lat, r.lon,
        (SELECT count(*) FROM stations s WHERE s.region_id = r.id),
        (SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
          WHERE s.region_id = r.id AND v.status = 'active')
      FROM regions r ORDER BY r.id`);
    assert.deepEqual(r.items, db.map(([id, code, iso_code, name_ru, name_ky, lat, lon, stations, voters]) => ({
      id: Number(id), code, iso_code, name_ru, name_ky, lat: Number(lat), lon: Number(lon),
      stations: Number(stations), voters: Number(voters),
    })));
    const abroad = psqlInt(`SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
                             WHERE s.abroad AND v.status = 'active'`);
    assert.ok(abroad > 0, 'the demo has voters abroad');
    const total = (await getJson('/api/v1/tizme/stats')).total;
    assert.equal(r.items.reduce((a, x) => a + x.voters, 0) + abroad, total);
    assert.equal(total, activeVoters());
  });
});

describe('GET /api/v1/districts', () => {
  test('36 districts, numbered 1..36, matching the database', async () => {
    const d = await getJson('/api/v1/districts');
    assertKeys(d, ['items'], 'districts');
    assert.equal(d.items.length, 36);
    assert.deepEqual(d.items.map((x) => x.number), Array.from({ length: 36 }, (_, i) => i + 1));
    const db = psql(`SELECT d.number, d.region_id, d.name_ru, d.name_ky,
        (SELECT count(*) FROM stations s WHERE s.district_number = d.number),
        (SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
          WHERE s.district_number = d.number AND v.status = 'active')
      FROM districts d ORDER BY d.number`);
    assert.deepEqual(d.items, db.map(([number, region_id, name_ru, name_ky, stations, voters]) => ({
      number: Number(number), region_id: Number(region_id), name_ru, name_ky,
      stations: Number(stations), voters: Number(voters),
    })));
    const inCountry = psqlInt(`SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
                                WHERE NOT s.abroad AND v.status = 'active'`);
    assert.equal(d.items.reduce((a, x) => a + x.voters, 0), inCountry, 'districts cover the country');
  });

  test('?region= gives exactly that region\'s districts, and all regions together give 36', async () => {
    const seen = [];
    const regions = (await getJson('/api/v1/regions')).items;
    for (const r of regions) {
      const d = await getJson(`/api/v1/districts?region=${r.id}`);
      const expected = psql(`SELECT number FROM districts WHERE region_id = :'r' ORDER BY number`, { r: r.id })
        .map((x) => Number(x[0]));
      assert.ok(expected.length > 0, `region ${r.id} has districts`);
      assert.deepEqual(d.items.map((x) => x.number), expected, `region ${r.id}`);
      for (const x of d.items) assert.equal(x.region_id, r.id);
      assert.equal(d.items.reduce((a, x) => a + x.voters, 0), r.voters, `region ${r.id}: district voters add up`);
      seen.push(...expected);
    }
    assert.equal(new Set(seen).size, 36);
  });

  test('bad ?region= values: 400', async () => {
    for (const v of ['0', '10', '-1', 'x', '1.0', '99999999999999999999']) {
      assertError(await request(`/api/v1/districts?region=${v}`), 400, 'invalid_parameter', 'region');
    }
    assertError(await request('/api/v1/districts?region=1&region=2'), 400, 'repeated_parameter', 'region');
    assertError(await request('/api/v1/districts?district=1'), 400, 'unknown_parameter', 'district');
  });
});

describe('GET /api/v1/stations/{number}', () => {
  const sample = psql(`(SELECT number FROM stations WHERE NOT abroad ORDER BY md5(number::text) LIMIT 3)
                       UNION ALL (SELECT number FROM stations WHERE abroad ORDER BY number LIMIT 1)`)
    .map((r) => Number(r[0]));

  for (const n of new Set([1001, 2001, 10001, ...sample])) {
    test(`station ${n}: matches the database; voters == its active voters`, async () => {
      const res = await request(`/api/v1/stations/${n}`);
      assert.equal(res.status, 200, res.text);
      assertKeys(res.json, ['station'], 'answer');
      const { boundary, access, ...s } = res.json.station;
      assert.deepEqual(Object.keys(access).sort(), ['accessible', 'as_of', 'note', 'voters_needing_access'], 'access');
      assert.ok('boundary' in res.json.station, 'the detail has a boundary (possibly null)');
      assert.equal(s.number, n);
      assertStationMatchesDb(s, `station ${n}`);
      const dbBoundary = psql(`SELECT coalesce(station_area_geojson(s)::text, 'null') FROM stations s WHERE number = :'n'`, { n })[0][0];
      assert.deepEqual(boundary, JSON.parse(dbBoundary), 'boundary');
    });
  }

  test('leading zeros name the same station', async () => {
    const a = await getJson('/api/v1/stations/1001');
    const b = await request('/api/v1/stations/01001');
    assert.ok(b.status === 200 || b.status === 400, `status ${b.status}`);
    // (the accessibility's "as of" is the disability registry's last read, which may fall between the two)
    const asOf = (x) => ({ ...x, station: { ...x.station, access: { ...x.station.access, as_of: null } } });
    if (b.status === 200) assert.deepEqual(asOf(b.json), asOf(a));
    else assertError(b, 400);
  });

  test('a number with no station: 404 station_not_found', async () => {
    const missing = psqlInt(`SELECT min(n) FROM generate_series(1001, 10999) n
                              WHERE NOT EXISTS (SELECT 1 FROM stations WHERE number = n)`);
    assertError(await request(`/api/v1/stations/${missing}`), 404, 'station_not_found');
    assertError(await request('/api/v1/stations/10999'), 404, 'station_not_found');
  });

  test('a number outside the schema\'s range (1001..10999): 400 at the door, never a query', async () => {
    for (const v of ['1', '1000', '11000', '99999']) {
      assertError(await request(`/api/v1/stations/${v}`), 400, 'invalid_parameter', 'number');
    }
  });

  test('malformed numbers: 400 invalid_parameter', async () => {
    for (const v of ['0', '-1', '-1001', 'abc', '1001a', '10.01', '1e3', '0x3e9', '100000',
      '99999999999999999999', '999999999999999999', '%20', '1001%20', '%D9%A1%D9%A0%D9%A0%D9%A1',
      "1001'%20OR%20'1'='1"]) {
      assertError(await request(`/api/v1/stations/${v}`), 400, 'invalid_parameter', 'number');
    }
  });

  test('unknown query parameters: 400', async () => {
    assertError(await request('/api/v1/stations/1001?q=x'), 400, 'unknown_parameter', 'q');
  });
});

describe('GET /api/v1/stations (search)', () => {
  function checkPage(r, page) {
    assertKeys(r, ['items', 'page', 'per_page', 'total'], 'stations page');
    assert.equal(r.page, page);
    assert.equal(r.per_page, PER_PAGE);
    assert.ok(Array.isArray(r.items));
    assert.ok(r.items.length <= PER_PAGE);
    for (const s of r.items) assertKeys(s, STATION_KEYS, 'station item');
    const numbers = r.items.map((s) => s.number);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'ordered by number');
  }

  // Fetches every page of a search and compares with the independent count.
  async function checkSearch(query, { q, region, district } = {}) {
    const expected = expectedStations(q, { region, district });
    const got = [];
    for (let page = 1; ; page++) {
      const r = await getJson(`/api/v1/stations?${query}${query ? '&' : ''}page=${page}`);
      checkPage(r, page);
      assert.equal(r.total, expected.length, `${query}: total`);
      got.push(...r.items.map((s) => s.number));
      if (r.items.length < PER_PAGE || got.length >= r.total) break;
      assert.ok(page < 1000);
    }
    assert.deepEqual(got, expected, `${query}: the stations found`);
    return expected;
  }

  test('no filter: all stations, consistent with the database', async () => {
    const r = await getJson('/api/v1/stations');
    checkPage(r, 1);
    const all = psql('SELECT number FROM stations ORDER BY number').map((x) => Number(x[0]));
    assert.equal(r.total, all.length);
    assert.deepEqual(r.items.map((s) => s.number), all.slice(0, PER_PAGE));
    for (const s of r.items.slice(0, 5)) assertStationMatchesDb(s);
  });

  test('paging: page 2 differs from page 1, pages are consistent, beyond the end is empty', async () => {
    const p1 = await getJson('/api/v1/stations?page=1');
    const p2 = await getJson('/api/v1/stations?page=2');
    assert.ok(p1.total > PER_PAGE, 'the demo has more than one page of stations');
    checkPage(p2, 2);
    assert.equal(p2.total, p1.total);
    assert.equal(p1.items.length, PER_PAGE);
    assert.equal(p2.items.length, Math.min(PER_PAGE, p1.total - PER_PAGE));
    assert.ok(p2.items[0].number > p1.items.at(-1).number, 'page 2 follows page 1');
    const last = Math.ceil(p1.total / PER_PAGE);
    const pl = await getJson(`/api/v1/stations?page=${last}`);
    assert.equal(pl.items.length, p1.total - (last - 1) * PER_PAGE);
    const beyond = await getJson(`/api/v1/stations?page=${last + 1}`);
    checkPage(beyond, last + 1);
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, p1.total);
    const far = await getJson('/api/v1/stations?page=10000');
    assert.deepEqual(far.items, []);
    assert.equal(far.total, p1.total);
  });

  test('by number', async () => {
    const found = await checkSearch('q=1001', { q: '1001' });
    assert.ok(found.includes(1001));
    const r = await getJson('/api/v1/stations?q=10001');
    assert.ok(r.items.some((s) => s.number === 10001));
  });

  const [settlement, address, name] = psql(`SELECT settlement, address, name FROM stations
      WHERE NOT abroad ORDER BY md5(number::text) LIMIT 1`)[0];
  const words = (t) => t.split(/[\s,.;:()«»"№]+/u).filter((w) => [...w].length >= 3);
  const settlementWord = words(settlement).sort((a, b) => b.length - a.length)[0] ?? settlement;
  const streetWord = words(address).filter((w) => !settlement.includes(w)).sort((a, b) => b.length - a.length)[0]
    ?? words(address)[0];

  test(`by a settlement word (${settlementWord})`, async () => {
    const found = await checkSearch(`q=${enc(settlementWord)}`, { q: settlementWord });
    assert.ok(found.length > 0);
  });

  test('case does not matter', async () => {
    const up = await getJson(`/api/v1/stations?q=${enc(settlementWord.toUpperCase())}`);
    const low = await getJson(`/api/v1/stations?q=${enc(settlementWord.toLowerCase())}`);
    assert.ok(low.total > 0);
    assert.equal(up.total, low.total);
    assert.deepEqual(up.items, low.items);
  });

  test(`by a street word (${streetWord})`, async () => {
    const found = await checkSearch(`q=${enc(streetWord)}`, { q: streetWord });
    assert.ok(found.length > 0);
  });

  test(`several words: settlement and street (${settlementWord} ${streetWord})`, async () => {
    const q = `${settlementWord} ${streetWord}`;
    const found = await checkSearch(`q=${enc(q).replace(/%20/g, '+')}`, { q });
    assert.ok(found.length > 0);
    const one = expectedStations(settlementWord);
    assert.ok(found.length <= one.length, 'more words narrow the search');
    for (const n of found) assert.ok(one.includes(n));
    // The same with extra spaces around and between the words.
    const r = await getJson(`/api/v1/stations?q=${enc(`  ${settlementWord}   ${streetWord}  `)}`);
    assert.equal(r.total, found.length);
  });

  test(`by a word of the station's name (${words(name)[0]})`, async () => {
    const w = words(name)[0] ?? name;
    const found = await checkSearch(`q=${enc(w)}`, { q: w });
    assert.ok(found.length > 0);
  });

  test('stations abroad are found by country', async () => {
    const country = psql('SELECT country FROM stations WHERE abroad ORDER BY number LIMIT 1')[0][0];
    const found = await checkSearch(`q=${enc(country)}`, { q: country });
    assert.ok(found.length > 0);
  });

  test('a word found nowhere: no items, total 0', async () => {
    const r = await getJson('/api/v1/stations?q=zzqxjzzqxj');
    assert.deepEqual(r.items, []);
    assert.equal(r.total, 0);
  });

  test('?region= filter', async () => {
    for (const region of [1, 2, 7]) {
      const found = await checkSearch(`region=${region}`, { region });
      assert.ok(found.length > 0, `region ${region} has stations`);
      const r = await getJson(`/api/v1/stations?region=${region}`);
      for (const s of r.items) assert.equal(s.region.id, region);
    }
  });

  test('?district= filter, alone and with region and q', async () => {
    const [district, region] = psql(`SELECT number, region_id FROM districts ORDER BY number DESC LIMIT 1`)[0].map(Number);
    const found = await checkSearch(`district=${district}`, { district });
    assert.ok(found.length > 0);
    const r = await getJson(`/api/v1/stations?district=${district}`);
    for (const s of r.items) assert.equal(s.district, district);
    await checkSearch(`region=${region}&district=${district}`, { region, district });
    const other = region === 1 ? 2 : 1;
    const none = await getJson(`/api/v1/stations?region=${other}&district=${district}`);
    assert.equal(none.total, 0, 'a district outside the region: nothing');
    assert.deepEqual(none.items, []);
    await checkSearch(`q=${enc(settlementWord)}&region=1`, { q: settlementWord, region: 1 });
  });

  test('q of exactly 100 characters (Cyrillic, 200 bytes) is accepted', async () => {
    const q = 'ж'.repeat(100);
    const r = await getJson(`/api/v1/stations?q=${enc(q)}`);
    assert.equal(r.total, 0);
  });

  test('an empty q is the same as none', async () => {
    const a = await getJson('/api/v1/stations?q=');
    const b = await getJson('/api/v1/stations');
    assert.equal(a.total, b.total);
    const c = await getJson('/api/v1/stations?q=+++');
    assert.equal(c.total, b.total, 'a q of spaces only matches everything');
  });
});

describe('stations: bad parameters get 400 (JSON)', () => {
  const cases = [
    ['region=0', 'invalid_parameter', 'region'], ['region=10', 'invalid_parameter', 'region'],
    ['region=-1', 'invalid_parameter', 'region'], ['region=a', 'invalid_parameter', 'region'],
    ['district=0', 'invalid_parameter', 'district'], ['district=37', 'invalid_parameter', 'district'],
    ['district=1.5', 'invalid_parameter', 'district'],
    ['page=0', 'invalid_parameter', 'page'], ['page=-1', 'invalid_parameter', 'page'],
    ['page=10001', 'invalid_parameter', 'page'], ['page=abc', 'invalid_parameter', 'page'],
    ['page=99999999999999999999', 'invalid_parameter', 'page'],
    ['page=999999999999999999', 'invalid_parameter', 'page'],
    ['page=9223372036854775807', 'invalid_parameter', 'page'],
    ['page=1e2', 'invalid_parameter', 'page'], ['page=%D9%A2', 'invalid_parameter', 'page'],
    ['q=' + 'a'.repeat(101), 'invalid_parameter', 'q'],
    ['q=' + enc('ж'.repeat(101)), 'invalid_parameter', 'q'],
    ['q=a%01b', 'invalid_parameter', 'q'], ['q=a%09b', 'invalid_parameter', 'q'],
    ['q=a%0Ab', 'invalid_parameter', 'q'], ['q=a%0Db', 'invalid_parameter', 'q'],
    ['q=a%1Fb', 'invalid_parameter', 'q'], ['q=a%7Fb', 'invalid_parameter', 'q'],
    ['q=a&q=b', 'repeated_parameter', 'q'], ['page=1&page=2', 'repeated_parameter', 'page'],
    ['Q=a', 'unknown_parameter', 'Q'], ['per_page=100', 'unknown_parameter', 'per_page'],
    ['limit=1000000', 'unknown_parameter', 'limit'],
  ];
  for (const [qs, code, field] of cases) {
    test(qs.length > 60 ? `${qs.slice(0, 40)}... (${qs.length} chars)` : qs, async () => {
      assertError(await request(`/api/v1/stations?${qs}`), 400, code, field);
    });
  }
});
