// The manual count (cgi/api/protocols.c, sql/functions/028_protocols.sql):
// secretaries granted by their station's territorial commission; a protocol
// entered, each control relation refused as the ASU's is; corrections as new
// versions with a reason (never overwritten), each in the public log; the
// official sums beside the ASU's; the station's scans; the identification
// device's reports; discrepancies flagged and cleared, in public.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlValue, TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, pickVoters } from './cabinet_lib.mjs';
import { makePdf, makePng } from './files_lib.mjs';
import {
  setupElection, dropElection, setStatus, ballot, allStations, stationContests, registerDevice, signAs,
  postReport, finalPayload, stationTime, verifyLog, sha256hex, fresh,
} from './asu_lib.mjs';

const E = TEST_ELECTION_MIN + 860;
const TEC101 = '20101195000044';
const TEC201 = '11212198000077';
const [SECRETARY, SECRETARY2, NOBODY] = pickVoters('protocols', 3, { commission: 101 });
let tec101, tec201, secretary, secretary2, nobody;
let b, S, S2, S201;
const PROTOCOLS = (n) => `/api/v1/protocols/elections/${E}/stations/${n}`;
const SECRETARIES = (n) => `/api/v1/tec/stations/${n}/secretaries`;
// A station's page once it shows what pred waits for (the publisher rewrites its file after each write).
const station = (n, pred = () => true) =>
  fresh(`/api/v1/results/elections/${E}/stations/${n}`, (r) => r.status === 200 && pred(r.json));
const clone = (x) => JSON.parse(JSON.stringify(x));
const put = (who, path, body) => request(path, { method: 'PUT', body: JSON.stringify(body),
  headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf, 'Content-Type': 'application/json' } });

before(async () => {
  setupElection(E);
  b = ballot(E);
  const all = allStations();
  const of = (c) => Number(psqlValue(`SELECT number FROM stations WHERE commission_id = :'c'::integer AND NOT abroad
                                       ORDER BY number LIMIT 1 OFFSET :'k'::integer`, { c, k: 0 }));
  S = all.find((s) => s.number === of(101));
  S2 = all.find((s) => s.number === Number(psqlValue(`SELECT number FROM stations WHERE commission_id = 101
                                                        AND NOT abroad AND number <> :'s'::integer ORDER BY number LIMIT 1`, { s: S.number })));
  S201 = all.find((s) => s.number === of(201));
  psql(`DELETE FROM staff_roles WHERE role = 'station_secretary' AND pin = ANY (string_to_array(:'p', ','))`,
    { p: [SECRETARY, SECRETARY2, NOBODY].join(',') });
  [tec101, tec201, secretary, secretary2, nobody] = await Promise.all([TEC101, TEC201, SECRETARY, SECRETARY2, NOBODY].map(signIn));
});
after(() => {
  psql(`DELETE FROM staff_roles WHERE role = 'station_secretary' AND pin = ANY (string_to_array(:'p', ','))`,
    { p: [SECRETARY, SECRETARY2, NOBODY].join(',') });
  dropElection(E);
});

describe('secretaries', () => {
  test('the station\'s territorial commission grants; another commission may not; one station a person', async () => {
    let r = await tec101.post(SECRETARIES(S.number), { pin: SECRETARY });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.items.map((x) => x.pin), [SECRETARY]);
    r = await tec101.post(SECRETARIES(S.number), { pin: SECRETARY });
    assert.equal(r.status, 201, 'granting again changes nothing');
    assert.equal(r.json.items.length, 1);
    r = await tec101.post(SECRETARIES(S2.number), { pin: SECRETARY2 });
    assert.equal(r.status, 201, r.text);
    assertError(await tec101.post(SECRETARIES(S2.number), { pin: SECRETARY }), 409, 'secretary_elsewhere', 'pin');
    assertError(await tec201.post(SECRETARIES(S.number), { pin: NOBODY }), 403, 'outside_scope');
    assertError(await tec201.get(SECRETARIES(S.number)), 403, 'outside_scope');
    assertError(await tec101.post(SECRETARIES(10998), { pin: NOBODY }), 404, 'station_not_found', 'station');
    assertError(await tec101.post(SECRETARIES(S.number), { pin: '123' }), 400, 'invalid_field', 'pin');
    assertError(await nobody.post(SECRETARIES(S.number), { pin: NOBODY }), 403);
    const list = await tec101.get(SECRETARIES(S.number));
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.pin), [SECRETARY]);
    // The role shows in who am I, with its station.
    const me = await secretary.get('/api/v1/me');
    assert.ok(me.json.roles.some((x) => x.role === 'station_secretary' && x.station === S.number && x.commission_id === 101),
      JSON.stringify(me.json.roles));
    // Revoked, then granted back.
    r = await tec101.del(`${SECRETARIES(S2.number)}/${SECRETARY2}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items, []);
    assertError(await tec101.del(`${SECRETARIES(S2.number)}/${SECRETARY2}`), 404, 'not_found');
    assert.equal((await tec101.post(SECRETARIES(S2.number), { pin: SECRETARY2 })).status, 201);
  });
});

describe('the manual count', () => {
  let figures; // what the secretary enters first (the same as the ASU will send)

  test('the secretary enters the protocol: version 1, official figures, the log', async () => {
    figures = stationContests(b, S, 12);
    const r = await secretary.post(PROTOCOLS(S.number), { contests: figures });
    assert.equal(r.status, 201, r.text);
    const v = r.json;
    assert.equal(v.version, 1);
    assert.equal(v.station, S.number);
    assert.equal(v.role, 'station_secretary');
    assert.equal(v.reason, null);
    assert.ok(v.entered_by, 'who entered it (by name)');
    assert.ok(!JSON.stringify(v).includes(SECRETARY), 'the secretary\'s PIN is not public');
    assert.ok(v.log_seq >= 1);
    assert.deepEqual(v.contests, figures);
    const st = await station(S.number, (j) => j.versions.length === 1);
    assert.equal(st.status, 200, st.text);
    const list = st.json.contests.find((k) => k.kind === 'list');
    assert.equal(list.reported, false, 'no ASU report yet');
    assert.equal(list.official.reported, true);
    assert.equal(list.official.version, 1);
    assert.equal(list.official.issued, figures[0].issued);
    assert.deepEqual(list.official.entries.map((x) => x.votes), figures[0].votes);
    assert.equal(st.json.versions.length, 1);
    // The official sums: the country and the station's region count it.
    const sums = psql(`SELECT a.area, a.stations_reported, a.in_boxes FROM area_official_all a
                        WHERE a.contest_id = :'k'::integer AND a.area IN (0, :'r'::integer) ORDER BY a.area`,
    { k: b.list.id, r: S.region });
    assert.deepEqual(sums, [['0', '1', String(figures[0].in_boxes)], [String(S.region), '1', String(figures[0].in_boxes)]]);
    const summary = await fresh(`/api/v1/results/elections/${E}/summary`, (x) => x.json?.list?.official?.stations?.reported === 1);
    assert.equal(summary.json.list.official.stations.reported, 1, summary.text.slice(0, 400));
    assert.equal(summary.json.list.official.in_boxes, figures[0].in_boxes);
    assert.equal(summary.json.list.stations.reported, 0, 'the ASU\'s count stays apart');
  });

  test('each control relation broken is refused as the ASU\'s are; nothing is written', async () => {
    const before = psqlValue(`SELECT count(*) FROM protocol_versions WHERE election_id = :'e'::integer`, { e: E });
    const broken = (f) => { const c = clone(figures); f(c); return c; };
    const cases = [
      ['received_mismatch', (c) => { c[0].received += 1; }],
      ['in_boxes_mismatch', (c) => { c[0].in_boxes += 1; c[0].issued += 1; c[0].cancelled -= 1; }],
      ['valid_mismatch', (c) => { c[0].votes[0] += 1; }],
      ['in_boxes_above_issued', (c) => { c[1].issued = c[1].in_boxes - 1; c[1].cancelled = c[1].received - c[1].issued; }],
      ['issued_above_voters', (c) => { c[1].voters = c[1].issued - 1; }],
      ['preferences_above_votes', (c) => { c[0].preferences[0][0] = c[0].votes[0] + 1; }],
    ];
    for (const [code, f] of cases) {
      const r = await secretary.post(PROTOCOLS(S.number), { contests: broken(f), reason: 'a recount of the boxes' });
      assert.equal(r.status, 422, `${code}: ${r.text}`);
      assert.equal(r.json.error.code, code, r.text);
    }
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: broken((c) => { c[1].votes.push(0); }),
      reason: 'a recount of the boxes' }), 422, 'ballot_mismatch', 'contests');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: broken((c) => { c[1].district = (S.district % 36) + 1; }),
      reason: 'a recount of the boxes' }), 422, 'ballot_mismatch', 'contests');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: [figures[0]], reason: 'a recount of the boxes' }),
      422, 'ballot_mismatch', 'contests');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: broken((c) => { delete c[0].preferences; }),
      reason: 'a recount of the boxes' }), 400, 'invalid_field', 'contests[0].preferences');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: figures, note: 'x' }), 400, 'unknown_field', 'note');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: broken((c) => { c[0].voters = -1; }) }),
      400, 'invalid_field', 'contests[0].voters');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: figures, reason: 'short' }), 400, 'invalid_field', 'reason');
    assert.equal(psqlValue(`SELECT count(*) FROM protocol_versions WHERE election_id = :'e'::integer`, { e: E }), before);
  });

  test('a correction needs a reason, becomes version 2 with what changed; version 1 stays', async () => {
    const fixed = clone(figures);
    fixed[0].invalid += 1;
    fixed[0].valid -= 1;
    fixed[0].against_all -= 1;
    assert.ok(fixed[0].against_all >= 0);
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: fixed }), 422, 'reason_required', 'reason');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: fixed, reason: 'a ballot was invalid', complaint_id: 999999999 }),
      422, 'complaint_not_found', 'complaint_id');
    assertError(await secretary.post(PROTOCOLS(S.number), { contests: figures, reason: 'the same figures again' }),
      409, 'no_change', 'contests');
    const r = await secretary.post(PROTOCOLS(S.number), { contests: fixed, reason: 'one ballot found invalid at the recount' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.reason, 'one ballot found invalid at the recount');
    const changed = r.json.changes.map((c) => `${c.kind}.${c.line}:${c.from}->${c.to}`).sort();
    assert.deepEqual(changed, [
      `list.against_all:${figures[0].against_all}->${fixed[0].against_all}`,
      `list.invalid:${figures[0].invalid}->${fixed[0].invalid}`,
      `list.valid:${figures[0].valid}->${fixed[0].valid}`,
    ]);
    const st = await station(S.number, (j) => j.versions.length === 2);
    assert.deepEqual(st.json.versions.map((v) => v.version), [1, 2]);
    assert.deepEqual(st.json.versions[0].contests, figures, 'version 1 is never overwritten');
    const list = st.json.contests.find((k) => k.kind === 'list');
    assert.equal(list.official.version, 2, 'the totals use the latest version');
    assert.equal(list.official.invalid, fixed[0].invalid);
    assert.equal(psqlValue(`SELECT in_boxes - valid FROM area_official_all WHERE contest_id = :'k'::integer AND area = 0`,
      { k: b.list.id }), String(fixed[0].invalid));
    figures = fixed;
  });

  test('a correction names the complaint whose decision ordered it', async () => {
    const complaint = psqlValue(`INSERT INTO complaints (number, election_id, complainant_pin, complainant_name,
        complainant_kind, subject, station_number, happened_at, summary, received_at, commission_id, arrived_at, review_due)
      VALUES ('Ж-' || :'e' || '-00001', :'e'::integer, :'p', 'Тест', 'voter', 'station', :'s'::integer, now(),
              'Подсчёт голосов вели с нарушениями', now(), 101, now(), now() + interval '3 days') RETURNING id`,
    { e: E, p: NOBODY, s: S.number }).split('\n')[0];
    const fixed = clone(figures);
    fixed[1].votes[0] += 1;
    fixed[1].against_all -= 1;
    if (fixed[1].against_all < 0) { fixed[1].against_all += 1; fixed[1].votes[1] -= 1; }
    const r = await secretary.post(PROTOCOLS(S.number), { contests: fixed, reason: 'recount ordered by the TEC\'s decision',
      complaint_id: Number(complaint) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 3);
    assert.equal(r.json.complaint.id, Number(complaint));
    assert.ok(r.json.changes.every((c) => c.kind === 'district'));
    figures = fixed;
  });

  test('another station\'s secretary, another commission, a voter: refused', async () => {
    assertError(await secretary2.post(PROTOCOLS(S.number), { contests: figures, reason: 'not my station at all' }),
      403, 'outside_scope');
    assertError(await tec201.post(PROTOCOLS(S.number), { contests: figures, reason: 'not my commission at all' }),
      403, 'outside_scope');
    assertError(await nobody.post(PROTOCOLS(S.number), { contests: figures }), 403);
    assertError(await request(PROTOCOLS(S.number), { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ contests: figures }) }), 401);
    assertError(await secretary.post(`/api/v1/protocols/elections/${E + 1}/stations/${S.number}`, { contests: figures }),
      404, 'not_found');
    // The TEC's administrator may enter a station's protocol; a first version takes no reason.
    const f2 = stationContests(b, S2, 7);
    assertError(await tec101.post(PROTOCOLS(S2.number), { contests: f2, reason: 'the first count needs none' }),
      422, 'reason_not_allowed', 'reason');
    const r = await tec101.post(PROTOCOLS(S2.number), { contests: f2 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.role, 'tec_admin');
  });

  test('every version is in the public log, the chain verifies', async () => {
    const entries = await verifyLog(E);
    const mine = entries.filter((x) => x.kind === 'protocol' && x.station === S.number);
    assert.deepEqual(mine.map((x) => x.version), [1, 2, 3]);
    const body = JSON.parse(mine[1].body);
    assert.equal(body.reason, 'one ballot found invalid at the recount');
    assert.ok(!mine[1].body.includes(SECRETARY), 'no PIN in the log');
  });
});

describe('scans of the station\'s count', () => {
  test('each kind uploaded by the secretary, public on the station\'s page; others refused', async () => {
    const st = await station(S.number);
    const count = st.json.count_id;
    assert.ok(count > 0);
    const kinds = { asu_initial_report: makePng(), asu_final_report: makePdf(1), identification_first_report: makePdf(2),
      identification_final_report: makePdf(3), manual_count_protocol: makePdf(2) };
    for (const [kind, bytes] of Object.entries(kinds)) {
      const r = await secretary.post(`/api/v1/documents/counts/${count}/${kind}`, bytes, { type: 'application/octet-stream' });
      assert.equal(r.status, 201, `${kind}: ${r.text}`);
      assert.equal(r.json.document.visibility, 'public');
      assert.equal(r.json.document.sha256, sha256hex(bytes));
      assert.deepEqual(r.json.document.owner, { type: 'counts', id: count });
    }
    assertError(await secretary.post(`/api/v1/documents/counts/${count}/identification_final_report`, makePng(),
      { type: 'application/octet-stream' }), 415, 'type_not_allowed');
    assertError(await secretary2.post(`/api/v1/documents/counts/${count}/asu_final_report`, makePdf(1),
      { type: 'application/octet-stream' }), 403, 'outside_scope');
    assertError(await tec201.post(`/api/v1/documents/counts/${count}/asu_final_report`, makePdf(1),
      { type: 'application/octet-stream' }), 403, 'outside_scope');
    const after = await station(S.number, (j) => j.documents.length === 5);
    assert.deepEqual(after.json.documents.map((d) => d.kind).sort(), Object.keys(kinds).sort());
    const list = await request(`/api/v1/documents/counts/${count}`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 5);
  });
});

describe('discrepancies and identification', () => {
  let asu, idDevice, seq = 0, idSeq = 0;
  const flags = async (n, count) => (await station(n, (j) => j.flags.length === count)).json.flags;
  // The national list is published with the exports (every PUBLISH_EXPORT_MS): waited for longer.
  const national = (pred = () => true) => fresh(`/api/v1/results/elections/${E}/discrepancies`,
    (r) => r.status === 200 && pred(r.json), { timeoutMs: 25000 });

  test('the ASU\'s count beside the manual count: every differing line flagged, in public, and cleared', async () => {
    asu = await registerDevice(E, S);
    const manual = psql(`SELECT figures::text FROM protocol_versions WHERE election_id = :'e'::integer
                           AND station_number = :'s'::integer ORDER BY version DESC LIMIT 1`, { e: E, s: S.number })[0][0];
    const same = JSON.parse(manual);
    // The ASU counted one more vote for the first party than the commission did.
    const asuFigures = clone(same);
    asuFigures[0].votes[0] += 1;
    asuFigures[0].valid += 1;
    asuFigures[0].invalid -= 1;
    let r = await postReport(signAs(asu, finalPayload(asu, ++seq, asuFigures)));
    assert.equal(r.status, 201, r.text);
    let f = await flags(S.number, 3);
    assert.deepEqual(f.map((x) => `${x.contest_kind}.${x.line}${x.entry ? `[${x.entry}]` : ''}:${x.asu}->${x.manual}`).sort(), [
      `list.invalid:${asuFigures[0].invalid}->${same[0].invalid}`,
      `list.valid:${asuFigures[0].valid}->${same[0].valid}`,
      `list.votes[1]:${asuFigures[0].votes[0]}->${same[0].votes[0]}`,
    ]);
    const n = await national((j) => j.items.length === 3);
    assert.equal(n.status, 200, n.text);
    assert.equal(n.json.stations, 1);
    assert.ok(n.json.items.every((x) => x.station === S.number && Math.abs(x.difference) === 1));
    assert.equal(n.json.items[0].documents.length, 5, 'the documents at hand');
    const csv = await fresh(`/api/v1/results/elections/${E}/discrepancies.csv`, (x) => x.text.trim().split('\n').length === 4,
      { timeoutMs: 25000 });
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.equal(csv.text.trim().split('\n').length, 4, csv.text);
    const region = await fresh(`/api/v1/results/elections/${E}/regions/${S.region}`,
      (x) => x.json?.stations?.find((y) => y.number === S.number)?.flagged === true);
    const brief = region.json.stations.find((x) => x.number === S.number);
    assert.equal(brief.flagged, true, 'the region\'s list of stations marks it');
    assert.equal(brief.counted, true);
    assert.equal(brief.reported, true);
    // A later ASU report with the commission's figures: the flags clear.
    r = await postReport(signAs(asu, finalPayload(asu, ++seq, same)));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(await flags(S.number, 0), []);
    assert.equal((await national((j) => j.items.length === 0)).json.items.length, 0);
  });

  test('identification: a device of its own, reports by method, flagged beyond the tolerance', async () => {
    // An ASU cannot send identification figures, nor an identification device a count.
    const wrong = { kind: 'identification', device_id: asu.id, election_id: E, station: S.number, seq: ++seq,
      time: stationTime(), stage: 'final', voters: S.voters, identified: { face: 1, fingerprint: 1, document: 1 } };
    assertError(await postReport(signAs(asu, wrong)), 422, 'wrong_device_kind', 'kind');
    const admin = await signIn('21111197000066');
    const keys = (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = `8${String(E).padStart(7, '0')}${String(S.number).padStart(12, '0')}`;
    let r = await admin.post('/api/v1/asu/devices', { device_id: id, election_id: E, station_number: S.number,
      public_key: keys.publicKey.export({ type: 'spki', format: 'pem' }), kind: 'identification' });
    assert.equal(r.status, 201, r.text);
    idDevice = { id, election: E, station: S.number, privateKey: keys.privateKey };
    const issued = JSON.parse(psql(`SELECT figures::text FROM protocol_versions WHERE election_id = :'e'::integer
      AND station_number = :'s'::integer ORDER BY version DESC LIMIT 1`, { e: E, s: S.number })[0][0])[0].issued;
    const report = (stage, face, fingerprint, document) => ({ kind: 'identification', device_id: id, election_id: E,
      station: S.number, seq: ++idSeq, time: stationTime(), stage, voters: S.voters, identified: { face, fingerprint, document } });
    assertError(await postReport(signAs(idDevice, finalPayload(idDevice, ++idSeq, []))), 400, 'invalid_field');
    assertError(await postReport(signAs(idDevice, report('final', S.voters, 1, 0))), 422, 'control_failed', 'identified');
    r = await postReport(signAs(idDevice, report('first', 10, 2, 1)));
    assert.equal(r.status, 201, r.text);
    // At the close: 20 fewer identified than ballots issued, beyond max(3, 1%).
    r = await postReport(signAs(idDevice, report('final', issued - 25, 4, 1)));
    assert.equal(r.status, 201, r.text);
    let f = await flags(S.number, 1);
    assert.deepEqual(f.map((x) => [x.kind, x.line, x.asu, x.manual, x.difference]), [['identification', 'identified', issued, issued - 20, -20]]);
    const st = await station(S.number, (j) => j.identification.length === 2);
    assert.deepEqual(st.json.identification.map((x) => [x.stage, x.identified]), [['first', 13], ['final', issued - 20]]);
    // The CEC widens the tolerance to 25 ballots: cleared; back to 3: flagged again.
    assertError(await put(secretary, `/api/v1/elections/${E}/flag-tolerance`, { ballots: 25, permille: 10 }), 403);
    let t = await put(admin, `/api/v1/elections/${E}/flag-tolerance`, { ballots: 25, permille: 10 });
    assert.equal(t.status, 200, t.text);
    assert.deepEqual(t.json.tolerance, { ballots: 25, permille: 10 });
    assert.deepEqual(await flags(S.number, 0), []);
    assertError(await put(admin, `/api/v1/elections/${E}/flag-tolerance`, { ballots: -1, permille: 10 }), 400, 'invalid_field', 'ballots');
    assertError(await put(admin, `/api/v1/elections/${E + 1}/flag-tolerance`, { ballots: 3, permille: 10 }), 404, 'election_not_found');
    t = await put(admin, `/api/v1/elections/${E}/flag-tolerance`, { ballots: 3, permille: 10 });
    assert.equal(t.status, 200, t.text);
    assert.equal((await flags(S.number, 1)).length, 1);
    // Within the tolerance (2 apart): cleared.
    r = await postReport(signAs(idDevice, report('final', issued - 6, 3, 1)));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(await flags(S.number, 0), []);
    const summary = await fresh(`/api/v1/results/elections/${E}/summary`,
      (x) => x.json?.identification?.some((i) => i.stage === 'final' && i.identified === issued - 2));
    const fin = summary.json.identification.find((i) => i.stage === 'final');
    assert.equal(fin.identified, issued - 2, summary.text.slice(0, 300));
    assert.equal(fin.face + fin.fingerprint + fin.document, fin.identified);
  });
});

describe('a closed election', () => {
  test('takes no more versions', async () => {
    setStatus(E, 'completed');
    try {
      const fixed = stationContests(b, S, 99);
      assertError(await secretary.post(PROTOCOLS(S.number), { contests: fixed, reason: 'too late for a correction' }),
        422, 'election_closed');
    } finally {
      setStatus(E, 'counting');
    }
  });
});
