// Maps (issue 13): a region's station boundaries as GeoJSON at three levels
// of detail (GET /api/v1/maps/regions/{id}/stations.geojson?zoom=Z), the
// published files nginx serves for them, and the region shapes' GeoJSON and
// licence under /vendor/geodata/ (npm's @amcharts/amcharts4-geodata).
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/api/maps.test.mjs
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql } from './lib.mjs';

/* A GET's answer with its JSON body (whatever its status). */
const get = async (path, opts) => {
  const res = await request(path, opts);
  return { ...res, body: res.json };
};

const P = (region, zoom) => `/api/v1/maps/regions/${region}/stations.geojson?zoom=${zoom}`;
const LEVELS = [5, 10, 15]; // one zoom of each level: 0..8, 9..11, 12..20

/* The region with the most domestic stations that have an area. */
function biggestRegion() {
  const rows = psql(`SELECT region_id, count(*) FROM stations WHERE NOT abroad AND area IS NOT NULL
                      GROUP BY region_id ORDER BY 2 DESC, 1 LIMIT 1`);
  assert.equal(rows.length, 1, 'the demo has station areas (sql/demo/addresses.sql)');
  return Number(rows[0][0]);
}

function vertices(geometry) {
  if (!geometry) return 0;
  const count = (c) => (typeof c[0] === 'number' ? 1 : c.reduce((n, x) => n + count(x), 0));
  return count(geometry.coordinates);
}

function assertFeatureCollection(fc, region, what) {
  assert.equal(fc.type, 'FeatureCollection', what);
  assert.ok(Array.isArray(fc.features), `${what}: features`);
  assert.equal(fc.region.id, region, `${what}: region`);
  assert.match(fc.region.iso_code, /^KG-[A-Z]{1,2}$/, `${what}: iso_code`);
  for (const f of fc.features) {
    assert.equal(f.type, 'Feature', what);
    assert.equal(f.id, f.properties.number, `${what}: feature id`);
    assert.ok(f.geometry === null || ['Polygon', 'MultiPolygon'].includes(f.geometry.type), `${what}: station ${f.id} geometry ${f.geometry && f.geometry.type}`);
    for (const k of ['number', 'name', 'address', 'settlement', 'district', 'voters', 'lat', 'lon']) assert.ok(k in f.properties, `${what}: station ${f.id} has ${k}`);
    if (f.geometry) {
      for (const ring of f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()) {
        assert.ok(ring.length >= 4, `${what}: station ${f.id}: a ring of ${ring.length} points`);
        assert.deepEqual(ring[0], ring[ring.length - 1], `${what}: station ${f.id}: a closed ring`);
        for (const [lon, lat] of ring) assert.ok(lon > 69 && lon < 81 && lat > 39 && lat < 44, `${what}: station ${f.id}: (${lon}, ${lat}) in the country`);
      }
    }
  }
}

describe('a region\'s station boundaries', () => {
  test('every domestic station of the region, at every level, fewer vertices at lower zoom', async () => {
    const region = biggestRegion();
    const want = psql('SELECT number FROM stations WHERE region_id = :region AND NOT abroad ORDER BY number', { region }).map((r) => Number(r[0]));
    const withArea = psql('SELECT number FROM stations WHERE region_id = :region AND area IS NOT NULL ORDER BY number', { region }).map((r) => Number(r[0]));
    const counts = [];
    const sizes = [];
    for (const zoom of LEVELS) {
      const res = await get(P(region, zoom));
      assert.equal(res.status, 200, res.text);
      const fc = res.body;
      assertFeatureCollection(fc, region, `zoom ${zoom}`);
      assert.deepEqual(fc.features.map((f) => f.properties.number), want, `zoom ${zoom}: every domestic station, in order`);
      assert.deepEqual(fc.features.filter((f) => f.geometry).map((f) => f.id), withArea, `zoom ${zoom}: a boundary for every station with an area`);
      counts.push(fc.features.reduce((n, f) => n + vertices(f.geometry), 0));
      sizes.push(res.text.length);
    }
    assert.ok(counts[0] < counts[1] && counts[1] < counts[2], `vertices by level: ${counts.join(' < ')}`);
    assert.ok(sizes[0] < sizes[1] && sizes[1] < sizes[2], `bytes by level: ${sizes.join(' < ')}`);
  });

  test('one answer for every zoom of a level (nginx serves the level\'s file for each)', async () => {
    const region = biggestRegion();
    for (const [a, b] of [[0, 8], [9, 11], [12, 20]]) {
      const x = await request(P(region, a));
      const y = await request(P(region, b));
      assert.equal(x.status, 200);
      assert.equal(x.text, y.text, `zoom ${a} and ${b}: the same level`);
      const direct = await request(P(region, b), { headers: { 'X-Shailoo-Direct': '1' } });
      assert.equal(direct.status, 200, direct.text);
      assert.deepEqual(JSON.parse(direct.text).features.map((f) => f.id), JSON.parse(y.text).features.map((f) => f.id), `zoom ${b}: the file and the application agree`);
    }
  });

  test('cache headers: public, an ETag, 304 for it', async () => {
    const region = biggestRegion();
    for (const zoom of LEVELS) {
      const res = await request(P(region, zoom));
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.match(res.headers['cache-control'] ?? '', /(^|,\s*)public(,|$)/);
      assert.ok(Number(/max-age=(\d+)/.exec(res.headers['cache-control'])?.[1]) >= 60, res.headers['cache-control']);
      assert.match(res.headers.etag ?? '', /^(W\/)?"[^"]+"$/);
      const again = await request(P(region, zoom), { headers: { 'If-None-Match': res.headers.etag } });
      assert.equal(again.status, 304, `zoom ${zoom}: If-None-Match`);
    }
  });

  test('a region we do not have: 404; a bad or missing zoom: 400', async () => {
    assertError(await get(P(99, 5)), 404, 'region_not_found');
    assertError(await get(P(10, 5)), 404, 'region_not_found'); // abroad has no region (nor areas)
    assertError(await get(P(3, 21)), 400, 'invalid_parameter', 'zoom');
    assertError(await get(P(3, -1)), 400, 'invalid_parameter', 'zoom');
    assertError(await get(P(3, 'x')), 400, 'invalid_parameter', 'zoom');
    assertError(await get('/api/v1/maps/regions/3/stations.geojson'), 400, 'missing_parameter', 'zoom');
    assertError(await get(`${P(3, 5)}&level=2`), 400, 'unknown_parameter');
    assertError(await get(P(0, 5)), 400, 'invalid_parameter', 'region');
  });

  test('a station\'s new area reaches the published file', async () => {
    const region = biggestRegion();
    const [n] = psql('SELECT min(number) FROM stations WHERE region_id = :region AND area IS NOT NULL', { region })[0].map(Number);
    const before = (await get(P(region, 15))).body.features.find((f) => f.id === n).properties.name;
    try {
      psql("UPDATE stations SET name = name || ' (maps test)' WHERE number = :n", { n });
      let name = before;
      for (let i = 0; i < 50 && name === before; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const res = await get(P(region, 15));
        name = res.body.features.find((f) => f.id === n).properties.name;
      }
      assert.equal(name, `${before} (maps test)`, 'the file was written again within 10 s');
    } finally {
      psql("UPDATE stations SET name = :'name' WHERE number = :n", { n, name: before });
    }
  });
});

describe('the region shapes (npm\'s geodata) and their licence', () => {
  test('GeoJSON with the nine regions\' ISO codes, the regions\' answer naming them', async () => {
    const res = await get('/vendor/geodata/kyrgyzstanHigh.json');
    assert.equal(res.status, 200);
    assert.match(res.headers['cache-control'] ?? '', /public/);
    const ids = new Set(res.body.features.filter((f) => f.properties.CNTRY === 'Kyrgyzstan').map((f) => f.properties.id));
    const regions = (await get('/api/v1/regions')).body.items;
    assert.equal(regions.length, 9);
    for (const r of regions) assert.ok(ids.has(r.iso_code), `region ${r.id}: ${r.iso_code} is a shape`);
  });

  test('the LICENSE answers 200 as text', async () => {
    const res = await request('/vendor/geodata/LICENSE');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain/);
    assert.match(res.text, /amCharts/);
  });

  test('the maps\' settings: no tile layer unless configured', async () => {
    const res = await get('/config/maps.json');
    assert.equal(res.status, 200);
    assert.ok('tile_url' in res.body);
    if (!process.env.TILE_URL) assert.equal(res.body.tile_url, null, 'no tile server by default');
    const page = await request('/tizme/');
    const csp = page.headers['content-security-policy'] ?? '';
    const img = /img-src ([^;]*)/.exec(csp)?.[1] ?? '';
    if (!res.body.tile_url) assert.equal(img.trim(), "'self' data:", `img-src with no tile server: ${img}`);
  });
});
