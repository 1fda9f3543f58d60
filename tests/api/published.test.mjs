// Publish, don't serve (cgi/core/publish.c, cgi/api/published.c): after a
// night of its own, every published answer is a file nginx serves, with the
// very bytes the application answers when asked directly
// (X-Shailoo-Direct: 1); the files follow new reports and a dropped
// election; anything not published reaches the application and its checks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, psql, sleep, assertError, assertSecurityHeaders } from './lib.mjs';
import {
  setupElection, dropElection, ballot, allStations, registerDevice, signAs, postReport, openingPayload,
  turnoutPayload, finalPayload, stationContests, logHead,
} from './asu_lib.mjs';

const E = 990795;   // this file's election (tests/api/asu_lib.mjs: ids from 990700)
const R = `/api/v1/results/elections/${E}`;
const DIRECT = { 'X-Shailoo-Direct': '1' };

let stations;
const devs = new Map();

// Every URL the publisher writes for an election (cgi/api/published.c).
function publishedPaths() {
  const paths = ['summary', 'regions', 'turnout', 'seats', 'seats/input',
    'export/list.csv', 'export/districts.csv', 'export/stations.json'];
  for (let r = 1; r <= 10; r++) paths.push(`regions/${r}`);
  for (let d = 1; d <= 36; d++) paths.push(`districts/${d}`);
  for (const s of stations) paths.push(`stations/${s.number}`);
  return paths.map((p) => `${R}/${p}`);
}

const STATS = ['/api/v1/tizme/stats', '/api/v1/tizme/stats/dynamics',
  ...Array.from({ length: 10 }, (_, r) => `/api/v1/tizme/stats?region=${r + 1}`),
  ...Array.from({ length: 10 }, (_, r) => `/api/v1/tizme/stats/dynamics?region=${r + 1}`)];

/*
 * Waits until the published answer of path is the application's own, byte
 * for byte (the publisher writes a moment after the change; the exports
 * every PUBLISH_EXPORT_MS at most); returns both.
 */
async function converged(path, timeoutMs = 20000) {
  const t0 = Date.now();
  for (;;) {
    const pub = await request(path);
    const app = await request(path, { headers: DIRECT });
    // The same bytes, from the file: a file not yet written (the lane still at work) is waited for.
    if ((pub.status === app.status && pub.text === app.text && pub.headers['x-published'] === 'yes')
        || Date.now() - t0 > timeoutMs) return { pub, app };
    await sleep(200);
  }
}

describe('published answers after a night of our own', () => {
  before(async () => {
    setupElection(E);
    stations = allStations();
    for (let i = 0; i < stations.length; i += 15) {
      const chunk = stations.slice(i, i + 15);
      const ds = await Promise.all(chunk.map((s) => registerDevice(E, s)));
      ds.forEach((d, j) => devs.set(chunk[j].number, d));
    }
    const b = ballot(E);
    const fire = async (payloads) => {
      const res = await Promise.all(payloads.map(([d, p]) => postReport(signAs(d, p))));
      res.forEach((r) => assert.equal(r.status, 201, r.text.slice(0, 200)));
    };
    await fire(stations.map((s) => [devs.get(s.number), openingPayload(devs.get(s.number), 1, s.voters)]));
    await fire(stations.map((s) => [devs.get(s.number), turnoutPayload(devs.get(s.number), 2, 10, s.voters,
      Math.floor(s.voters / 5))]));
    // Every station but the last three sends its final.
    await fire(stations.slice(0, -3).map((s) => [devs.get(s.number),
      finalPayload(devs.get(s.number), 3, stationContests(b, s, s.number * 13 + 5))]));
  });

  after(() => dropElection(E));

  test('every published answer is a file with the application\'s very bytes', async () => {
    const head = logHead(E).seq;
    const differ = [];
    for (const path of [...publishedPaths(), ...STATS]) {
      const { pub, app } = await converged(path);
      if (pub.status !== app.status || pub.text !== app.text) {
        differ.push(`${path}: published ${pub.status} ${pub.bytes} bytes, application ${app.status} ${app.bytes} bytes`);
        continue;
      }
      assert.equal(pub.status, 200, `${path}: ${pub.text.slice(0, 200)}`);
      assert.equal(pub.headers['x-published'], 'yes', `${path}: served from the published file`);
      assert.equal(app.headers['x-published'], undefined, `${path}: asked directly, the application answers`);
      assert.equal(pub.headers['content-type'], app.headers['content-type'], `${path}: Content-Type`);
    }
    assert.deepEqual(differ, []);
    const summary = (await request(`${R}/summary`)).json;
    assert.equal(summary.election.log.seq, head, 'the summary shows the whole night');
  });

  test('a published file: ETag and 304, a short max-age, the security headers; HEAD', async () => {
    const res = await request(`${R}/summary`);
    assert.equal(res.headers['x-published'], 'yes');
    assert.equal(res.headers['cache-control'], 'public, max-age=1');
    assert.match(res.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assertSecurityHeaders(res, 'published summary');
    const again = await request(`${R}/summary`, { headers: { 'If-None-Match': res.headers.etag } });
    assert.equal(again.status, 304);
    const head = await request(`${R}/summary`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(Number(head.headers['content-length']), res.bytes);
    const csv = await request(`${R}/export/list.csv`);
    assert.equal(csv.headers['x-published'], 'yes');
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    const stats = await request('/api/v1/tizme/stats?region=4');
    assert.equal(stats.headers['x-published'], 'yes');
    assert.equal(stats.headers['cache-control'], 'public, max-age=30');
  });

  test('anything not published reaches the application and its checks', async () => {
    for (const path of [`${R}/summary?x=1`, `${R}/stations/${stations[0].number}?x=1`, '/api/v1/tizme/stats?region=11',
      '/api/v1/tizme/stats?region=0', '/api/v1/tizme/stats?region=4&region=5', '/api/v1/tizme/stats?area=1']) {
      const res = await request(path);
      assert.equal(res.status, 400, `${path}: ${res.status}`);
      assert.equal(res.headers['x-published'], undefined, path);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', path);
    }
    // An escaped letter is the same resource to the application, never a file name.
    const escaped = await request(`${R}/%73ummary`);
    assert.equal(escaped.status, 200);
    assert.equal(escaped.headers['x-published'], undefined);
    assertError(await request(`${R}/summary`, { method: 'POST', body: '' }), 405, 'method_not_allowed');
    const padded = await request(`${R}/stations/0${stations[0].number}`);
    assert.equal(padded.status, 200, 'the application reads a number with a leading zero');
    assert.equal(padded.headers['x-published'], undefined, 'only the canonical URL is a file');
    const log = await request(`${R}/log?after=0&limit=5`);
    assert.equal(log.status, 200);
    assert.equal(log.headers['x-published'], undefined, 'the log is paged: never published');
  });

  test('a new report shows in the published files of its station, areas and the whole', async () => {
    const s = stations[stations.length - 1];
    const b = ballot(E);
    const res = await postReport(signAs(devs.get(s.number), finalPayload(devs.get(s.number), 3,
      stationContests(b, s, 4242))));
    assert.equal(res.status, 201, res.text);
    const seq = res.json.log.seq;
    const paths = [`${R}/stations/${s.number}`, `${R}/summary`, `${R}/seats/input`,
      `${R}/regions/${s.abroad ? 10 : s.region}`, ...(s.abroad ? [] : [`${R}/districts/${s.district}`])];
    for (const path of paths) {
      const { pub, app } = await converged(path);
      assert.equal(pub.text, app.text, `${path}: published as the application answers`);
      if (path.endsWith('/seats/input')) {
        assert.equal(pub.json.stations.reported, stations.length - 2, `${path}: the new final counted`);
      } else {
        assert.ok(pub.json.election.log.seq >= seq, `${path}: log seq ${pub.json.election.log.seq} >= ${seq}`);
      }
    }
    const st = (await request(`${R}/stations/${s.number}`)).json;
    assert.ok(st.reports.some((r) => r.kind === 'final'), 'the station\'s page lists its final');
  });

  test('an election dropped: its files go, and the application answers 404', async () => {
    const D = E + 1;
    setupElection(D);
    const summary = `/api/v1/results/elections/${D}/summary`;
    let res;
    for (let i = 0; i < 100; i++) {
      res = await request(summary);
      if (res.headers['x-published'] === 'yes') break;
      await sleep(100);
    }
    assert.equal(res.headers['x-published'], 'yes', 'a new election is published');
    dropElection(D);
    for (let i = 0; i < 100; i++) {
      res = await request(summary);
      if (res.status === 404) break;
      await sleep(100);
    }
    assertError(res, 404, 'election_not_found');
    assert.equal(res.headers['x-published'], undefined);
    assertError(await request(`/api/v1/results/elections/${D}/stations/${stations[0].number}`), 404, 'not_found');
  });
});

// Tizme's statistics follow a change of the list (the voters' trigger keeps voter_stats).
test('the published statistics follow a change of the voter list', async () => {
  const [pin, station] = psql(`SELECT pin, station_number FROM voters WHERE status = 'active'
                                 AND station_number < 10000 ORDER BY pin DESC LIMIT 1`)[0];
  const total = async () => {
    const res = await request('/api/v1/tizme/stats');
    return { published: res.headers['x-published'], total: res.json.total };
  };
  const before0 = await total();
  assert.equal(before0.published, 'yes');
  psql(`UPDATE voters SET status = 'removed' WHERE pin = :'p'`, { p: pin });
  try {
    let now;
    for (let i = 0; i < 100; i++) {
      now = await total();
      if (now.total === before0.total - 1) break;
      await sleep(100);
    }
    assert.equal(now.total, before0.total - 1, 'one voter fewer, published');
    assert.equal(now.published, 'yes');
  } finally {
    psql(`UPDATE voters SET status = 'active', station_number = :'s'::integer WHERE pin = :'p'`, { p: pin, s: station });
  }
  const { pub, app } = await converged('/api/v1/tizme/stats');
  assert.equal(pub.text, app.text);
});
