// Browser tests of the maps (issue 13): the regions coloured on the results
// map and on the statistics' map (npm's geodata, matched to our regions by
// ISO code), a station's boundary on Tizme's map and on its results page,
// the boundaries of a region's stations when zoomed in, the shapes'
// attribution, and no request leaving this machine (no tile server).
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/maps.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, useBrowser, api, withPage } from './lib.mjs';

const PAST = 202104; // completed, with every station's protocol (demo)
const STATION = 1001;

useBrowser();

/* Every request the page makes, to check none leaves 127.0.0.1. */
function watchRequests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  return () => {
    const away = urls.filter((u) => !/^(data:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
    assert.deepEqual(away, [], 'requests that leave this machine (a tile server?)');
    return urls;
  };
}

/* The shapes' attribution is shown in the map and its licence link answers. */
async function assertAttribution(page, mapSel) {
  const attr = page.locator(`${mapSel} .leaflet-control-attribution`);
  await attr.locator('a[href="/vendor/geodata/LICENSE"]').waitFor();
  assert.ok(await attr.isVisible(), 'the attribution is visible');
  assert.match(await attr.textContent(), /amCharts/);
  const res = await page.request.get(`${BASE}/vendor/geodata/LICENSE`);
  assert.equal(res.status(), 200, 'the LICENSE');
}

const fillOf = (page, sel) => page.locator(sel).first().getAttribute('fill');

test('the results map colours each region by its leading party', async (t) => {
  const regions = await api(`/api/v1/results/elections/${PAST}/regions`);
  const home = regions.items.filter((r) => r.area.kind === 'region');
  if (!home.some((r) => r.leader)) return t.skip(`election ${PAST} has no results here`);
  await withPage({}, async (page) => {
    const done = watchRequests(page);
    await page.goto(`${BASE}/results/?election=${PAST}`);
    await page.waitForSelector('#view[data-view="national"]');
    await page.locator('#regions path.region-shape').first().waitFor();
    assert.equal(await page.locator('#regions path.region-shape').count(), home.length, 'a shape for each region');
    const fills = new Map();
    for (const r of home) fills.set(r.area.area, (await fillOf(page, `#regions path.region-shape--${r.area.area}`)).toLowerCase());
    const legend = await page.$$eval('#regions .legend .swatch', (s) => s.map((x) => x.dataset.color.toLowerCase()));
    // same leader, same colour; another leader, another colour; every colour in the legend
    for (const a of home)
      for (const b of home) {
        if (a.area.area >= b.area.area) continue;
        const same = (a.leader && a.leader.party_id) === (b.leader && b.leader.party_id);
        assert.equal(fills.get(a.area.area) === fills.get(b.area.area), same, `regions ${a.area.area} and ${b.area.area}: leaders ${a.leader && a.leader.party_id}, ${b.leader && b.leader.party_id}; fills ${fills.get(a.area.area)}, ${fills.get(b.area.area)}`);
      }
    for (const [id, f] of fills) assert.ok(legend.includes(f), `region ${id}: its colour ${f} is in the legend ${legend}`);
    // the foreign enclaves are drawn, grey, not as regions
    assert.ok((await page.locator('#regions path.region-enclave').count()) > 0, 'the enclaves');
    await assertAttribution(page, '#regions');
    // no tile layer (none configured) and nothing said to be offline
    assert.equal(await page.locator('#regions .leaflet-tile').count(), 0);
    assert.equal(await page.locator('#regions .map-note').count(), 0);
    // a click on a region opens its page
    await page.locator(`#regions path.region-shape--${home[0].area.area}`).dispatchEvent('click');
    await page.waitForSelector('#view[data-view="region"]');
    assert.match(page.url(), new RegExp(`region=${home[0].area.area}`));
    // the region's page: its stations' boundaries under their markers
    const fc = await api(`/api/v1/maps/regions/${home[0].area.area}/stations.geojson?zoom=8`);
    const want = fc.features.filter((f) => f.geometry).length;
    await page.waitForFunction((n) => document.querySelectorAll('#stations path.station-area').length === n, want);
    done();
  });
});

test('a station\'s boundary on Tizme\'s map, and its region\'s stations when zoomed in', async () => {
  const station = (await api(`/api/v1/stations/${STATION}`)).station;
  assert.ok(station.boundary, `station ${STATION} has a boundary`);
  const region = station.region.id;
  await withPage({}, async (page) => {
    const done = watchRequests(page);
    await page.goto(`${BASE}/tizme/#stations`);
    await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
    await page.locator(`#station-list .station-item[data-number="${STATION}"]`).click();
    await page.locator('#station-detail .station-voters').waitFor();
    const boundary = page.locator('#stations-map path.station-boundary');
    await boundary.waitFor();
    const box = await boundary.boundingBox();
    assert.ok(box && box.width > 20 && box.height > 20, `the boundary is drawn: ${JSON.stringify(box)}`);
    // zoomed in on the station: every station of its region with a boundary and a centre
    const fc = await api(`/api/v1/maps/regions/${region}/stations.geojson?zoom=16`);
    await page.waitForFunction((r) => (document.getElementById('stations-map').dataset.areas || '').split(',').includes(String(r)), region);
    const areas = await page.evaluate(() => document.getElementById('stations-map').dataset.areas.split(',').map(Number));
    let want = 0;
    for (const r of areas) want += (await api(`/api/v1/maps/regions/${r}/stations.geojson?zoom=16`)).features.filter((f) => f.geometry).length;
    assert.equal(await page.locator('#stations-map path.station-area').count(), want, `the boundaries of regions ${areas}`);
    assert.ok((await page.locator('#stations-map path.station-centre').count()) >= fc.features.length - 20, 'the centres');
    // a click on another station's boundary shows that station
    const other = fc.features.find((f) => f.geometry && f.id !== STATION);
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${other.id}`));
    await page.locator(`#stations-map path.station-area[data-number="${other.id}"]`).dispatchEvent('click');
    await answer;
    await page.waitForFunction((n) => new RegExp(`${n}`).test(document.getElementById('station-detail').textContent), other.id);
    await assertAttribution(page, '#stations-map');
    done();
  });
});

test('a voter\'s check shows their station\'s boundary', async () => {
  const PIN = '21505199000011'; // on the list, station 1001 (tests/browser/tizme.test.mjs)
  await withPage({}, async (page) => {
    const done = watchRequests(page);
    await page.goto(`${BASE}/tizme/`);
    await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
    await page.fill('#pin', PIN);
    await page.click('#check-form button[type=submit]');
    const boundary = page.locator('#check-map path.station-boundary');
    await boundary.waitFor();
    const box = await boundary.boundingBox();
    assert.ok(box && box.width > 20 && box.height > 20, `the boundary is drawn: ${JSON.stringify(box)}`);
    await assertAttribution(page, '#check-map');
    done();
  });
});

test('a station\'s results page shows its boundary', async () => {
  await withPage({}, async (page) => {
    const done = watchRequests(page);
    await page.goto(`${BASE}/results/?election=${PAST}&station=${STATION}`);
    await page.waitForSelector('#view[data-view="station"]');
    const boundary = page.locator('#station-map path.station-boundary');
    await boundary.waitFor();
    const box = await boundary.boundingBox();
    assert.ok(box && box.width > 20 && box.height > 20, `the boundary is drawn: ${JSON.stringify(box)}`);
    await page.locator('#station-map .leaflet-marker-icon', { hasText: String(STATION) }).waitFor();
    await assertAttribution(page, '#station-map');
    done();
  });
});

test('the statistics\' map colours the regions by their voters', async () => {
  const stats = await api('/api/v1/tizme/stats');
  const home = stats.by_region.filter((r) => r.id >= 1 && r.id <= 9);
  await withPage({}, async (page) => {
    const done = watchRequests(page);
    await page.goto(`${BASE}/tizme/#stats`);
    await page.locator('#stats-map path.region-shape').first().waitFor();
    assert.equal(await page.locator('#stats-map path.region-shape').count(), home.length);
    const scale = await page.$$eval('#stats-map-legend .swatch', (s) => s.map((x) => x.dataset.color.toLowerCase()));
    assert.ok(scale.length >= 2, 'a legend of classes');
    const rank = new Map();
    for (const r of home) rank.set(r.id, scale.indexOf((await fillOf(page, `#stats-map path.region-shape--${r.id}`)).toLowerCase()));
    for (const [id, k] of rank) assert.ok(k >= 0, `region ${id}: its colour is in the legend`);
    // more voters, never a lighter class
    for (const a of home) for (const b of home) if (a.total > b.total) assert.ok(rank.get(a.id) >= rank.get(b.id), `regions ${a.id} (${a.total}) and ${b.id} (${b.total})`);
    const most = home.reduce((x, y) => (y.total > x.total ? y : x));
    const least = home.reduce((x, y) => (y.total < x.total ? y : x));
    assert.ok(rank.get(most.id) > rank.get(least.id), 'the most and the fewest voters differ in colour');
    await assertAttribution(page, '#stats-map');
    done();
  });
});
