// Election night end to end: every demo station's ASU device (bin/shailoo-asu,
// its private key under $SHAILOO_VAR/asu) sends its signed day to the test
// instance; then every station's final is in, each area's sums are the sums
// of its stations, a second night changes nothing (only "duplicate"
// answers), and the public log verifies from its first entry to its head:
// the hash chain, the SHA-256 of each JWS and each ES256 signature with the
// device's published key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, VAR, psql, getJson, request, sleep } from '../api/lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const SIM = path.join(ROOT, 'bin/shailoo-asu');
const ELECTION = 202701;
const SEED = '2027';

// The devices of ballots.txt that are still working (other tests may have
// revoked or replaced one), in a folder of their own with the keys.
function deviceDir() {
  const src = path.join(VAR, 'asu');
  const working = new Set(psql(`SELECT device_id FROM asu_devices
    WHERE election_id = ${ELECTION} AND revoked_at IS NULL`).map((r) => r[0]));
  const lines = fs.readFileSync(path.join(src, 'ballots.txt'), 'utf8').split('\n')
    .filter((l) => l !== '' && (!l.startsWith('station ') || working.has(l.split(' ')[2])));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shailoo-night-'));
  fs.writeFileSync(path.join(dir, 'ballots.txt'), lines.join('\n') + '\n');
  fs.copyFileSync(path.join(src, 'keys.txt'), path.join(dir, 'keys.txt'));
  fs.chmodSync(path.join(dir, 'keys.txt'), 0o600);
  const stations = lines.filter((l) => l.startsWith('station ')).map((l) => {
    const [, number, device, region, district] = l.split(' ');
    return { number: Number(number), device, region: Number(region), district: Number(district) };
  });
  return { dir, stations };
}

function night(dir, args = []) {
  const r = spawnSync(SIM, ['night', '--dir', dir, '--url', BASE, '--seed', SEED, '--duration', '3',
    '--concurrency', '8', '--json', ...args], { encoding: 'utf8', timeout: 300000 });
  let figures;
  try {
    figures = JSON.parse(r.stdout);
  } catch {
    figures = undefined;
  }
  return { status: r.status, figures, stderr: r.stderr, stdout: r.stdout };
}

function resetNight() {
  psql(`BEGIN;
    DELETE FROM results_log WHERE election_id = ${ELECTION};
    DELETE FROM results_log_head WHERE election_id = ${ELECTION};
    DELETE FROM station_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${ELECTION});
    DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${ELECTION});
    DELETE FROM station_turnout WHERE election_id = ${ELECTION};
    DELETE FROM area_turnout WHERE election_id = ${ELECTION};
    DELETE FROM asu_incidents WHERE election_id = ${ELECTION};
    DELETE FROM asu_reports WHERE election_id = ${ELECTION};
    COMMIT;`);
}

// Everything the night writes, as one text: equal texts, nothing changed.
function snapshot() {
  const e = ELECTION;
  return psql(`SELECT
    (SELECT count(*) FROM asu_reports WHERE election_id = ${e}),
    (SELECT count(*) FROM asu_incidents WHERE election_id = ${e}),
    (SELECT seq || ' ' || encode(hash, 'hex') FROM results_log_head WHERE election_id = ${e}),
    (SELECT md5(string_agg(r::text, ',' ORDER BY r.contest_id, r.station_number)) FROM station_results r
      WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${e})),
    (SELECT md5(string_agg(a::text, ',' ORDER BY a.contest_id, a.area)) FROM area_results a
      WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${e})),
    (SELECT md5(string_agg(t::text, ',' ORDER BY t.station_number, t.hour)) FROM station_turnout t WHERE election_id = ${e}),
    (SELECT md5(string_agg(t::text, ',' ORDER BY t.area, t.hour)) FROM area_turnout t WHERE election_id = ${e})`)[0].join(' | ');
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const addInto = (acc, xs) => xs.forEach((x, i) => { acc[i] = (acc[i] ?? 0) + x; });
const ints = (pgArray) => (pgArray === '{}' ? [] : pgArray.slice(1, -1).split(',').map(Number));

let devices;
let first;
after(() => {
  if (devices) fs.rmSync(devices.dir, { recursive: true, force: true });   // a copy of the private keys
});

// A public answer as it is now: nginx keeps each for a second and may answer
// once more from an expired copy while it fetches the new one.
async function fresh(path) {
  await sleep(1100);
  await request(path);
  await sleep(300);
  return getJson(path);
}

test('a night: every device sends its day, every final is accepted and shows at once', () => {
  assert.ok(fs.existsSync(SIM), `${SIM} is built by make build`);
  devices = deviceDir();
  assert.ok(devices.stations.length > 10, 'the demo devices are registered for 202701');
  resetNight();
  first = night(devices.dir, ['--check-visibility']);
  assert.equal(first.status, 0, `the night failed: ${first.stdout}\n${first.stderr}`);
  const f = first.figures;
  const n = devices.stations.length;
  const hours = psql(`SELECT cardinality(turnout_hours) FROM elections WHERE id = ${ELECTION}`)[0][0];
  assert.equal(f.reports, n * (Number(hours) + 2), 'an opening, the turnouts and a final per device');
  assert.equal(f.finals.accepted, n, 'every final accepted (201)');
  assert.equal(f.accepted, f.reports, 'every report accepted once');
  assert.deepEqual(Object.keys(f.status).sort(), f.resends > 0 ? ['200', '201'] : ['201'],
    `answers: ${JSON.stringify(f.status)}`);
  assert.equal(f.status['200'] ?? 0, f.resends, 'each resend answered "duplicate"');
  assert.equal(f.visibility_ms.seen, n, 'every final shows on its station\'s page');

  // In the database: each station's figures come from its final.
  const rows = psql(`SELECT s.number, count(r.*), min(r.report_seq), bool_and(r.report_id IS NOT NULL)
      FROM stations s JOIN station_results r ON r.station_number = s.number
      JOIN contests k ON k.id = r.contest_id AND k.election_id = ${ELECTION}
     GROUP BY s.number ORDER BY s.number`);
  const byStation = new Map(rows.map(([s, c, seq, rep]) => [Number(s), { c: Number(c), seq: Number(seq), rep }]));
  for (const st of devices.stations) {
    const got = byStation.get(st.number);
    assert.ok(got, `station ${st.number} has figures`);
    assert.equal(got.c, st.district === 0 ? 1 : 2, `station ${st.number}: the list contest and its district's`);
    assert.equal(got.seq, Number(hours) + 2, `station ${st.number}: figures of the final`);
    assert.equal(got.rep, 't');
  }
  assert.equal(Number(psql(`SELECT count(*) FROM asu_incidents WHERE election_id = ${ELECTION}`)[0][0]), 0,
    'no incidents');
  assert.deepEqual(psql(`SELECT kind, count(*) FROM asu_reports WHERE election_id = ${ELECTION} AND NOT applied
    GROUP BY kind ORDER BY kind`), [], 'every report of the night is applied (each is the device\'s latest)');
});

test('the figures in the database are the ones the devices signed', () => {
  assert.ok(first?.status === 0, 'needs the first night');
  const out = path.join(devices.dir, 'night.jws');
  const r = spawnSync(SIM, ['night', '--dir', devices.dir, '--seed', SEED, '--only', 'final', '--out', out],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const finals = fs.readFileSync(out, 'utf8').trim().split('\n')
    .map((l) => JSON.parse(Buffer.from(l.split('.')[1], 'base64url').toString('utf8')));
  assert.equal(finals.length, devices.stations.length);
  const db = new Map(psql(`SELECT r.station_number, k.kind, r.voters, r.received, r.issued, r.cancelled,
        r.in_boxes, r.invalid, r.valid, r.against_all, r.votes, r.preferences
      FROM station_results r JOIN contests k ON k.id = r.contest_id WHERE k.election_id = ${ELECTION}`)
    .map((row) => [`${row[0]} ${row[1]}`, row]));
  for (const p of finals) {
    for (const c of p.contests) {
      const row = db.get(`${p.station} ${c.kind}`);
      assert.ok(row, `station ${p.station} ${c.kind}`);
      const [, , voters, received, issued, cancelled, inBoxes, invalid, valid, against, votes, prefs] = row;
      assert.deepEqual([voters, received, issued, cancelled, inBoxes, invalid, valid, against].map(Number),
        [c.voters, c.received, c.issued, c.cancelled, c.in_boxes, c.invalid, c.valid, c.against_all],
        `station ${p.station} ${c.kind}: protocol lines`);
      assert.deepEqual(ints(votes), c.votes, `station ${p.station} ${c.kind}: votes`);
      if (c.kind === 'list') assert.deepEqual(ints(prefs), c.preferences.flat(), `station ${p.station}: preferences`);
      // The control relations, once more, on what was stored.
      assert.equal(c.received, c.issued + c.cancelled);
      assert.equal(c.in_boxes, c.valid + c.invalid);
      assert.equal(c.valid, sum(c.votes) + c.against_all);
      assert.ok(c.in_boxes <= c.issued && c.issued <= c.voters);
      if (c.kind === 'list') c.preferences.forEach((pr, i) => assert.ok(sum(pr) <= c.votes[i]));
    }
  }
});

test('each area\'s sums are the sums of its stations (and results_rebuild agrees)', () => {
  assert.ok(first?.status === 0, 'needs the first night');
  const stations = new Map(psql(`SELECT number, abroad, coalesce(region_id, 0), coalesce(district_number, 0)
      FROM stations`).map(([n, abroad, region, district]) =>
    [Number(n), { abroad: abroad === 't', region: Number(region), district: Number(district) }]));
  // Areas: 0 the country, 1..9 a region, 10 abroad, 100 + n district n (010_results.sql).
  const areasOf = (st, kind) => (kind === 'district' ? [100 + st.district]
    : st.abroad ? [0, 10] : [0, st.region, 100 + st.district]);
  // The country may be kept or summed when read (a view over the regions and abroad).
  const all = (table) => (psql(`SELECT to_regclass('${table}_all') IS NOT NULL`)[0][0] === 't' ? `${table}_all` : table);
  const lines = ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all'];
  const want = new Map();
  for (const [n, contest, kind, ...rest] of psql(`SELECT r.station_number, r.contest_id, k.kind,
        r.voters, r.received, r.issued, r.cancelled, r.in_boxes, r.invalid, r.valid, r.against_all,
        r.votes, r.preferences
      FROM station_results r JOIN contests k ON k.id = r.contest_id WHERE k.election_id = ${ELECTION}`)) {
    for (const area of areasOf(stations.get(Number(n)), kind)) {
      const key = `${contest} ${area}`;
      const w = want.get(key) ?? { reported: 0, lines: lines.map(() => 0), votes: [], prefs: [] };
      w.reported++;
      lines.forEach((_, i) => { w.lines[i] += Number(rest[i]); });
      addInto(w.votes, ints(rest[8]));
      if (kind === 'list') addInto(w.prefs, ints(rest[9]));
      want.set(key, w);
    }
  }
  const areas = psql(`SELECT a.contest_id, a.area, a.stations_reported, a.voters, a.received, a.issued,
        a.cancelled, a.in_boxes, a.invalid, a.valid, a.against_all, a.votes, a.preferences
      FROM ${all('area_results')} a JOIN contests k ON k.id = a.contest_id WHERE k.election_id = ${ELECTION}`);
  const have = new Set(areas.map(([contest, area]) => `${contest} ${area}`));
  for (const key of want.keys()) assert.ok(have.has(key), `a row for contest and area ${key}`);
  for (const [contest, area, reported, ...rest] of areas) {
    const w = want.get(`${contest} ${area}`) ?? { reported: 0, lines: lines.map(() => 0), votes: [], prefs: [] };
    const what = `contest ${contest} area ${area}`;
    assert.equal(Number(reported), w.reported, `${what}: stations reported`);
    assert.deepEqual(rest.slice(0, 8).map(Number), w.lines, `${what}: ${lines.join(', ')}`);
    const votes = ints(rest[8]);
    assert.deepEqual(votes, w.votes.length > 0 ? w.votes : votes.map(() => 0), `${what}: votes`);
    // Preference votes, where the area keeps them.
    if (ints(rest[9]).length > 0) assert.deepEqual(ints(rest[9]), w.prefs, `${what}: preferences`);
  }
  // Turnout through the day, likewise.
  const turnout = new Map();
  for (const [n, hour, voters, voted] of psql(`SELECT station_number, hour, voters, voted FROM station_turnout
      WHERE election_id = ${ELECTION}`)) {
    for (const area of areasOf(stations.get(Number(n)), 'list')) {
      const t = turnout.get(`${area} ${hour}`) ?? [0, 0, 0];
      turnout.set(`${area} ${hour}`, [t[0] + 1, t[1] + Number(voters), t[2] + Number(voted)]);
    }
  }
  const kept = psql(`SELECT area, hour, stations_reported, voters, voted FROM ${all('area_turnout')}
    WHERE election_id = ${ELECTION}`);
  assert.equal(kept.length, turnout.size, 'a turnout row for every area and hour reported');
  for (const [area, hour, ...t] of kept) assert.deepEqual(t.map(Number), turnout.get(`${area} ${hour}`), `turnout ${area} at ${hour}`);

  // The database's own recount gives the same sums (rolled back: nothing changes).
  const diff = psql(`BEGIN;
    CREATE TEMP TABLE kept_areas ON COMMIT DROP AS
      SELECT contest_id, area, stations_total, stations_reported, voters, received, issued, cancelled,
             in_boxes, invalid, valid, against_all, votes, preferences
        FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${ELECTION});
    CREATE TEMP TABLE kept_turnout ON COMMIT DROP AS
      SELECT area, hour, stations_reported, voters, voted FROM area_turnout WHERE election_id = ${ELECTION};
    SELECT results_rebuild(${ELECTION});
    SELECT 'area ' || x::text FROM ((SELECT * FROM kept_areas EXCEPT
        SELECT contest_id, area, stations_total, stations_reported, voters, received, issued, cancelled,
               in_boxes, invalid, valid, against_all, votes, preferences
          FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${ELECTION}))
      UNION ALL
      (SELECT contest_id, area, stations_total, stations_reported, voters, received, issued, cancelled,
              in_boxes, invalid, valid, against_all, votes, preferences
         FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${ELECTION})
       EXCEPT SELECT * FROM kept_areas)) x;
    SELECT 'turnout ' || x::text FROM ((SELECT * FROM kept_turnout EXCEPT
        SELECT area, hour, stations_reported, voters, voted FROM area_turnout WHERE election_id = ${ELECTION})
      UNION ALL
      (SELECT area, hour, stations_reported, voters, voted FROM area_turnout WHERE election_id = ${ELECTION}
       EXCEPT SELECT * FROM kept_turnout)) x;
    ROLLBACK;`).map((r) => r[0]);
  assert.deepEqual(diff, [], 'results_rebuild recounts the same sums');
});

test('a second night sends the same reports: only "duplicate" answers, nothing changes', () => {
  assert.ok(first?.status === 0, 'needs the first night');
  const before = snapshot();
  const again = night(devices.dir);
  assert.equal(again.status, 0, `the second night failed: ${again.stdout}\n${again.stderr}`);
  assert.deepEqual(Object.keys(again.figures.status), ['200'], `answers: ${JSON.stringify(again.figures.status)}`);
  assert.equal(again.figures.status['200'], again.figures.posts);
  assert.equal(again.figures.accepted, 0);
  assert.equal(snapshot(), before, 'the reports, the log, the figures and the sums are unchanged');
});

test('the public log verifies from its first entry to its head', async () => {
  assert.ok(first?.status === 0, 'needs the first night');
  const keys = new Map();
  for (const d of (await getJson(`/api/v1/asu/devices?election=${ELECTION}`)).items) {
    keys.set(d.device_id, crypto.createPublicKey(d.public_key));
  }
  const entries = [];
  let head;
  for (let after = 0; ;) {
    const page = await fresh(`/api/v1/results/elections/${ELECTION}/log?after=${after}&limit=1000`);
    head = page.head;
    if (page.items.length === 0) break;
    entries.push(...page.items);
    after = page.items.at(-1).seq;
  }
  assert.equal(entries.length, first.figures.reports, 'an entry for each accepted report');
  const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  let prev = '0'.repeat(64);
  entries.forEach((e, i) => {
    const what = `log entry ${e.seq}`;
    assert.equal(e.seq, i + 1, `${what}: numbered 1, 2, 3...`);
    assert.equal(e.prev_hash, prev, `${what}: chained to the entry before`);
    assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, `${what}: time`);
    assert.equal(e.sha256, sha256(e.jws), `${what}: SHA-256 of the JWS`);
    assert.equal(e.hash, sha256(`${e.seq}|${e.time}|${e.sha256}|${e.prev_hash}`), `${what}: hash`);
    const [h, p, s] = e.jws.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, e.device_id, `${what}: kid`);
    assert.equal(payload.device_id, e.device_id);
    assert.equal(payload.station, e.station);
    assert.equal(payload.seq, e.seq_of_device);
    assert.ok(keys.has(header.kid), `${what}: the device's key is published`);
    assert.ok(crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key: keys.get(header.kid), dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url')), `${what}: the ES256 signature verifies with the device's key`);
    prev = e.hash;
  });
  assert.deepEqual(head, { seq: entries.length, hash: prev }, 'the head is the last entry');
});
