// Helpers of the election-night tests (asu_reports.test.mjs, results_api.test.mjs):
// a test election of our own with the demo ballot's contests, ASU devices
// registered through the API with keys made here, reports signed as compact
// JWS (ES256), figures that keep the control relations, and checks made
// independently of the server's SQL: the areas' sums against the stations'
// figures, and the public log's hash chain with every report's signature.
//
// Each test file has its own elections (ids from 990700; cabinet_lib's test
// elections use 990000 + small slots) and never touches the demo's 202701,
// whose night a system test plays.  Devices get ids "9" + election + station,
// so asu_devices.test.mjs's clean-up (ids "7...") never meets them.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, sleep, b64u, dropElection } from './lib.mjs';

export { b64u, dropElection };
import { signIn } from './cabinet_lib.mjs';

export const CEC_PIN = '21111197000066';
export const SOURCE_ELECTION = 202701;   // the demo ballot we copy (read only)
export const ZERO_HASH = '0'.repeat(64);
export const REPORTS = '/api/v1/asu/reports';

export const sha256hex = (x) => crypto.createHash('sha256').update(x).digest('hex');

// ---------------------------------------------------------------- elections


/*
 * A test election on election night (status 'counting', today: never taken
 * for the scheduled one by the cabinet's tests) with the demo election's
 * ballot: its list contest (parties, lists) and its 36 district contests,
 * contest ids id * 100 + n like the demo's; then results_prepare().
 */
export function setupElection(id, { status = 'counting' } = {}) {
  dropElection(id);
  psql(`BEGIN;
    INSERT INTO elections (id, date, name_ru, name_ky, type, status, voters)
    VALUES (:'e'::integer, current_date, 'Тест ночи выборов ' || :'e', 'Шайлоо түнү (тест) ' || :'e',
            'parliamentary', :'status', (SELECT sum(voters) FROM stations));
    INSERT INTO contests (id, election_id, kind, district_number, seats)
    SELECT :'e'::integer * 100 + (k.id - :'src'::integer * 100), :'e'::integer, k.kind, k.district_number, k.seats
      FROM contests k WHERE k.election_id = :'src'::integer;
    INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
    SELECT :'e'::integer * 100 + (x.contest_id - :'src'::integer * 100), x.ballot_position, x.party_id,
           x.candidate_id, x.withdrawn
      FROM contest_entries x JOIN contests k ON k.id = x.contest_id WHERE k.election_id = :'src'::integer;
    INSERT INTO list_candidates (contest_id, party_id, position, candidate_id, withdrawn)
    SELECT :'e'::integer * 100 + (l.contest_id - :'src'::integer * 100), l.party_id, l.position,
           l.candidate_id, l.withdrawn
      FROM list_candidates l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = :'src'::integer;
    SELECT results_prepare(:'e'::integer);
    COMMIT;`, { e: id, status, src: SOURCE_ELECTION });
  const n = Number(psql(`SELECT count(*) FROM contests WHERE election_id = :'e'::integer`, { e: id })[0][0]);
  assert.equal(n, 37, `election ${id}: the list contest and 36 districts`);
}

export const setStatus = (id, status) =>
  psql(`UPDATE elections SET status = :'s' WHERE id = :'e'::integer`, { e: id, s: status });

/*
 * The ballot of an election, from the database: { list: { id, entries,
 * shape (each party's list length) }, districts: { n: { id, entries } } }.
 */
export function ballot(election) {
  const rows = psql(`SELECT k.id, k.kind, coalesce(k.district_number, 0),
        (SELECT count(*) FROM contest_entries x WHERE x.contest_id = k.id),
        (SELECT coalesce(string_agg(coalesce((SELECT max(l.position) FROM list_candidates l
                  WHERE l.contest_id = k.id AND l.party_id = x.party_id), 0)::text, ',' ORDER BY x.ballot_position), '')
           FROM contest_entries x WHERE x.contest_id = k.id)
      FROM contests k WHERE k.election_id = :'e'::integer ORDER BY k.id`, { e: election });
  const b = { list: null, districts: {} };
  for (const [id, kind, district, entries, shape] of rows) {
    if (kind === 'list') b.list = { id: Number(id), entries: Number(entries), shape: shape.split(',').map(Number) };
    else b.districts[Number(district)] = { id: Number(id), entries: Number(entries) };
  }
  assert.ok(b.list, `election ${election} has a list contest`);
  return b;
}

// Every station: { number, region (null abroad), district (null abroad), abroad, voters }.
export function allStations() {
  return psql(`SELECT number, coalesce(region_id, 0), coalesce(district_number, 0), abroad, voters
                 FROM stations ORDER BY number`)
    .map(([n, r, d, a, v]) => ({
      number: Number(n), region: a === 't' ? null : Number(r), district: a === 't' ? null : Number(d),
      abroad: a === 't', voters: Number(v),
    }));
}

// ---------------------------------------------------------------- devices

export const deviceId = (election, station, replacement = 0) =>
  `9${replacement}${String(election).padStart(6, '0')}${String(station).padStart(12, '0')}`;

export const newKeys = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

let cecClient;
// The CEC administrator, signed in once per test file.
export async function cec() {
  cecClient ??= await signIn(CEC_PIN);
  return cecClient;
}

/*
 * Registers a device for a station through the API as the CEC administrator:
 * { id, election, station, privateKey, publicPem }.
 */
export async function registerDevice(election, station, { replacement = 0 } = {}) {
  const keys = newKeys();
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' });
  const id = deviceId(election, station.number ?? station, replacement);
  const admin = await cec();
  const res = await admin.post('/api/v1/asu/devices', {
    device_id: id, election_id: election, station_number: station.number ?? station, public_key: publicPem,
  });
  assert.equal(res.status, 201, `device ${id}: ${res.status} ${res.text}`);
  assert.equal(res.json.device.device_id, id);
  return {
    id, election, station: station.number ?? station, info: typeof station === 'object' ? station : null,
    privateKey: keys.privateKey, publicPem, seq: 0,
  };
}

// ---------------------------------------------------------------- signing and sending

export const HEADER = (kid) => ({ alg: 'ES256', kid });

/*
 * A compact JWS: payload an object (JSON.stringify'd) or a text sent as is,
 * header likewise; signed with key (ES256, R || S) unless signature is given.
 */
export function sign(payload, key, header) {
  const p = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const h = typeof header === 'string' ? header : JSON.stringify(header);
  const input = `${b64u(h)}.${b64u(p)}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

// A report of device dev signed with its own key (or opts.key, opts.header).
export const signAs = (dev, payload, { key = dev.privateKey, header = HEADER(dev.id) } = {}) =>
  sign(payload, key, header);

export function postReport(body, { type = 'application/jose', headers = {} } = {}) {
  const h = { ...headers };
  if (type !== null) h['Content-Type'] = type;
  return request(REPORTS, { method: 'POST', headers: h, body });
}

// Local time at the stations (+06:00), RFC 3339 with seconds.
export function stationTime(date = new Date()) {
  return `${new Date(date.getTime() + 6 * 3600e3).toISOString().slice(0, 19)}+06:00`;
}

const common = (dev, seq) => ({
  device_id: dev.id, election_id: dev.election, station: dev.station, seq, time: stationTime(),
});

export const openingPayload = (dev, seq, voters) => ({ kind: 'opening', ...common(dev, seq), voters, voted: 0 });
export const turnoutPayload = (dev, seq, hour, voters, voted) =>
  ({ kind: 'turnout', ...common(dev, seq), voters, voted, hour });
export const finalPayload = (dev, seq, contests) => ({ kind: 'final', ...common(dev, seq), contests });

// ---------------------------------------------------------------- figures

// A small deterministic PRNG (mulberry32): the same seed, the same figures.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const between = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const sum = (a) => a.reduce((s, x) => s + x, 0);

// n non-negative whole numbers adding up to total.
export function split(r, total, n) {
  if (n === 0) return [];
  const w = Array.from({ length: n }, () => r() + 0.05);
  const ws = sum(w);
  const out = w.map((x) => Math.floor((total * x) / ws));
  let rest = total - sum(out);
  for (let i = 0; rest > 0; i = (i + 1) % n, rest--) out[i]++;
  return out;
}

/*
 * The lines of one contest that keep every control relation: voters on the
 * list, all ballots received, some issued, a few fewer in the boxes, a few
 * invalid, the valid ones split among the entries and against all.  For the
 * list contest (shape given) each party's preference votes stay within its votes.
 */
export function contestLines(r, { voters, entries, shape }) {
  const received = voters;
  const issued = between(r, Math.floor(voters * 0.3), Math.floor(voters * 0.8));
  const cancelled = received - issued;
  const in_boxes = issued - between(r, 0, Math.min(3, issued));
  const invalid = between(r, 0, Math.min(10, in_boxes));
  const valid = in_boxes - invalid;
  const against_all = between(r, 0, Math.min(15, valid));
  const votes = split(r, valid - against_all, entries);
  const c = { voters, received, issued, cancelled, in_boxes, invalid, valid, votes, against_all };
  if (shape) c.preferences = shape.map((len, p) => split(r, Math.floor(votes[p] * r()), len));
  return c;
}

/*
 * The contests of a final report of a station: the list contest, and at
 * home its district's contest.  Returns the payload's contests array.
 */
export function stationContests(b, station, seed) {
  const r = rng(seed);
  const list = { kind: 'list', ...contestLines(r, { voters: station.voters, entries: b.list.entries, shape: b.list.shape }) };
  if (station.abroad) return [list];
  const d = b.districts[station.district];
  const district = { kind: 'district', district: station.district,
    ...contestLines(r, { voters: station.voters, entries: d.entries }) };
  return [list, district];
}

// ---------------------------------------------------------------- the database's view

// A text fingerprint of everything an election's reports change (to show nothing changed).
export function snapshot(election) {
  return psql(`SELECT
      (SELECT coalesce(string_agg(a.contest_id || ':' || a.area || ':' || a.stations_reported || ':' || a.voters || ':'
          || a.issued || ':' || a.in_boxes || ':' || a.valid || ':' || a.against_all || ':' || a.votes::text || ':'
          || a.preferences::text, '|' ORDER BY a.contest_id, a.area), '')
         FROM area_results a JOIN contests k ON k.id = a.contest_id WHERE k.election_id = :'e'::integer),
      (SELECT coalesce(string_agg(r.contest_id || ':' || r.station_number || ':' || r.report_seq || ':' || r.votes::text,
          '|' ORDER BY r.contest_id, r.station_number), '')
         FROM station_results r JOIN contests k ON k.id = r.contest_id WHERE k.election_id = :'e'::integer),
      (SELECT coalesce(string_agg(t.station_number || ':' || t.hour || ':' || t.voted || ':' || t.report_seq, '|'
          ORDER BY t.station_number, t.hour), '') FROM station_turnout t WHERE t.election_id = :'e'::integer),
      (SELECT coalesce(string_agg(t.area || ':' || t.hour || ':' || t.stations_reported || ':' || t.voted, '|'
          ORDER BY t.area, t.hour), '') FROM area_turnout t WHERE t.election_id = :'e'::integer),
      (SELECT count(*) FROM asu_reports WHERE election_id = :'e'::integer),
      (SELECT count(*) FROM results_log WHERE election_id = :'e'::integer),
      (SELECT coalesce((SELECT seq || ':' || encode(hash, 'hex') FROM results_log_head WHERE election_id = :'e'::integer), ''))`,
  { e: election })[0].join('\n');
}

export const incidents = (election, where = 'true') => psql(`SELECT kind, code, device_id, station_number,
      coalesce(seq::text, ''), encode(sha256, 'hex'), jws
    FROM asu_incidents WHERE election_id = :'e'::integer AND ${where} ORDER BY id`, { e: election })
  .map(([kind, code, device, station, seq, sha, jws]) =>
    ({ kind, code, device, station: Number(station), seq: seq === '' ? null : Number(seq), sha, jws }));

// The incidents kept for exactly this JWS text.
export const incidentsOf = (election, jws) => {
  const h = sha256hex(jws);
  return incidents(election, `sha256 = decode('${h}', 'hex')`);
};

// Is this JWS text among the accepted reports (or the log)?  (By its SHA-256: a JWS may be too long for argv.)
export const stored = (jws) => Number(psql(`SELECT
    (SELECT count(*) FROM asu_reports WHERE sha256 = decode(:'h', 'hex'))
    + (SELECT count(*) FROM results_log WHERE report_sha256 = decode(:'h', 'hex'))`, { h: sha256hex(jws) })[0][0]);

/*
 * The areas' sums of an election recomputed here from its stations' figures
 * (areas: 0 the country, the region or 10 abroad, 100 + the district, for
 * the list contest; 100 + the district for a district contest), compared
 * with what the API reads: area_results_all (the country is the sum of the
 * ten regional rows).  Returns the rows that differ.  The turnout through
 * the day (area_turnout_all against station_turnout) is turnoutMismatches'.
 */
const SA = `WITH k AS (SELECT * FROM contests WHERE election_id = :'e'::integer),
    sa AS (  -- each station's areas in each contest
      SELECT k.id AS contest_id, s.number, a.area FROM k JOIN stations s ON k.kind = 'list'
        CROSS JOIN LATERAL (VALUES (0), (CASE WHEN s.abroad THEN 10 ELSE s.region_id END),
                                   (CASE WHEN s.abroad THEN NULL ELSE 100 + s.district_number END)) a(area)
       WHERE a.area IS NOT NULL
      UNION ALL
      SELECT k.id, s.number, 100 + k.district_number FROM k JOIN stations s ON s.district_number = k.district_number
       WHERE k.kind = 'district')`;

export function areaSumMismatches(election) {
  const lines = ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all'];
  return psql(`${SA},
    tot AS (SELECT contest_id, area, count(*) AS n FROM sa GROUP BY 1, 2),
    rep AS (SELECT sa.contest_id, sa.area, count(*) AS n,
              ${lines.map((l) => `sum(r.${l}) AS ${l}`).join(', ')}
              FROM sa JOIN station_results r ON r.contest_id = sa.contest_id AND r.station_number = sa.number
             GROUP BY 1, 2),
    v AS (SELECT sa.contest_id, sa.area, i, sum(r.votes[i]) AS v
            FROM sa JOIN station_results r ON r.contest_id = sa.contest_id AND r.station_number = sa.number,
                 generate_subscripts(r.votes, 1) i GROUP BY 1, 2, 3),
    p AS (SELECT sa.contest_id, sa.area, i, sum(r.preferences[i]) AS v
            FROM sa JOIN station_results r ON r.contest_id = sa.contest_id AND r.station_number = sa.number,
                 generate_subscripts(r.preferences, 1) i WHERE sa.area <= 10 GROUP BY 1, 2, 3),
    a AS (SELECT a.* FROM area_results_all a JOIN k ON k.id = a.contest_id)
    SELECT a.contest_id, a.area, 'figures' FROM a JOIN tot USING (contest_id, area)
      LEFT JOIN rep USING (contest_id, area)
     WHERE a.stations_total <> tot.n OR a.stations_reported <> coalesce(rep.n, 0)
        ${lines.map((l) => `OR a.${l} <> coalesce(rep.${l}, 0)`).join(' ')}
        OR EXISTS (SELECT 1 FROM generate_subscripts(a.votes, 1) g(j) LEFT JOIN v
                     ON v.contest_id = a.contest_id AND v.area = a.area AND v.i = g.j
                    WHERE a.votes[g.j] <> coalesce(v.v, 0))
        OR (a.area <= 10 AND EXISTS (SELECT 1 FROM generate_subscripts(a.preferences, 1) g(j) LEFT JOIN p
                     ON p.contest_id = a.contest_id AND p.area = a.area AND p.i = g.j
                    WHERE a.preferences[g.j] <> coalesce(p.v, 0)))
    UNION ALL  -- every area of every contest has its row, and no other
    SELECT coalesce(tot.contest_id, a.contest_id), coalesce(tot.area, a.area), 'missing or extra'
      FROM tot FULL JOIN a USING (contest_id, area) WHERE tot.n IS NULL OR a.contest_id IS NULL`,
  { e: election }).map((r) => r.join(' '));
}

// The turnout through the day of each area (area_turnout_all) against its stations' (station_turnout).
export function turnoutMismatches(election) {
  return psql(`${SA},
    x AS (SELECT sa.area, t.hour, count(*) AS n, sum(t.voters) AS voters, sum(t.voted) AS voted
            FROM station_turnout t JOIN sa ON sa.number = t.station_number
            JOIN k ON k.id = sa.contest_id AND k.kind = 'list'
           WHERE t.election_id = :'e'::integer GROUP BY 1, 2),
    y AS (SELECT * FROM area_turnout_all WHERE election_id = :'e'::integer)
    SELECT coalesce(x.area, y.area), coalesce(x.hour, y.hour),
           'stations ' || coalesce(x.n, 0) || ' voters ' || coalesce(x.voters, 0) || ' voted ' || coalesce(x.voted, 0),
           'area_turnout: stations ' || coalesce(y.stations_reported, 0) || ' voters ' || coalesce(y.voters, 0)
             || ' voted ' || coalesce(y.voted, 0)
      FROM x FULL JOIN y ON x.area = y.area AND x.hour = y.hour
     WHERE coalesce(x.n, 0) <> coalesce(y.stations_reported, 0) OR coalesce(x.voters, 0) <> coalesce(y.voters, 0)
        OR coalesce(x.voted, 0) <> coalesce(y.voted, 0)
     ORDER BY 2, 1`, { e: election }).map((r) => r.join(' '));
}

// ---------------------------------------------------------------- the public log

/*
 * GET path until pred(res) holds (nginx's microcache may answer for a second
 * or two from before our last write, and serves a stale answer once more
 * while it refreshes); the last answer.
 */
export async function fresh(path, pred, { timeoutMs = 8000, headers = {} } = {}) {
  const t0 = Date.now();
  for (;;) {
    const res = await request(path, { headers });
    if (pred(res) || Date.now() - t0 > timeoutMs) return res;
    await sleep(150);
  }
}

export const logHead = (election) => {
  const rows = psql(`SELECT seq, encode(hash, 'hex') FROM results_log_head WHERE election_id = :'e'::integer`,
    { e: election });
  return rows.length === 0 ? { seq: 0, hash: ZERO_HASH } : { seq: Number(rows[0][0]), hash: rows[0][1] };
};

let bust = 0;
/*
 * Reads an election's whole public log through the API, a page at a time
 * (limit per page), and verifies it from start to end as anyone could:
 * seq 1, 2, 3... without gaps; each prev_hash the previous entry's hash (64
 * zeros first); hash = SHA-256("seq|time|sha256|prev_hash"); sha256 the
 * SHA-256 of the JWS text; each JWS's signature verifies with its device's
 * public key as GET /api/v1/asu/devices publishes it, and names that device
 * and its station; the head is the last entry.  Returns the entries.
 */
export async function verifyLog(election, { limit, expectHead } = {}) {
  const head = expectHead ?? logHead(election);
  const devices = await request(`/api/v1/asu/devices?election=${election}`);
  assert.equal(devices.status, 200, devices.text);
  const keys = new Map(devices.json.items.map((d) => [d.device_id, d]));
  // A page size no earlier read used: never a cached page from before our writes.
  const size = limit ?? 1000 - (bust++ % 900);
  const entries = [];
  let after = 0;
  let prev = ZERO_HASH;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 10000, 'the log ends');
    const path = `/api/v1/results/elections/${election}/log?after=${after}&limit=${size}`;
    const res = await fresh(path, (r) => r.status === 200 && r.json?.head?.seq === head.seq);
    assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
    const page = res.json;
    assert.equal(page.election_id, election);
    assert.deepEqual(page.head, head.seq === 0 ? null : { seq: head.seq, hash: head.hash }, `${path}: head`);
    assert.ok(page.items.length <= size, `${path}: at most ${size} entries`);
    for (const it of page.items) {
      const what = `log entry ${it.seq} of election ${election}`;
      assert.equal(it.seq, entries.length + 1, `${what}: no gap`);
      assert.match(it.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, `${what}: time`);
      assert.equal(it.prev_hash, prev, `${what}: prev_hash`);
      assert.equal(it.hash, sha256hex(`${it.seq}|${it.time}|${it.sha256}|${it.prev_hash}`), `${what}: hash`);
      if (it.kind === 'protocol') {
        // A version of a station's manual count: its text is what the hash covers.
        assert.equal(it.sha256, sha256hex(it.body), `${what}: sha256 of the version's text`);
        const v = JSON.parse(it.body);
        assert.equal(v.election_id, election, `${what}: the version's election`);
        assert.equal(v.station, it.station, `${what}: the version's station`);
        assert.equal(v.version, it.version, `${what}: the version's number`);
        prev = it.hash;
        entries.push(it);
        continue;
      }
      assert.equal(it.sha256, sha256hex(it.jws), `${what}: sha256 of the JWS`);
      const [h, p, s] = it.jws.split('.');
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      assert.equal(header.alg, 'ES256', `${what}: alg`);
      assert.equal(header.kid, it.device_id, `${what}: kid`);
      const dev = keys.get(it.device_id);
      assert.ok(dev, `${what}: device ${it.device_id} is published`);
      assert.ok(crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key: dev.public_key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url')), `${what}: the signature verifies with the device's published key`);
      assert.equal(dev.station_number, it.station, `${what}: the device's station`);
      assert.equal(payload.device_id, it.device_id, `${what}: payload device`);
      assert.equal(payload.election_id, election, `${what}: payload election`);
      assert.equal(payload.station, it.station, `${what}: payload station`);
      assert.equal(payload.kind, it.kind, `${what}: kind`);
      assert.equal(payload.seq, it.seq_of_device, `${what}: the device's seq`);
      assert.equal(typeof it.applied, 'boolean');
      prev = it.hash;
      entries.push(it);
    }
    if (page.next_after === null) {
      assert.equal(entries.length, head.seq, 'the log ends at its head');
      break;
    }
    assert.equal(page.next_after, entries[entries.length - 1].seq, `${path}: next_after is the page's last seq`);
    after = page.next_after;
  }
  if (entries.length > 0) assert.equal(prev, head.hash, 'the head is the last entry\'s hash');
  return entries;
}

// The hash of a log entry as README defines it.
export const entryHash = (seq, time, sha, prevHash) => sha256hex(`${seq}|${time}|${sha}|${prevHash}`);
