// POST /api/v1/asu/reports: every answer of README's table ("Election night:
// signed ASU reports"), on test elections of our own (990771, 990772 and
// 990773; never the demo's 202701): accepted, duplicate, sequence conflict,
// bad signature, unknown device, wrong station, control relations, ballot
// shape, turnout hours, closed election, malformed input, media type and
// size; later and late finals; and that a refused report leaves nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, assertError, assertJsonType, assertSecurityHeaders, assertKeys } from './lib.mjs';
import {
  setupElection, dropElection, setStatus, ballot, allStations, registerDevice, newKeys, sign, signAs,
  HEADER, postReport, openingPayload, turnoutPayload, finalPayload, stationContests, contestLines,
  rng, snapshot, incidentsOf, stored, areaSumMismatches, turnoutMismatches, verifyLog, cec, logHead, entryHash, sha256hex, b64u,
  ZERO_HASH,
} from './asu_lib.mjs';

const A = 990771;   // the election of most tests
const B = 990772;   // closed halfway (election_closed)
const O = 990773;   // figures too large for the areas' sums
const KEEP = process.env.KEEP_TEST_ELECTIONS === '1';

const clone = (x) => structuredClone(x);
const sum = (a) => a.reduce((s, x) => s + x, 0);

let b;          // the ballot of A
let st;         // stations by number
const dev = {}; // devices of A by role

// The snapshot's parts that accepted reports change: the figures (not the counts of reports and log).
const figuresOf = (snap) => snap.split('\n').slice(0, 4).join('\n');

// The error answer of a refused report, and that it left nothing behind.
async function refused(jws, status, code, field, { election = A, incident = null, what = code, quick = false } = {}) {
  // quick: the caller compares the snapshots around a whole series.
  const before = quick ? null : snapshot(election);
  const storedBefore = stored(jws);
  const res = await postReport(jws);
  let e;
  try {
    e = assertError(res, status, code, field);
  } catch (err) {
    throw new assert.AssertionError({ message: `${what}: ${err.message}` });
  }
  assertSecurityHeaders(res, what);
  assert.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`);
  if (!quick) assert.equal(snapshot(election), before, `${what}: nothing changed`);
  assert.equal(stored(jws), storedBefore, `${what}: the report is in neither asu_reports nor the log`);
  const kept = incidentsOf(election, jws);
  if (incident === null) {
    assert.deepEqual(kept, [], `${what}: no incident`);
  } else {
    assert.equal(kept.length, 1, `${what}: one incident (${JSON.stringify(kept)})`);
    assert.equal(kept[0].kind, incident.kind, `${what}: incident kind`);
    if (incident.code) assert.equal(kept[0].code, incident.code, `${what}: incident code`);
    if (incident.device) assert.equal(kept[0].device, incident.device, `${what}: incident device`);
    if (incident.station) assert.equal(kept[0].station, incident.station, `${what}: incident station`);
    assert.equal(kept[0].sha, sha256hex(jws), `${what}: incident sha256 of the JWS`);
  }
  return e;
}

// An accepted report: 201 and its body checked against the payload and the log.
async function accepted(jws, payload, { applied = true, what = 'report' } = {}) {
  const head = logHead(payload.election_id);
  const res = await postReport(jws);
  assert.equal(res.status, 201, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assertJsonType(res, what);
  assertSecurityHeaders(res, what);
  const body = res.json;
  assertKeys(body, ['status', 'report', 'log'], what);
  assert.equal(body.status, 'accepted');
  checkReport(body.report, jws, payload, applied, what);
  assertKeys(body.log, ['seq', 'time', 'hash'], `${what}: log`);
  assert.equal(body.log.seq, head.seq + 1, `${what}: the next log entry`);
  assert.equal(body.report.log_seq, body.log.seq, `${what}: report.log_seq`);
  assert.match(body.log.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, `${what}: log time`);
  assert.equal(body.log.hash, entryHash(body.log.seq, body.log.time, sha256hex(jws), head.hash),
    `${what}: hash = SHA-256("seq|time|sha256|prev_hash")`);
  assert.deepEqual(logHead(payload.election_id), { seq: body.log.seq, hash: body.log.hash }, `${what}: the head`);
  return body;
}

function checkReport(r, jws, payload, applied, what) {
  assertKeys(r, ['id', 'device_id', 'election_id', 'station_number', 'kind', 'seq', 'signed_at', 'received_at',
    'sha256', 'applied', 'log_seq'], `${what}: report`);
  assert.equal(typeof r.id, 'number');
  assert.equal(r.device_id, payload.device_id);
  assert.equal(r.election_id, payload.election_id);
  assert.equal(r.station_number, payload.station);
  assert.equal(r.kind, payload.kind);
  assert.equal(r.seq, payload.seq);
  assert.equal(new Date(r.signed_at).getTime(), new Date(payload.time).getTime(), `${what}: signed_at is the payload's time`);
  assert.ok(Math.abs(new Date(r.received_at).getTime() - Date.now()) < 120e3, `${what}: received_at is now`);
  assert.equal(r.sha256, sha256hex(jws), `${what}: sha256 of the JWS text`);
  assert.equal(r.applied, applied, `${what}: applied`);
}

// A station's figures in a contest as the database keeps them.
function stationRow(contest, station) {
  const rows = psql(`SELECT report_seq, voters, received, issued, cancelled, in_boxes, invalid, valid, against_all,
      array_to_string(votes, ','), array_to_string(preferences, ',')
    FROM station_results WHERE contest_id = :'k'::integer AND station_number = :'s'::integer`, { k: contest, s: station });
  if (rows.length === 0) return null;
  const [seq, voters, received, issued, cancelled, in_boxes, invalid, valid, against_all, votes, prefs] = rows[0];
  return {
    seq: Number(seq), voters: Number(voters), received: Number(received), issued: Number(issued),
    cancelled: Number(cancelled), in_boxes: Number(in_boxes), invalid: Number(invalid), valid: Number(valid),
    against_all: Number(against_all), votes: votes.split(',').map(Number),
    preferences: prefs === '' ? [] : prefs.split(',').map(Number),
  };
}

function assertStationFigures(contest, station, c, seq, what) {
  const row = stationRow(contest, station);
  assert.ok(row, `${what}: station ${station} has figures in contest ${contest}`);
  assert.equal(row.seq, seq, `${what}: report_seq`);
  for (const k of ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all']) {
    assert.equal(row[k], c[k], `${what}: ${k}`);
  }
  assert.deepEqual(row.votes, c.votes, `${what}: votes`);
  assert.deepEqual(row.preferences, c.preferences ? c.preferences.flat() : [], `${what}: preferences`);
}

// An area's sums in a contest.
function areaRow(contest, area) {
  const [n, voters, issued, inBoxes, valid, against, votes, prefs] = psql(`SELECT stations_reported, voters, issued,
      in_boxes, valid, against_all, array_to_string(votes, ','), array_to_string(preferences, ',')
    FROM area_results_all WHERE contest_id = :'k'::integer AND area = :'a'::integer`, { k: contest, a: area })[0];
  return {
    reported: Number(n), voters: Number(voters), issued: Number(issued), in_boxes: Number(inBoxes),
    valid: Number(valid), against_all: Number(against), votes: votes.split(',').map(Number),
    preferences: prefs === '' ? [] : prefs.split(',').map(Number),
  };
}

const turnoutRow = (election, station, hour) => psql(`SELECT voters, voted, report_seq FROM station_turnout
    WHERE election_id = :'e'::integer AND station_number = :'s'::integer AND hour = :'h'::integer`,
{ e: election, s: station, h: hour }).map(([v, d, q]) => ({ voters: Number(v), voted: Number(d), seq: Number(q) }))[0] ?? null;

const addArrays = (a, x, sign = 1) => a.map((v, i) => v + sign * x[i]);

describe('POST /api/v1/asu/reports', () => {
  before(async () => {
    dropElection(O);
    setupElection(A);
    setupElection(B);
    b = ballot(A);
    st = new Map(allStations().map((s) => [s.number, s]));
    // Roles: 1001 and 1002 share district 1 (region 1); 1003 is in district 2; 10001 abroad.
    const roles = { main: 1001, later: 1002, refused: 1003, wrong: 2001, abroad: 10001, revoked: 1004,
      malformed: 1005, replaced: 1006, order: 1007, media: 1008, firstHour: 1009 };
    for (const [role, n] of Object.entries(roles)) dev[role] = await registerDevice(A, st.get(n));
    dev.closed = await registerDevice(B, st.get(1001));
  });

  after(() => {
    if (KEEP) return;
    dropElection(A);
    dropElection(B);
    dropElection(O);
  });

  test('an opening, a turnout and a final are accepted: 201 with the report and its log entry', async () => {
    const d = dev.main;
    const voters = st.get(1001).voters;
    const p1 = openingPayload(d, 1, voters);
    const j1 = signAs(d, p1);
    const r1 = await accepted(j1, p1, { what: 'opening' });
    assert.equal(r1.log.seq, 1, 'the first entry of the election\'s log');
    assert.equal(r1.log.hash, entryHash(1, r1.log.time, sha256hex(j1), ZERO_HASH), 'the first prev_hash is 64 zeros');
    assert.deepEqual(turnoutRow(A, 1001, 8), { voters, voted: 0, seq: 1 }, 'the opening is hour 8\'s zero count');

    const p2 = turnoutPayload(d, 2, 10, voters, 123);
    const r2 = await accepted(signAs(d, p2), p2, { what: 'turnout' });
    assert.equal(r2.log.seq, 2);
    assert.deepEqual(turnoutRow(A, 1001, 10), { voters, voted: 123, seq: 2 });

    const contests = stationContests(b, st.get(1001), 1);
    const p3 = finalPayload(d, 3, contests);
    await accepted(signAs(d, p3), p3, { what: 'final' });
    assertStationFigures(b.list.id, 1001, contests[0], 3, 'list contest');
    assertStationFigures(b.districts[1].id, 1001, contests[1], 3, 'district contest');
    // The only station so far: every area it counts in holds its figures.
    for (const area of [0, 1, 101]) {
      const a = areaRow(b.list.id, area);
      assert.equal(a.reported, 1, `list area ${area}: one station`);
      assert.deepEqual(a.votes, contests[0].votes, `list area ${area}: votes`);
      assert.equal(a.in_boxes, contests[0].in_boxes, `list area ${area}: in boxes`);
    }
    assert.deepEqual(areaRow(b.list.id, 0).preferences, contests[0].preferences.flat(), 'country: preferences');
    assert.deepEqual(areaRow(b.list.id, 2).votes, contests[0].votes.map(() => 0), 'another region: nothing');
    const da = areaRow(b.districts[1].id, 101);
    assert.equal(da.reported, 1);
    assert.deepEqual(da.votes, contests[1].votes, 'district 1\'s contest: votes');
    assert.equal(da.against_all, contests[1].against_all);
    assert.deepEqual(turnoutRow(A, 1001, 20), { voters, voted: contests[0].issued, seq: 3 },
      'the final gives hour 20: ballots issued');
    assert.deepEqual(areaSumMismatches(A), []);
  });

  test('the same payload again is a duplicate: 200, nothing counted twice (also re-signed, also at once)', async () => {
    const d = dev.main;
    // Not the same object as the accepted one: the payload text must be byte for byte the same.
    const accepted3 = psql(`SELECT jws FROM asu_reports WHERE device_id = :'d' AND seq = 3`, { d: d.id })[0][0];
    const text = Buffer.from(accepted3.split('.')[1], 'base64url').toString('utf8');
    const id = Number(psql(`SELECT id FROM asu_reports WHERE device_id = :'d' AND seq = 3`, { d: d.id })[0][0]);
    const before = snapshot(A);
    const resend = async (jws, what) => {
      const res = await postReport(jws);
      assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      assertJsonType(res, what);
      assertKeys(res.json, ['status', 'report'], what);
      assert.equal(res.json.status, 'duplicate');
      assert.equal(res.json.report.id, id, `${what}: the report accepted first`);
      assert.equal(res.json.report.log_seq, 3);
      assert.equal(res.json.report.sha256, sha256hex(accepted3), `${what}: the first JWS's hash`);
      assert.equal(snapshot(A), before, `${what}: nothing counted twice`);
    };
    await resend(accepted3, 'the same JWS');
    await resend(`${accepted3}\r\n`, 'the same JWS with a line end');
    const again = sign(text, d.privateKey, HEADER(d.id));
    assert.notEqual(again, accepted3, 'ECDSA signatures differ');
    await resend(again, 're-signed');
    await resend(sign(text, d.privateKey, { alg: 'ES256', kid: d.id, typ: 'JOSE' }), 're-signed with typ');

    // Two copies of a new report at once: one is accepted, the other is its duplicate.
    const p4 = turnoutPayload(d, 4, 12, st.get(1001).voters, 200);
    const j4 = signAs(d, p4);
    const both = await Promise.all([postReport(j4), postReport(sign(JSON.stringify(p4), d.privateKey, HEADER(d.id)))]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 201], both.map((r) => r.text).join(' | '));
    assert.equal(Number(psql(`SELECT count(*) FROM asu_reports WHERE device_id = :'d' AND seq = 4`, { d: d.id })[0][0]), 1);
    assert.deepEqual(turnoutRow(A, 1001, 12), { voters: st.get(1001).voters, voted: 200, seq: 4 });
    assert.deepEqual(areaSumMismatches(A), []);
  });

  test('other figures under a used seq: 409 sequence_conflict, kept as an incident once', async () => {
    const d = dev.main;
    const inc = { kind: 'sequence_conflict', code: 'sequence_conflict', device: d.id, station: 1001 };
    const other = finalPayload(d, 3, stationContests(b, st.get(1001), 2));
    const j = signAs(d, other);
    await refused(j, 409, 'sequence_conflict', 'seq', { incident: inc, what: 'a final with other figures' });
    // The same conflicting report again: still one incident.
    await refused(j, 409, 'sequence_conflict', 'seq', { incident: inc, what: 'the conflict again' });
    await refused(signAs(d, openingPayload(d, 3, 1)), 409, 'sequence_conflict', 'seq',
      { incident: inc, what: 'an opening under a final\'s seq' });
    const t2 = turnoutPayload(d, 2, 10, st.get(1001).voters, 124);
    await refused(signAs(d, t2), 409, 'sequence_conflict', 'seq', { incident: inc, what: 'one more voter' });

    // Two different reports under one new seq at once: one accepted, one conflict.
    const v = st.get(1001).voters;
    const [x, y] = [turnoutPayload(d, 5, 14, v, 300), turnoutPayload(d, 5, 14, v, 301)];
    const [jx, jy] = [signAs(d, x), signAs(d, y)];
    const res = await Promise.all([postReport(jx), postReport(jy)]);
    assert.deepEqual(res.map((r) => r.status).sort(), [201, 409], res.map((r) => r.text).join(' | '));
    const lost = res[0].status === 409 ? jx : jy;
    assert.equal(incidentsOf(A, lost).length, 1, 'the loser is an incident');
    assert.equal(stored(lost), 0);
    assert.deepEqual(areaSumMismatches(A), []);
  });

  test('a signature that does not verify: 401 bad_signature, nothing kept', async () => {
    const d = dev.main;
    const p = turnoutPayload(d, 6, 16, st.get(1001).voters, 340);
    const good = signAs(d, p);
    const [h, pl, s] = good.split('.');
    const bad = (jws, what) => refused(jws, 401, 'bad_signature', undefined, { what });
    // The payload changed, the signature kept.
    await bad(`${h}.${b64u(JSON.stringify({ ...p, voted: 341 }))}.${s}`, 'tampered payload');
    // One character of the signature changed (inside: the encoding stays canonical).
    const flipped = s.slice(0, 40) + (s[40] === 'A' ? 'B' : 'A') + s.slice(41);
    await bad(`${h}.${pl}.${flipped}`, 'tampered signature');
    await bad(`${h}.${pl}.${'A'.repeat(86)}`, 'a zero signature');
    // Signed by another device's key, under this device's kid.
    await bad(sign(p, dev.later.privateKey, HEADER(d.id)), 'another device\'s key');
    await bad(sign(p, newKeys().privateKey, HEADER(d.id)), 'a key nobody registered');
    // The signature of another report.
    const other = signAs(d, { ...p, voted: 341 });
    await bad(`${h}.${pl}.${other.split('.')[2]}`, 'another report\'s signature');
    // The header changed (typ added), the signature kept.
    await bad(`${b64u(JSON.stringify({ alg: 'ES256', kid: d.id, typ: 'JOSE' }))}.${pl}.${s}`, 'another header');
    // DER signature (what OpenSSL makes), not R || S: not 64 bytes.
    const der = crypto.sign('sha256', Buffer.from(`${h}.${pl}`), d.privateKey);
    const res = await postReport(`${h}.${pl}.${der.toString('base64url')}`);
    assertError(res, 400, 'malformed_jws');
    // The untouched report was fine all along.
    await accepted(good, p, { what: 'the untouched report' });
  });

  test('unknown or revoked device: 401 unknown_device; a replacement device is registered and heard', async () => {
    const d = dev.revoked;
    const nobody = '91' + '0'.repeat(18);
    const ghost = { ...d, id: nobody };
    await refused(sign(openingPayload(ghost, 1, 10), newKeys().privateKey, HEADER(nobody)), 401, 'unknown_device',
      undefined, { what: 'a kid of no device' });
    const p1 = openingPayload(d, 1, st.get(1004).voters);
    const j1 = signAs(d, p1);
    await accepted(j1, p1, { what: 'before revocation' });
    // Revoked by the CEC through the API (the replacement test below revokes in the database).
    const admin = await cec();
    const rv = await admin.post(`/api/v1/asu/devices/${d.id}/revoke`, '', { type: null });
    assert.equal(rv.status, 200, rv.text);
    assert.ok(rv.json.device.revoked_at, 'revoked_at is set');
    assertError(await admin.post(`/api/v1/asu/devices/${d.id}/revoke`, '', { type: null }), 409, 'already_revoked');
    await refused(signAs(d, turnoutPayload(d, 2, 10, st.get(1004).voters, 5)), 401, 'unknown_device', undefined,
      { what: 'a revoked device' });
    await refused(j1, 401, 'unknown_device', undefined, { what: 'a revoked device\'s accepted report again' });
    // The station gets a new device with a new key.
    const d2 = await registerDevice(A, st.get(1004), { replacement: 1 });
    const p2 = turnoutPayload(d2, 1, 10, st.get(1004).voters, 5);
    await accepted(signAs(d2, p2), p2, { what: 'the replacement device' });
    // The revoked device's key does not speak for the new one.
    await refused(sign(turnoutPayload(d2, 2, 12, st.get(1004).voters, 6), d.privateKey, HEADER(d2.id)), 401,
      'bad_signature', undefined, { what: 'the old key under the new kid' });
    // Revoked in the database (as an operator would by hand): unknown at once.
    psql(`UPDATE asu_devices SET revoked_at = now() WHERE device_id = :'d'`, { d: d2.id });
    await refused(signAs(d2, turnoutPayload(d2, 2, 12, st.get(1004).voters, 6)), 401, 'unknown_device', undefined,
      { what: 'revoked in the database' });
  });

  test('alg none, HS256 and other algorithms are refused, even over a valid ES256 signature', async () => {
    const d = dev.main;
    const p = turnoutPayload(d, 7, 18, st.get(1001).voters, 350);
    const pl = b64u(JSON.stringify(p));
    const es256For = (header) => {
      const h = b64u(JSON.stringify(header));
      return `${h}.${pl}.${sign(p, d.privateKey, header).split('.')[2]}`;
    };
    for (const alg of ['none', 'HS256', 'ES384', 'es256', 'ES256K', 'RS256', 'PS256', 'EdDSA', '']) {
      await refused(es256For({ alg, kid: d.id }), 401, 'bad_signature', undefined, { what: `alg ${JSON.stringify(alg)}` });
    }
    await refused(es256For({ kid: d.id }), 401, 'bad_signature', undefined, { what: 'no alg' });
    await refused(es256For({ alg: ['ES256'], kid: d.id }), 401, 'bad_signature', undefined, { what: 'alg an array' });
    // Their usual forms: no signature at all, or an HMAC (32 bytes): not even a compact ES256 JWS.
    const none = `${b64u(JSON.stringify({ alg: 'none', kid: d.id }))}.${pl}.`;
    await refused(none, 400, 'malformed_jws', undefined, { what: 'alg none, empty signature' });
    const hs = `${b64u(JSON.stringify({ alg: 'HS256', kid: d.id }))}.${pl}`;
    const mac = crypto.createHmac('sha256', d.publicPem).update(hs).digest('base64url');
    await refused(`${hs}.${mac}`, 400, 'malformed_jws', undefined, { what: 'HS256 keyed with the public key' });
  });

  test('a device reporting for another station or election: 422 wrong_station, kept as an incident', async () => {
    const d = dev.wrong;   // station 2001
    const inc = { kind: 'wrong_station', code: 'wrong_station', device: d.id, station: 2001 };
    const as1001 = { ...openingPayload(d, 1, 100), station: 1001 };
    await refused(signAs(d, as1001), 422, 'wrong_station', 'station', { incident: inc, what: 'another station' });
    const asB = { ...openingPayload(d, 1, 100), election_id: B };
    await refused(signAs(d, asB), 422, 'wrong_station', 'station', { incident: inc, what: 'another election' });
    const asMain = { ...openingPayload(d, 1, 100), device_id: dev.main.id };
    await refused(signAs(d, asMain), 422, 'wrong_station', 'station',
      { incident: inc, what: 'another device\'s id in the payload' });
    const final1001 = { ...finalPayload(d, 2, stationContests(b, st.get(1001), 3)), station: 1001 };
    await refused(signAs(d, final1001), 422, 'wrong_station', 'station', { incident: inc, what: 'a final of another station' });
    // Election B's device at station 1001 reporting into election A.
    const c = dev.closed;
    await refused(signAs(c, { ...openingPayload(c, 1, 100), election_id: A }), 422, 'wrong_station', 'station',
      { election: B, incident: { kind: 'wrong_station', device: c.id, station: 1001 }, what: 'B\'s device in A' });
    // Its own report is fine.
    const own = openingPayload(d, 1, st.get(2001).voters);
    await accepted(signAs(d, own), own, { what: 'its own station' });
  });

  test('each control relation broken: 422 control_failed with the relation, kept as an incident', async () => {
    const d = dev.refused;   // station 1003, district 2
    const base = stationContests(b, st.get(1003), 4);
    let seq = 100;
    const cases = [
      ['received = issued + cancelled (list)', (c) => { c[0].received++; }, 'received_mismatch', 'contests[0].received'],
      ['received = issued + cancelled (district)', (c) => { c[1].cancelled++; }, 'received_mismatch', 'contests[1].received'],
      ['in boxes = valid + invalid', (c) => { c[0].invalid++; }, 'in_boxes_mismatch', 'contests[0].in_boxes'],
      ['in boxes = valid + invalid (district)', (c) => { c[1].in_boxes++; }, 'in_boxes_mismatch', 'contests[1].in_boxes'],
      ['valid = votes + against all', (c) => { c[0].votes[13]++; }, 'valid_mismatch', 'contests[0].valid'],
      ['valid = votes + against all (district)', (c) => { c[1].against_all++; }, 'valid_mismatch', 'contests[1].valid'],
      ['in boxes <= issued', (c) => { c[0].issued = c[0].in_boxes - 1; c[0].cancelled = c[0].received - c[0].issued; },
        'in_boxes_above_issued', 'contests[0].in_boxes'],
      ['issued <= voters', (c) => { c[1].voters = c[1].issued - 1; }, 'issued_above_voters', 'contests[1].issued'],
      ['preferences <= votes', (c) => { c[0].preferences[2][0] = c[0].votes[2] + 1; }, 'preferences_above_votes',
        'contests[0].preferences[2]'],
      ['preferences of every party', (c) => { c[0].preferences.pop(); }, 'preferences_shape', 'contests[0].preferences'],
      ['one list contest', (c) => { c[1] = clone(c[0]); }, 'contests_shape', 'contests'],
      ['a list contest at all', (c) => { c[0] = clone(c[1]); }, 'contests_shape', 'contests'],
      ['a district contest alone', (c) => { c.shift(); }, 'contests_shape', 'contests'],
    ];
    for (const [what, change, code, field] of cases) {
      const c = clone(base);
      change(c);
      const jws = signAs(d, finalPayload(d, seq++, c));
      await refused(jws, 422, 'control_failed', field,
        { incident: { kind: 'control_failed', code, device: d.id, station: 1003 }, what });
    }
    // Just kept: in boxes = issued, issued = voters, preferences = votes.
    const kept = clone(base);
    const l = kept[0];
    l.issued = l.voters;
    l.cancelled = l.received - l.issued;
    const more = l.issued - l.in_boxes;
    l.in_boxes += more;
    l.valid += more;
    l.votes[0] += more;
    l.preferences[0] = l.preferences[0].map(() => 0);
    l.preferences[0][0] = l.votes[0];
    const pk = finalPayload(d, 1, kept);
    await accepted(signAs(d, pk), pk, { what: 'every relation just kept' });
    assertStationFigures(b.list.id, 1003, kept[0], 1, 'just kept');

    // Openings and turnout.
    const v = st.get(1003).voters;
    await refused(signAs(d, { ...openingPayload(d, seq++, v), voted: 1 }), 422, 'control_failed', 'voted',
      { incident: { kind: 'control_failed', code: 'opening_not_zero' }, what: 'an opening with a vote' });
    await refused(signAs(d, turnoutPayload(d, seq++, 10, v, v + 1)), 422, 'control_failed', 'voted',
      { incident: { kind: 'control_failed', code: 'voted_above_voters' }, what: 'more voted than voters' });
    const t = turnoutPayload(d, 2, 10, v, v);
    await accepted(signAs(d, t), t, { what: 'everybody voted by 10' });
  });

  test('a report that does not fit the ballot: 422 ballot_mismatch, kept as an incident', async () => {
    const d = dev.refused;   // 1003, district 2
    const base = stationContests(b, st.get(1003), 5);
    const inc = (station = 1003, device = d.id) => ({ kind: 'ballot_mismatch', code: 'ballot_mismatch', device, station });
    let seq = 200;
    // The list contest with one party too few (the relations kept).
    const fewer = clone(base);
    const gone = fewer[0].votes.pop();
    fewer[0].against_all += gone;
    fewer[0].preferences.pop();
    let e = await refused(signAs(d, finalPayload(d, seq++, fewer)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: '13 parties' });
    assert.match(e.message, /14/, 'the message says how many entries the ballot has');
    // One more candidate in the district.
    const more = clone(base);
    more[1].votes.push(0);
    await refused(signAs(d, finalPayload(d, seq++, more)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: 'a district candidate too many' });
    // A party's preferences one position short.
    const shortList = clone(base);
    shortList[0].preferences[5].pop();
    await refused(signAs(d, finalPayload(d, seq++, shortList)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: 'a list one position short' });
    const longList = clone(base);
    longList[0].preferences[0].push(0);
    await refused(signAs(d, finalPayload(d, seq++, longList)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: 'a list one position long' });
    // The wrong district (district 1's ballot has 6 candidates, district 2's 7: made to fit district 1).
    const wrongDistrict = clone(base);
    wrongDistrict[1] = { kind: 'district', district: 1,
      ...contestLines(rng(9), { voters: st.get(1003).voters, entries: b.districts[1].entries }) };
    e = await refused(signAs(d, finalPayload(d, seq++, wrongDistrict)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: 'another district\'s contest' });
    assert.match(e.message, /district 2/);
    // At home without the district contest.
    await refused(signAs(d, finalPayload(d, seq++, [base[0]])), 422, 'ballot_mismatch', 'contests',
      { incident: inc(), what: 'no district contest at home' });
    // Abroad with a district contest.
    const a = dev.abroad;
    const abroadBase = stationContests(b, st.get(10001), 6);
    const withDistrict = [abroadBase[0], { kind: 'district', district: 1,
      ...contestLines(rng(10), { voters: st.get(10001).voters, entries: b.districts[1].entries }) }];
    await refused(signAs(a, finalPayload(a, 1, withDistrict)), 422, 'ballot_mismatch', 'contests',
      { incident: inc(10001, a.id), what: 'a district contest abroad' });
    // Abroad, the list contest alone is right.
    const pa = finalPayload(a, 1, abroadBase);
    await accepted(signAs(a, pa), pa, { what: 'abroad, the list contest' });
    assertStationFigures(b.list.id, 10001, abroadBase[0], 1, 'abroad');
    assert.equal(areaRow(b.list.id, 10).reported, 1, 'the abroad area');
    assert.deepEqual(areaSumMismatches(A), []);
  });

  test('turnout at an hour that is not one of the election\'s: 422 bad_hour, kept as an incident', async () => {
    const d = dev.refused;
    const v = st.get(1003).voters;
    let seq = 300;
    for (const hour of [11, 8, 20, 9, 19, 0, 23]) {
      await refused(signAs(d, turnoutPayload(d, seq++, hour, v, 10)), 422, 'bad_hour', 'hour',
        { incident: { kind: 'ballot_mismatch', code: 'bad_hour', device: d.id, station: 1003 }, what: `hour ${hour}` });
    }
    for (const hour of [24, -1, 10.5, '10']) {
      await refused(signAs(d, turnoutPayload(d, seq++, hour, v, 10)), 400, 'invalid_field', 'hour',
        { what: `hour ${JSON.stringify(hour)}` });
    }
    const ok = turnoutPayload(d, 3, 18, v, 10 + Math.floor(v / 2));
    await accepted(signAs(d, ok), ok, { what: 'hour 18' });
  });

  test('an election that is over takes no reports: 422 election_closed, no incident', async () => {
    const d = dev.closed;   // election B, station 1001
    const p1 = openingPayload(d, 1, st.get(1001).voters);
    const j1 = signAs(d, p1);
    await accepted(j1, p1, { what: 'while counting' });
    try {
      for (const status of ['completed', 'annulled']) {
        setStatus(B, status);
        await refused(signAs(d, turnoutPayload(d, 2, 10, st.get(1001).voters, 9)), 422, 'election_closed', 'election_id',
          { election: B, what: status });
        await refused(signAs(d, finalPayload(d, 3, stationContests(b, st.get(1001), 7))), 422, 'election_closed',
          'election_id', { election: B, what: `${status}: a final` });
        // The report it took before is still a duplicate, and changes nothing.
        const before = snapshot(B);
        const dup = await postReport(j1);
        assert.equal(dup.status, 200, dup.text);
        assert.equal(dup.json.status, 'duplicate');
        assert.equal(snapshot(B), before);
      }
    } finally {
      setStatus(B, 'counting');
    }
    const p2 = turnoutPayload(d, 2, 10, st.get(1001).voters, 9);
    await accepted(signAs(d, p2), p2, { what: 'counting again' });
  });

  test('not a compact JWS, or not the payload of a report: 400, nothing kept', async () => {
    const d = dev.malformed;   // 1005
    const v = st.get(1005).voters;
    const snap = snapshot(A);
    const open = openingPayload(d, 1, v);
    const good = signAs(d, open);
    const [h, pl, s] = good.split('.');
    const jwsCases = [
      ['one part', 'abc'], ['two parts', `${h}.${pl}`], ['four parts', `${good}.${s}`], ['a trailing dot', `${good}.`],
      ['empty', ''], ['dots only', '..'], ['empty header', `.${pl}.${s}`], ['empty payload', `${h}..${s}`],
      ['padding', `${h}.${pl}=.${s}`], ['standard base64\'s +', `${h}.${pl.slice(0, 5)}+${pl.slice(6)}.${s}`],
      ['standard base64\'s /', `${h}.${pl}.${s.slice(0, 5)}/${s.slice(6)}`],
      ['a space', `${h}.${pl}.${s.slice(0, 10)} ${s.slice(10)}`], ['63-byte signature', `${h}.${pl}.${b64u(Buffer.alloc(63, 7))}`],
      ['65-byte signature', `${h}.${pl}.${b64u(Buffer.alloc(65, 7))}`], ['a very long signature', `${h}.${pl}.${'A'.repeat(4000)}`],
      ['a JSON serialization', JSON.stringify({ protected: h, payload: pl, signature: s })],
      ['a line break inside', `${h}.\n${pl}.${s}`],
    ];
    for (const [what, body] of jwsCases) await refused(body, 400, 'malformed_jws', undefined, { what, quick: true });
    // Headers that are not {"alg":"ES256","kid":"<20 digits>"} (the signature is good).
    const headers = [
      ['no kid', { alg: 'ES256' }], ['kid a number', { alg: 'ES256', kid: Number(d.id) }],
      ['kid 19 digits', { alg: 'ES256', kid: d.id.slice(1) }], ['kid with a letter', { alg: 'ES256', kid: `${d.id.slice(1)}x` }],
      ['an unknown member', { alg: 'ES256', kid: d.id, jku: 'https://evil.example/keys' }],
      ['a jwk', { alg: 'ES256', kid: d.id, jwk: {} }], ['typ a number', { alg: 'ES256', kid: d.id, typ: 1 }],
      ['crit', { alg: 'ES256', kid: d.id, crit: ['exp'] }],
      ['an array', [{ alg: 'ES256', kid: d.id }]], ['not JSON', '{alg:ES256}'], ['a string', '"ES256"'],
      ['trailing text', `${JSON.stringify({ alg: 'ES256', kid: d.id })} x`],
    ];
    for (const [what, header] of headers) {
      await refused(signAs(d, open, { header }), 400, 'malformed_jws', undefined, { what: `header: ${what}`, quick: true });
    }
    // Payloads that are not JSON (signed by the device): 400 invalid_json.
    for (const [what, text] of [['not JSON', '{kind:opening}'], ['empty', ''], ['trailing text', `${JSON.stringify(open)} x`],
      ['two objects', `${JSON.stringify(open)}${JSON.stringify(open)}`], ['a byte-order mark', `\ufeff${JSON.stringify(open)}`],
      ['single quotes', "{'kind':'opening'}"], ['a bare number (json-c waits for its end)', '5'], ['nested too deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1')],
      // RFC 8259 has no NaN or Infinity, and no raw control characters in strings (json-c takes them).
      ['NaN', JSON.stringify(open).replace(/"voted":\d+/, '"voted":NaN')],
      ['Infinity', JSON.stringify(open).replace(/"voters":\d+/, '"voters":Infinity')],
      ['-Infinity', JSON.stringify(open).replace(/"voted":\d+/, '"voted":-Infinity')],
      ['a raw tab in a string', JSON.stringify(open).replace('"time":"', '"time":"\t')],
      ['a raw newline in a member name', JSON.stringify(open).replace('"voted"', '"vo\nted"')],
      ['a raw U+001F in a string', JSON.stringify(open).replace('"opening"', '"opening\u001f"')]]) {
      const jws = what === 'not UTF-8'
        ? signRaw(d, Buffer.from([0x7b, 0xff, 0x7d]))
        : signAs(d, text);
      await refused(jws, 400, what === 'empty' ? 'malformed_jws' : 'invalid_json', undefined,
        { what: `payload: ${what}`, quick: true });
    }
    // JSON, but not the payload of a report: 400 invalid_field naming the member.
    const c = stationContests(b, st.get(1005), 8);
    const fin = finalPayload(d, 1, c);
    const without = (o, k) => { const x = clone(o); delete x[k]; return x; };
    const withC = (f) => { const x = clone(fin); f(x.contests); return x; };
    const fields = [
      ['an array', [open], ''],
      ['a string', '"opening"', ''],
      ['an unknown member', { ...open, extra: 1 }, 'extra'],
      ['a turnout member in an opening', { ...open, hour: 10 }, 'hour'],
      ['an opening member in a final', { ...fin, voters: v }, 'voters'],
      ['no kind', without(open, 'kind'), 'kind'],
      ['an unknown kind', { ...open, kind: 'closing' }, 'kind'],
      ['kind in capitals', { ...open, kind: 'OPENING' }, 'kind'],
      ['no seq', without(open, 'seq'), 'seq'],
      ['seq 0', { ...open, seq: 0 }, 'seq'],
      ['seq above 1000000', { ...open, seq: 1000001 }, 'seq'],
      ['seq a string', { ...open, seq: '1' }, 'seq'],
      ['no time', without(open, 'time'), 'time'],
      ['time without offset', { ...open, time: '2027-01-24T08:00:00' }, 'time'],
      ['time 24:00', { ...open, time: '2027-01-24T24:00:00+06:00' }, 'time'],
      ['time of no day', { ...open, time: '2027-02-29T08:00:00+06:00' }, 'time'],
      ['time a number', { ...open, time: 1800000000 }, 'time'],
      ['no device_id', without(open, 'device_id'), 'device_id'],
      ['device_id a number', { ...open, device_id: Number(d.id) }, 'device_id'],
      ['device_id 21 digits', { ...open, device_id: `${d.id}0` }, 'device_id'],
      ['election_id 0', { ...open, election_id: 0 }, 'election_id'],
      ['election_id a string', { ...open, election_id: String(A) }, 'election_id'],
      ['station 100000', { ...open, station: 100000 }, 'station'],
      ['no voters', without(open, 'voters'), 'voters'],
      ['negative voters', { ...open, voters: -1 }, 'voters'],
      ['float voters', { ...open, voters: 1.5 }, 'voters'],
      ['voters 1.0', `{"kind":"opening","device_id":"${d.id}","election_id":${A},"station":1005,"seq":1,"time":"${open.time}","voters":${v}.0,"voted":0}`, 'voters'],
      ['voters 1e3', `{"kind":"opening","device_id":"${d.id}","election_id":${A},"station":1005,"seq":1,"time":"${open.time}","voters":1e3,"voted":0}`, 'voters'],
      ['voters null', { ...open, voters: null }, 'voters'],
      ['voters a string', { ...open, voters: '5' }, 'voters'],
      ['voters above 100000000', { ...open, voters: 100000001 }, 'voters'],
      ['voters beyond 64 bits', `{"kind":"opening","device_id":"${d.id}","election_id":${A},"station":1005,"seq":1,"time":"${open.time}","voters":99999999999999999999999,"voted":0}`, 'voters'],
      ['no voted', without(open, 'voted'), 'voted'],
      ['negative voted', { ...open, voted: -1 }, 'voted'],
      ['a turnout without hour', without(turnoutPayload(d, 1, 10, v, 1), 'hour'), 'hour'],
      ['no contests', without(fin, 'contests'), 'contests'],
      ['contests empty', { ...fin, contests: [] }, 'contests'],
      ['more contests than any ballot has (8: a referendum\'s questions)', withC((x) => { while (x.length < 9) x.push(clone(x[1])); }), 'contests'],
      ['contests an object', { ...fin, contests: c[0] }, 'contests'],
      ['a contest not an object', withC((x) => { x[1] = 5; }), 'contests[1]'],
      ['an unknown contest member', withC((x) => { x[0].seats = 54; }), 'contests[0].seats'],
      ['an unknown contest kind', withC((x) => { x[1].kind = 'mayor'; }), 'contests[1].kind'],
      ['a list contest with a district', withC((x) => { x[0].district = 1; }), 'contests[0].district'],
      ['a district contest without its number', withC((x) => { delete x[1].district; }), 'contests[1].district'],
      ['district 0', withC((x) => { x[1].district = 0; }), 'contests[1].district'],
      ['district 37', withC((x) => { x[1].district = 37; }), 'contests[1].district'],
      ['no received', withC((x) => { delete x[0].received; }), 'contests[0].received'],
      ['negative invalid', withC((x) => { x[1].invalid = -1; }), 'contests[1].invalid'],
      ['float valid', withC((x) => { x[0].valid += 0.5; }), 'contests[0].valid'],
      ['no votes', withC((x) => { delete x[0].votes; }), 'contests[0].votes'],
      ['votes empty', withC((x) => { x[1].votes = []; }), 'contests[1].votes'],
      ['a negative vote', withC((x) => { x[0].votes[3] = -1; }), 'contests[0].votes[3]'],
      ['a float vote', withC((x) => { x[0].votes[3] += 0.5; }), 'contests[0].votes[3]'],
      ['a vote as a string', withC((x) => { x[1].votes[0] = String(x[1].votes[0]); }), 'contests[1].votes[0]'],
      ['65 votes', withC((x) => { x[0].votes = Array(65).fill(0); }), 'contests[0].votes'],
      ['preferences in a district contest', withC((x) => { x[1].preferences = [[0]]; }), 'contests[1].preferences'],
      ['preferences not an array', withC((x) => { x[0].preferences = 5; }), 'contests[0].preferences'],
      ['a party\'s preferences not an array', withC((x) => { x[0].preferences[1] = 5; }), 'contests[0].preferences[1]'],
      ['a party\'s preferences empty', withC((x) => { x[0].preferences[1] = []; }), 'contests[0].preferences[1]'],
      ['a negative preference', withC((x) => { x[0].preferences[1][0] = -1; }), 'contests[0].preferences[1][0]'],
      ['a float preference', withC((x) => { x[0].preferences[1][0] = 0.5; }), 'contests[0].preferences[1][0]'],
      ['55 positions', withC((x) => { x[0].preferences[1] = Array(55).fill(0); }), 'contests[0].preferences[1]'],
    ];
    let n = 0;
    for (const [what, payload, field] of fields) {
      n++;
      await refused(signAs(d, payload), 400, 'invalid_field', field === '' ? undefined : field, { what, quick: true });
    }
    assert.ok(n > 60);
    // A long member name of two-byte letters is cut at a whole letter, in the field and the message.
    // (The field keeps 255 bytes, the message 40 bytes of the name.)
    for (const [name, field, shown] of [['Ж'.repeat(200), 'Ж'.repeat(127), 'Ж'.repeat(20)],
      [`a${'Ж'.repeat(200)}`, `a${'Ж'.repeat(127)}`, `a${'Ж'.repeat(19)}`]]) {
      const e = await refused(signAs(d, { ...open, [name]: 1 }), 400, 'invalid_field', undefined,
        { what: `an unknown member of ${name.length} letters`, quick: true });
      assert.equal(e.field, field, 'the field: the name cut at a whole letter');
      assert.ok(!e.message.includes('\ufffd'), `the message is valid UTF-8: ${e.message}`);
      assert.ok(e.message.includes(`"${shown}"`), `the message shows the name cut at a whole letter: ${e.message}`);
    }
    assert.equal(snapshot(A), snap, 'none of them changed anything');
    // After all that, the device's good report.
    await accepted(good, open, { what: 'the good opening' });
  });

  test('415 for anything but application/jose; 413 above nginx\'s limit, 400 above the JWS limit', async () => {
    const d = dev.media;   // 1008
    const v = st.get(1008).voters;
    const p = openingPayload(d, 1, v);
    const jws = signAs(d, p);
    for (const type of ['application/json', 'text/plain', 'application/jose+json', 'application/josex',
      'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const before = snapshot(A);
      const res = await postReport(jws, { type });
      assertError(res, 415, 'unsupported_media_type');
      assert.equal(snapshot(A), before, `${type}: nothing`);
    }
    assert.equal(stored(jws), 0);
    // GET is not a way to send one.
    const get = await request('/api/v1/asu/reports');
    assert.equal(get.status, 405, get.text);
    // Too large for nginx (1 MiB): 413 in the API's error format.
    const huge = await postReport(`${jws}${'A'.repeat(1100 * 1024)}`);
    assertError(huge, 413, 'body_too_large');
    // Below nginx's limit, above a JWS's (256 KiB): a signed payload padded with spaces.
    const padded = `${JSON.stringify(p).slice(0, -1)}${' '.repeat(300 * 1024)}}`;
    await refused(signAs(d, padded), 400, 'malformed_jws', undefined, { what: 'a JWS above 256 KiB' });
    // A parameter on the report's URL is refused too.
    const q = await request('/api/v1/asu/reports?x=1', { method: 'POST', headers: { 'Content-Type': 'application/jose' }, body: jws });
    assertError(q, 400, 'unknown_parameter');
    // With a charset parameter, and a line end after the JWS: accepted.
    const res = await postReport(`${jws}\n`, { type: 'application/jose; charset=utf-8' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.report.sha256, sha256hex(jws), 'the JWS is stored without the line end');
  });

  test('a later final replaces the earlier one (the old figures taken out); a late older one is logged, not applied', async () => {
    const d = dev.later;   // 1002: district 1 and region 1, like 1001
    const s1002 = st.get(1002);
    const f1 = stationContests(b, s1002, 11);
    const f2 = stationContests(b, s1002, 12);
    const f3 = stationContests(b, s1002, 13);
    const country0 = areaRow(b.list.id, 0);
    const p5 = finalPayload(d, 5, f1);
    await accepted(signAs(d, p5), p5, { what: 'the first final' });
    const country1 = areaRow(b.list.id, 0);
    assert.equal(country1.reported, country0.reported + 1);
    assert.deepEqual(country1.votes, addArrays(country0.votes, f1[0].votes));
    const district1 = areaRow(b.districts[1].id, 101);

    const p7 = finalPayload(d, 7, f2);
    await accepted(signAs(d, p7), p7, { what: 'a later final' });
    assertStationFigures(b.list.id, 1002, f2[0], 7, 'replaced: list');
    assertStationFigures(b.districts[1].id, 1002, f2[1], 7, 'replaced: district');
    const country2 = areaRow(b.list.id, 0);
    assert.equal(country2.reported, country1.reported, 'the station is counted once');
    assert.deepEqual(country2.votes, addArrays(addArrays(country1.votes, f1[0].votes, -1), f2[0].votes),
      'country: the old votes out, the new in');
    assert.deepEqual(country2.preferences,
      addArrays(addArrays(country1.preferences, f1[0].preferences.flat(), -1), f2[0].preferences.flat()));
    assert.equal(country2.in_boxes, country1.in_boxes - f1[0].in_boxes + f2[0].in_boxes);
    assert.equal(country2.voters, country1.voters - f1[0].voters + f2[0].voters);
    const district2 = areaRow(b.districts[1].id, 101);
    assert.deepEqual(district2.votes, addArrays(addArrays(district1.votes, f1[1].votes, -1), f2[1].votes));
    assert.equal(district2.reported, district1.reported);
    assert.deepEqual(turnoutRow(A, 1002, 20), { voters: s1002.voters, voted: f2[0].issued, seq: 7 });
    assert.deepEqual(areaSumMismatches(A), []);

    // Seq 6 arrives after 7: accepted into the log, not applied.
    const before = figuresOf(snapshot(A));
    const p6 = finalPayload(d, 6, f3);
    const j6 = signAs(d, p6);
    const r6 = await accepted(j6, p6, { applied: false, what: 'a late final' });
    assert.equal(figuresOf(snapshot(A)), before, 'the late final changed no figure');
    assertStationFigures(b.list.id, 1002, f2[0], 7, 'still seq 7');
    assert.equal(psql(`SELECT applied FROM asu_reports WHERE id = :'id'`, { id: r6.report.id })[0][0], 'f');
    // Sent again, it is its own duplicate, still not applied.
    const dup = await postReport(j6);
    assert.equal(dup.status, 200);
    assert.equal(dup.json.report.applied, false);

    // Turnout likewise: hour 16 from seq 9 after seq 10.
    const t10 = turnoutPayload(d, 10, 16, s1002.voters, 300);
    await accepted(signAs(d, t10), t10, { what: 'turnout at 16' });
    const t9 = turnoutPayload(d, 9, 16, s1002.voters, 250);
    await accepted(signAs(d, t9), t9, { applied: false, what: 'an older turnout at 16' });
    assert.deepEqual(turnoutRow(A, 1002, 16), { voters: s1002.voters, voted: 300, seq: 10 });
    // A later final again replaces everything.
    const p8 = finalPayload(d, 11, f3);
    await accepted(signAs(d, p8), p8, { what: 'the latest final' });
    assertStationFigures(b.list.id, 1002, f3[0], 11, 'latest');
    assert.deepEqual(areaSumMismatches(A), []);
  });

  test('the district contest first is the same final', async () => {
    const d = dev.order;   // 1007, district 4
    const c = stationContests(b, st.get(1007), 14);
    const p = finalPayload(d, 1, [c[1], c[0]]);
    await accepted(signAs(d, p), p, { what: 'district first' });
    assertStationFigures(b.list.id, 1007, c[0], 1, 'list');
    assertStationFigures(b.districts[4].id, 1007, c[1], 1, 'district');
    assert.deepEqual(areaSumMismatches(A), []);
  });

  // BUG (cgi/api/results.c is not at fault; sql/migrations/010_results.sql, asu_accept):
  // station_results.report_seq is compared across devices.  A station's
  // replacement device numbers its reports from 1 again, so its final is
  // taken for an older one of the revoked device and never applied.
  test('a replacement device\'s final replaces the revoked device\'s figures', async () => {
    const old = dev.replaced;   // 1006, district 3
    const s = st.get(1006);
    const f1 = stationContests(b, s, 15);
    const p1 = finalPayload(old, 5, f1);
    await accepted(signAs(old, p1), p1, { what: 'the first device\'s final' });
    psql(`UPDATE asu_devices SET revoked_at = now() WHERE device_id = :'d'`, { d: old.id });
    const d2 = await registerDevice(A, s, { replacement: 1 });
    const f2 = stationContests(b, s, 16);
    const p2 = finalPayload(d2, 1, f2);
    const res = await postReport(signAs(d2, p2));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.report.applied, true, 'the replacement device\'s count is the station\'s count now');
    assertStationFigures(b.list.id, 1006, f2[0], 1, 'the new device\'s figures');
  });

  // Figures the rules allow (each at most 100,000,000 at a station) whose sum
  // over the country does not fit an integer: every report must be answered
  // (accepted, or refused with a 4xx), and the results API must still answer
  // for the election (the sums are bigint; once they were integer and the
  // seats of every election answered 500).
  test('figures whose country sum overflows an integer: no 500 on the reports or the results',
    async () => {
    setupElection(O);
    try {
    const bo = ballot(O);
    const home = [...st.values()].filter((x) => !x.abroad).slice(0, 22);
    const devs = [];
    for (const s of home) devs.push(await registerDevice(O, s));
    const big = (s) => {
      const list = { kind: 'list', voters: 100000000, received: 100000000, issued: 100000000, cancelled: 0,
        in_boxes: 100000000, invalid: 0, valid: 100000000, votes: Array(bo.list.entries).fill(0), against_all: 0,
        preferences: bo.list.shape.map((n) => Array(n).fill(0)) };
      list.votes[0] = 100000000;
      const dc = bo.districts[s.district];
      const district = { kind: 'district', district: s.district, voters: 100, received: 100, issued: 0, cancelled: 100,
        in_boxes: 0, invalid: 0, valid: 0, votes: Array(dc.entries).fill(0), against_all: 0 };
      return [list, district];
    };
    const statuses = [];
    for (let i = 0; i < devs.length; i++) {
      const before = snapshot(O);
      const jws = signAs(devs[i], finalPayload(devs[i], 1, big(home[i])));
      const res = await postReport(jws);
      statuses.push(res.status);
      if (res.status !== 201) {
        assert.equal(snapshot(O), before, `station ${home[i].number}: a refused report leaves nothing`);
        assert.equal(stored(jws), 0);
      }
    }
    assert.ok(statuses.every((x) => x < 500), `reports: no 5xx (${statuses.join(',')})`);
    const paths = ['summary', 'regions', 'seats', 'seats/input', 'export/stations.json'];
    const answers = [];
    for (const e of [O, A]) {
      for (const path of paths) {
        const res = await request(`/api/v1/results/elections/${e}/${path}`);
        answers.push(`${e}/${path} ${res.status}`);
      }
    }
    assert.deepEqual(answers.filter((x) => x.endsWith(' 500')), [], 'no 5xx in the results of this or another election');
    } finally {
      dropElection(O);
    }
  });

  // (A first opening was once applied=false and missed area_turnout: a row IS NOT NULL only if every field is.)
  test('the first report of a station at an hour is applied, and counted in the areas\' turnout', async () => {
    const d = dev.firstHour;   // 1009
    const s = st.get(1009);
    const open = openingPayload(d, 1, s.voters);
    const r1 = await postReport(signAs(d, open));
    assert.equal(r1.status, 201, r1.text);
    const t = turnoutPayload(d, 2, 10, s.voters, 50);
    const r2 = await postReport(signAs(d, t));
    assert.equal(r2.status, 201, r2.text);
    const f = finalPayload(d, 3, stationContests(b, s, 18));
    const r3 = await postReport(signAs(d, f));
    assert.equal(r3.status, 201, r3.text);
    assert.deepEqual(turnoutMismatches(A), [], 'every area\'s turnout at every hour is the sum of its stations\'');
    assert.deepEqual([r1.json.report.applied, r2.json.report.applied], [true, true],
      'the opening and the first turnout at 10 are applied');
  });

  // The field of every other refusal inside a contest is "contests[i].member".
  test('a list contest without preferences names contests[0].preferences', async () => {
    const d = dev.malformed;
    const c = stationContests(b, st.get(1005), 17);
    delete c[0].preferences;
    await refused(signAs(d, finalPayload(d, 50, c)), 400, 'invalid_field', 'contests[0].preferences',
      { what: 'no preferences' });
  });

  test('after it all: the areas equal the stations\' sums; the log verifies from start to end', async () => {
    assert.deepEqual(areaSumMismatches(A), []);
    assert.deepEqual(areaSumMismatches(B), []);
    const entries = await verifyLog(A);
    assert.ok(entries.length >= 20, `${entries.length} entries`);
    const notApplied = (station) => entries.filter((e) => !e.applied && e.station === station)
      .map((e) => `${e.kind} ${e.seq_of_device}`);
    assert.ok(notApplied(1002).includes('final 6'), 'the late final is logged, not applied');
    assert.ok(notApplied(1002).includes('turnout 9'), 'the late turnout is logged, not applied');
    assert.deepEqual(entries.filter((e) => !e.applied && e.kind === 'final' && e.station !== 1006)
      .map((e) => `${e.station} ${e.seq_of_device}`), ['1002 6'], 'every other final is applied');
    // Every accepted report is in the log once, and only accepted reports are.
    const reports = psql(`SELECT id FROM asu_reports WHERE election_id = :'e'::integer ORDER BY id`, { e: A }).map((r) => Number(r[0]));
    assert.deepEqual(entries.map((e) => e.report_id).sort((x, y) => x - y), reports);
    // Log order is acceptance order.
    assert.deepEqual(entries.map((e) => e.report_id), [...reports]);
    await verifyLog(B);
    // Incidents of A by kind: what the tests above refused.
    const kinds = Object.fromEntries(psql(`SELECT kind, count(*) FROM asu_incidents WHERE election_id = :'e'::integer
        GROUP BY kind`, { e: A }).map(([k, n]) => [k, Number(n)]));
    assert.ok(kinds.sequence_conflict >= 4, JSON.stringify(kinds));
    assert.ok(kinds.wrong_station >= 4);
    assert.ok(kinds.control_failed >= 15);
    assert.ok(kinds.ballot_mismatch >= 14);
    // The CEC reads them through the API, a page at a time; nobody else does.
    const admin = await cec();
    const all = [];
    for (let after = 0, pages = 0; pages < 100; pages++) {
      const res = await admin.get(`/api/v1/asu/incidents?election=${A}&after=${after}&limit=7`);
      assert.equal(res.status, 200, res.text);
      all.push(...res.json.items);
      if (res.json.next_after === null) break;
      after = res.json.next_after;
    }
    const db = psql(`SELECT id, kind, code, encode(sha256, 'hex') FROM asu_incidents WHERE election_id = :'e'::integer
        ORDER BY id`, { e: A });
    assert.deepEqual(all.map((i) => [String(i.id), i.kind, i.code, i.sha256]), db);
    for (const i of all) assert.equal(i.sha256, sha256hex(i.jws), `incident ${i.id}: sha256 of its JWS`);
    assertError(await request(`/api/v1/asu/incidents?election=${A}`), 401);
  });
});

// The JWS of raw payload bytes (not UTF-8 text), signed by d.
function signRaw(d, bytes) {
  const input = `${b64u(JSON.stringify(HEADER(d.id)))}.${Buffer.from(bytes).toString('base64url')}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: d.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}
