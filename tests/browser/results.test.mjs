// Browser tests of the results site (/results/): Debian's Chromium driven by
// playwright-core against a running Shailoo.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/results.test.mjs
// The figures on the pages are compared with the API's answers fetched at the
// same moment. The completed 2021 election (sql/demo/results_2021.sql) gives
// a full national picture; the live update is played on a test election of
// this file's own (id 990900, a copy of the demo ballot of 202701, dropped
// before and after), with an ASU device registered here for a station abroad
// and reports signed here (compact JWS, ES256), so the demo's election night
// and the other tests are never disturbed.
// Every page fails the test on an uncaught error or a console error, except
// map tiles (no internet here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, SHOTS, sleep, digits, useBrowser, api, withPage, noSideScroll } from './lib.mjs';
import { psql } from '../api/lib.mjs';
import { dropElection, setupElection } from '../api/asu_lib.mjs';


const PAST = 202104; // completed, with every station's protocol (demo)
const LIVE = 990900; // this file's test election
const R = (e) => `/api/v1/results/elections/${e}`;

/* 34.6 -> "34,60" as the pages write percentages. */
const pct = (x) => Number(x).toFixed(2).replace('.', ',');

useBrowser();

after(() => dropElection(LIVE));



/* Waits until the view of kind is drawn (its figures loaded). */
async function viewReady(page, kind) {
  await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
  await page.waitForSelector(`#view[data-view="${kind}"]`);
}

async function open(page, query, kind) {
  await page.goto(`${BASE}/results/${query}`);
  await viewReady(page, kind);
}


const text = async (page, sel) => (await page.locator(sel).first().textContent()).trim();
const charted = (page, sel) => page.evaluate((s) => Boolean(window.Chart && window.Chart.getChart(document.querySelector(s))), sel);

/* The past election has results here (the demo loads them), or the test says why it stops. */
async function pastSummary(t) {
  const s = await api(`${R(PAST)}/summary`);
  if (!s.list || !s.list.stations || !s.list.stations.reported) {
    t.skip(`election ${PAST} has no results on this instance (sql/demo/results_2021.sql not loaded)`);
    return null;
  }
  return s;
}

// ---- the test election: a copy of the demo ballot, a device, signed reports ----

/* A device for station (a fresh P-256 key), registered as the CEC would. */
function registerDevice(election, station) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const id = `9${election}${String(station).padStart(13, '0')}`.slice(0, 20);
  psql(`INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)
        VALUES (:'d', :'e'::integer, :'s'::integer, :'k', 'results browser test')`, {
    d: id,
    e: election,
    s: station,
    k: publicKey.export({ type: 'spki', format: 'pem' }).trim(),
  });
  return { id, key: privateKey };
}

const b64u = (x) => Buffer.from(x).toString('base64url');

/* Signs payload as the device (compact JWS, ES256) and posts it; the JWS and the answer. */
async function sendReport(device, payload) {
  const head = b64u(JSON.stringify({ alg: 'ES256', kid: device.id }));
  const body = b64u(JSON.stringify(payload));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), { key: device.key, dsaEncoding: 'ieee-p1363' });
  const jws = `${head}.${body}.${b64u(sig)}`;
  const res = await fetch(`${BASE}/api/v1/asu/reports`, { method: 'POST', headers: { 'Content-Type': 'application/jose' }, body: jws });
  const answer = await res.json();
  assert.equal(res.status, 201, `report ${payload.kind}: ${res.status} ${JSON.stringify(answer)}`);
  return { jws, answer };
}

/* A final count of a station abroad (the list contest only) that keeps the control relations. */
function finalOf(device, election, station, voters, lengths, seq) {
  const issued = Math.max(lengths.length + 10, Math.floor(voters * 0.4));
  const invalid = 3;
  const against = 4;
  const valid = issued - invalid;
  const votes = lengths.map(() => 0);
  let left = valid - against;
  for (let i = 0; left > 0; i = (i + 1) % votes.length) {
    const n = Math.min(left, i + 1);
    votes[i] += n;
    left -= n;
  }
  return {
    kind: 'final',
    device_id: device.id,
    election_id: election,
    station,
    seq,
    time: '2027-01-24T20:10:00+06:00',
    contests: [
      {
        kind: 'list',
        voters,
        received: voters,
        issued,
        cancelled: voters - issued,
        in_boxes: issued,
        invalid,
        valid,
        votes,
        against_all: against,
        preferences: lengths.map((n, i) => Array.from({ length: n }, (_, k) => (k === 0 ? Math.floor(votes[i] / 2) : 0))),
      },
    ],
  };
}

// ---- tests ----

test('the elections list shows the CEC elections with date, name, type, voters and turnout', async () => {
  const list = (await api('/api/v1/elections')).items.filter((e) => e.id < 990000); // other tests add their own
  assert.ok(list.length >= 2, 'the demo has elections');
  await withPage({}, async (page) => {
    await open(page, `?election=${PAST}`, 'national');
    for (const e of list) {
      const row = page.locator(`#elections-table tr[data-election="${e.id}"]`);
      assert.equal(await row.count(), 1, `election ${e.id} listed`);
      const cells = await row.locator('th, td').allTextContents();
      assert.equal(cells[0].trim(), e.date.split('-').reverse().join('.'));
      assert.equal(cells[1].trim(), e.name_ru);
      if (e.voters != null) assert.equal(digits(cells[4]), String(e.voters));
      if (e.turnout != null) assert.equal(cells[5].trim(), `${pct(e.turnout)}\u00a0%`);
    }
    // the chosen one is marked, the others are links to their results
    assert.equal(await page.getAttribute(`#elections-table tr[data-election="${PAST}"] [aria-current="page"]`, 'aria-current'), 'page');
    const other = list.find((e) => e.id !== PAST);
    await page.click(`#elections-table tr[data-election="${other.id}"] a`);
    await page.waitForFunction((id) => document.getElementById('view').dataset.election === String(id), other.id);
    assert.equal(new URL(page.url()).searchParams.get('election'), String(other.id));
    assert.equal(await text(page, '#view h1'), other.name_ru);
  });
  // without an election in the address, one is chosen and named in the address
  await withPage({}, async (page) => {
    await page.goto(`${BASE}/results/`);
    await viewReady(page, 'national');
    const chosen = Number(new URL(page.url()).searchParams.get('election'));
    const all = (await api('/api/v1/elections')).items;
    const e = all.find((x) => x.id === chosen);
    assert.ok(e, `the chosen election ${chosen} is on the list`);
    assert.equal(await text(page, '#view h1'), e.name_ru);
  });
});

test('the national picture of a completed election shows the API figures', async (t) => {
  const s = await pastSummary(t);
  if (!s) return;
  const [regions, seats] = await Promise.all([api(`${R(PAST)}/regions`), api(`${R(PAST)}/seats`)]);
  await withPage({}, async (page) => {
    await open(page, `?election=${PAST}`, 'national');
    assert.equal(await text(page, '#view h1'), s.election.name_ru);
    assert.equal(digits(await text(page, '#kpi-reported .reported-count')), String(s.list.stations.reported));
    assert.equal(digits(await text(page, '#kpi-reported .reported-total')), String(s.list.stations.total));
    assert.match(await text(page, '.kpi--turnout .kpi__value'), new RegExp(`^${pct(s.list.turnout)}`));
    assert.equal(digits(await text(page, '.kpi--boxes .kpi__value')), String(s.list.in_boxes));
    // every party's votes and share; against all in the footer
    for (const e of s.list.entries) {
      const row = page.locator(`#parties tr[data-party="${e.party_id}"]`);
      assert.equal(digits(await row.locator('.votes').textContent()), String(e.votes), `${e.short_name}: votes`);
      assert.match(await row.textContent(), new RegExp(`${pct(e.percent)}\u00a0%`), `${e.short_name}: share`);
      assert.equal(await row.locator('.badge--pass').count(), e.percent >= 5 ? 1 : 0, `${e.short_name}: the 5% mark`);
    }
    assert.equal(digits(await page.locator('#parties tfoot .votes').textContent()), String(s.list.against_all.votes));
    // the bars with the 5% line, drawn by Chart.js
    assert.ok(await charted(page, '#parties canvas'), 'the party chart is drawn');
    const line = await page.evaluate(() => window.Chart.getChart(document.querySelector('#parties canvas')).data.datasets[1].data);
    assert.ok(line.length > 0 && line.every((v) => v === 5), 'the threshold line is at 5%');
    // regions: a row each (9 and abroad) and a shape on the map for each region (tests/browser/maps.test.mjs checks their colours)
    assert.equal(await page.locator('#regions tbody tr').count(), regions.items.length);
    for (const r of regions.items) {
      const row = page.locator(`#regions tr[data-region="${r.area.area}"]`);
      assert.match(digits(await row.textContent()), new RegExp(`${r.stations.reported}/${r.stations.total}`));
    }
    await page.locator('#regions path.region-shape').first().waitFor();
    assert.equal(await page.locator('#regions path.region-shape').count(), regions.items.filter((r) => r.area.kind === 'region').length);
    // turnout through the day: the country's series
    assert.equal(await page.locator('#turnout tbody tr').count(), s.turnout.length);
    assert.match(await page.locator('#turnout tbody tr').last().textContent(), new RegExp(pct(s.turnout[s.turnout.length - 1].percent)));
    assert.ok(await charted(page, '#turnout canvas'), 'the turnout chart is drawn');
    // seats: the list seats of each party that has any, and the total of 90
    for (const p of seats.list.parties.filter((x) => x.seats > 0)) {
      const row = page.locator(`#seats tbody tr[data-key="p${p.id}"]`);
      assert.equal(digits(await row.locator('td').first().textContent()), String(p.seats), `party ${p.id}: list seats`);
    }
    assert.equal(digits(await page.locator('#seats tfoot td').last().textContent()), String(seats.list.seats + seats.districts.length));
    assert.ok(await charted(page, '#seats canvas'), 'the hemicycle is drawn');
    // districts: one row each, with the seat tool's outcome
    assert.equal(await page.locator('#districts tbody tr').count(), s.districts.length);
    // open data to check it all
    for (const p of ['export/list.csv', 'export/districts.csv', 'export/stations.json', 'log?after=0&limit=100']) {
      assert.equal(await page.locator(`#open-data a[href="${R(PAST)}/${p}"]`).count(), 1, `link to ${p}`);
    }
    assert.match(await text(page, '#live'), /завершены/);
  });
});

test('drilling down: a region, a district, a station, and back, without reloading', async (t) => {
  const s = await pastSummary(t);
  if (!s) return;
  await withPage({}, async (page) => {
    await open(page, `?election=${PAST}`, 'national');
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    // a region from the table
    const region = (await api(`${R(PAST)}/regions/4`)).region;
    await page.click('#regions tr[data-region="4"] a');
    await viewReady(page, 'region');
    assert.equal(new URL(page.url()).search, `?election=${PAST}&region=4`);
    assert.equal(await text(page, '#view h1'), region.area.name_ru);
    assert.equal(digits(await text(page, '#kpi-reported .reported-count')), String(region.stations.reported));
    assert.match(await text(page, '#crumbs'), new RegExp(s.election.name_ru.slice(0, 20)));
    // a district of the region
    const districtRow = page.locator('#districts tbody tr').first();
    const n = Number(await districtRow.getAttribute('data-district'));
    const district = await api(`${R(PAST)}/districts/${n}`);
    await districtRow.locator('a').click();
    await viewReady(page, 'district');
    assert.equal(await text(page, '#view h1'), `Одномандатный округ №${n}`);
    assert.equal(await page.locator('#candidates tbody tr').count(), district.contest.entries.length);
    for (const c of district.contest.entries) {
      const row = page.locator(`#candidates tr[data-candidate="${c.candidate_id}"]`);
      assert.equal(digits(await row.locator('.votes').textContent()), String(c.votes), `${c.name}: votes`);
    }
    assert.ok(await page.locator('#district-outcome').isVisible(), 'the outcome of the district');
    // a station of the district: every protocol line of each contest
    const number = district.stations[0].number;
    const station = await api(`${R(PAST)}/stations/${number}`);
    await page.click(`#stations tr[data-station="${number}"] a`);
    await viewReady(page, 'station');
    assert.equal(await text(page, '#view h1'), `Участок №${number}`);
    for (const c of station.contests) {
      const sec = page.locator(c.kind === 'list' ? '#protocol-list' : '#protocol-district');
      for (const line of ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid']) {
        assert.equal(digits(await sec.locator(`tr[data-line="${line}"] .votes`).textContent()), String(c[line]), `${c.kind} ${line}`);
      }
      for (const e of c.entries) {
        assert.equal(digits(await sec.locator(`tr[data-position="${e.ballot_position}"] .votes`).textContent()), String(e.votes));
      }
      assert.equal(digits(await sec.locator('tr[data-line="against_all"] .votes').textContent()), String(c.against_all.votes));
      assert.equal(await sec.locator('.check--ok').count(), 4, `${c.kind}: the control relations hold`);
    }
    assert.equal(await page.locator('#turnout tbody tr').count(), station.turnout.length);
    assert.equal(await text(page, '#crumbs li:last-child'), `Участок №${number}`);
    // Back returns to the district, then the crumbs lead to the election
    await page.goBack();
    await viewReady(page, 'district');
    assert.equal(await text(page, '#view h1'), `Одномандатный округ №${n}`);
    await page.click('#crumbs li:first-child a');
    await viewReady(page, 'national');
    assert.equal(await text(page, '#view h1'), s.election.name_ru);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload on the way');
  });
});

test('switching to Kyrgyz (and English) translates the results and keeps the figures', async (t) => {
  const s = await pastSummary(t);
  if (!s) return;
  await withPage({}, async (page) => {
    await open(page, `?election=${PAST}`, 'national');
    assert.equal(await text(page, '#parties h2'), 'Голосование по партийным спискам');
    await page.click('button[data-lang="ky"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ky');
    assert.equal(await text(page, '#parties h2'), 'Партиялык тизмелер боюнча добуш берүү');
    assert.equal(await text(page, '#view h1'), s.election.name_ky);
    assert.equal(await text(page, '.site-nav a[href="/results/"]'), 'Шайлоонун жыйынтыктары');
    assert.match(await page.title(), /Шайлоонун жыйынтыктары$/);
    assert.equal(await text(page, '#regions thead th'), 'Аймак');
    assert.equal(digits(await text(page, '#kpi-reported .reported-count')), String(s.list.stations.reported));
    // remembered on the next view
    await page.click('#regions tr[data-region="1"] a');
    await viewReady(page, 'region');
    assert.equal(await text(page, '#view h1'), 'Бишкек шаары');
    assert.equal(await text(page, '#stations h2'), 'Шайлоо участоктору');
    await page.click('button[data-lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await text(page, '#stations h2'), 'Polling stations');
    await page.click('button[data-lang="ru"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ru');
    assert.equal(await text(page, '#stations h2'), 'Избирательные участки');
  });
});

test('live: a signed report that arrives while the page is open is shown without reloading', async () => {
  setupElection(LIVE);
  const [[number, voters]] = psql(`SELECT number, voters FROM stations WHERE abroad ORDER BY number LIMIT 1`).map((r) => r.map(Number));
  const device = registerDevice(LIVE, number);
  const lengths = (await api(`${R(LIVE)}/export/stations.json`)).contests.find((c) => c.kind === 'list').list_lengths;
  await withPage({}, async (page) => {
    await open(page, `?election=${LIVE}`, 'national');
    const before = await api(`${R(LIVE)}/summary`);
    assert.equal(digits(await text(page, '#kpi-reported .reported-count')), String(before.list.stations.reported));
    await page.waitForSelector('#live[data-state="live"]');
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    const report = finalOf(device, LIVE, number, voters, lengths, 1);
    await sendReport(device, report);
    // the page follows by itself: the stations reported and a party's votes
    await page.waitForFunction((want) => document.querySelector('#kpi-reported .reported-count').textContent.replace(/\s/g, '') === want, String(before.list.stations.reported + 1), { timeout: 15000 });
    const after = await api(`${R(LIVE)}/summary`);
    const top = after.list.entries.find((e) => e.votes > 0);
    await page.waitForFunction(
      ([id, want]) => {
        const row = document.querySelector(`#parties tr[data-party="${id}"] .votes`);
        return row && row.textContent.replace(/\s/g, '') === want;
      },
      [top.party_id, String(top.votes)],
    );
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');

    // the station's page: a new signed report appears with its SHA-256 and log position
    await open(page, `?election=${LIVE}&station=${number}`, 'station');
    await page.waitForSelector('#live[data-state="live"]');
    assert.equal(await page.locator('#reports tbody tr').count(), 1);
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    const turnout = { kind: 'turnout', device_id: device.id, election_id: LIVE, station: number, seq: 2, time: '2027-01-24T18:00:30+06:00', voters, voted: report.contests[0].issued - 5, hour: 18 };
    const { jws, answer } = await sendReport(device, turnout);
    const sha = crypto.createHash('sha256').update(jws).digest('hex');
    const row = page.locator(`#reports tr[data-log-seq="${answer.log.seq}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.equal(await text(page, `#reports tr[data-log-seq="${answer.log.seq}"] code.hash`), sha);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  });
});

test('the pages fit a 375 px phone screen and a desktop (screenshots)', async (t) => {
  const s = await pastSummary(t);
  if (!s) return;
  const station = (await api(`${R(PAST)}/regions/1`)).stations[0].number;
  for (const [name, width, height] of [
    ['phone', 375, 812],
    ['desktop', 1280, 900],
  ]) {
    await withPage({ width, height }, async (page) => {
      for (const [what, query, kind] of [
        ['national', `?election=${PAST}`, 'national'],
        ['region', `?election=${PAST}&region=1`, 'region'],
        ['district', `?election=${PAST}&district=1`, 'district'],
        ['station', `?election=${PAST}&station=${station}`, 'station'],
      ]) {
        await open(page, query, kind);
        await sleep(300); // the charts take their size
        await noSideScroll(page, `${name} ${what}`);
        await page.screenshot({ path: path.join(SHOTS, `results-${what}-${name}.png`), fullPage: true });
      }
    });
  }
});
