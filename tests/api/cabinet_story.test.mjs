// The whole story of an application, through the API only: the voter applies
// to move to another station of commission 101; the identification operator
// of that commission finds it, records the biometric identification, sends
// the day's register; the TEC administrator approves (the voter moves) or
// rejects.  And what staff of another commission cannot do.
//
// Registers are per commission and take every identified application of it:
// identification and register are done back to back to keep the window in
// which a parallel test of commission 101 could take ours (or we theirs) small.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, assertKeys, psql, psqlInt, sleep } from './lib.mjs';
import {
  signIn, pickVoters, voterRow, stationOf, cleanupVoters, openElection, dropElection, stationCount, quietCommission, DEVICES,
  STAFF, APPLICATION_KEYS,
} from './cabinet_lib.mjs';

const [S, R, U, X, Y] = pickVoters('cabinet-story', 5);
const MINE = [S, R, U, X, Y];
let election;
let op101; let op201; let tec101; let tec201;

before(async () => {
  cleanupVoters(MINE);
  election = openElection(50);
  [op101, op201, tec101, tec201] = await Promise.all([STAFF.operator101, STAFF.operator201, STAFF.tec101,
    STAFF.tec201].map(signIn));
});
after(() => {
  cleanupVoters(MINE);
  if (election.test) dropElection(election.id);
});

// Another station of commission 101 than the voter's (1003 if possible: 1001 and 1002 are the demo voter's).
function targetFor(pin) {
  const from = stationOf(pin);
  return from === 1003 ? 1002 : 1003;
}

async function apply(c, to) {
  const res = await c.post('/api/v1/cabinet/applications', { election_id: election.id, kind: 'move_home', station_number: to });
  assert.equal(res.status, 201, `apply: ${res.status} ${res.text}`);
  return res.json.application;
}

const identify = (op, id, matched = true, device = DEVICES[101][0]) =>
  op.post('/api/v1/biometrics/identifications', { application_id: id, device_id: device, matched });
const sendRegister = (op) => op.post('/api/v1/biometrics/registers', {});
// See the note at the top.
const quiet = () => quietCommission(101, MINE);
const decide = (tec, id, body) => tec.post(`/api/v1/tec/applications/${id}/decision`, body);

// Applies, identifies and sends the register; returns { app, register }.
async function upToRegister(voter, to) {
  const app = await apply(voter, to);
  await quiet();
  const idf = await identify(op101, app.id);
  const reg = await sendRegister(op101);
  assert.equal(idf.status, 201, `identify: ${idf.status} ${idf.text}`);
  assert.equal(reg.status, 201, `register: ${reg.status} ${reg.text}`);
  assert.ok(reg.json.register.applications.includes(app.id), 'our application is in the register');
  return { app, register: reg.json.register };
}

describe('the whole story: applied, identified, in the register, approved', () => {
  let voter; let app; let from; let to; let device; let register; let countsBefore;

  before(async () => {
    voter = await signIn(S);
    from = stationOf(S);
    to = targetFor(S);
  });

  test('the voter applies to move to another station of commission 101', async () => {
    app = await apply(voter, to);
    assert.equal(app.status, 'awaiting_identification');
    assert.equal(app.station_from, from);
    assert.equal(app.station_to, to);
    assert.equal(app.commission.id, 101);
  });

  test('the operator of commission 101 finds it by PIN and by id', async () => {
    const byPin = await op101.get(`/api/v1/biometrics/applications?pin=${S}`);
    assert.equal(byPin.status, 200, byPin.text);
    assert.match(byPin.headers['cache-control'] ?? '', /no-store/);
    assert.deepEqual(byPin.json.items.map((x) => x.id), [app.id]);
    const item = byPin.json.items[0];
    assertKeys(item, [...APPLICATION_KEYS, 'voter'], 'found application');
    assert.deepEqual(item.voter, { pin: S, name: voterRow(S).name });
    assert.equal(item.status, 'awaiting_identification');
    const byId = await op101.get(`/api/v1/biometrics/applications?id=${app.id}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.json, byPin.json, 'by id: the same');
    const both = await op101.get(`/api/v1/biometrics/applications?pin=${S}&id=${app.id}`);
    assert.deepEqual(both.json.items.map((x) => x.id), [app.id]);
    const mismatch = await op101.get(`/api/v1/biometrics/applications?pin=${R}&id=${app.id}`);
    assert.deepEqual(mismatch.json.items, [], 'pin and id of different people: nothing');
  });

  test("identified (device id of 20 digits); the day's register lists it not_processed; sent: in_register", async () => {
    device = DEVICES[101][1];
    // Identification, day's register, sending: back to back (see the note at the top).
    await quiet();
    const res = await identify(op101, app.id, true, device);
    const day = await op101.get('/api/v1/biometrics/register');
    const reg = await sendRegister(op101);
    const dayAfter = await op101.get('/api/v1/biometrics/register');

    assert.equal(res.status, 201, res.text);
    assertKeys(res.json, ['identification', 'application'], 'body');
    assertKeys(res.json.identification, ['id', 'device_id', 'at', 'matched'], 'identification');
    assert.equal(res.json.identification.device_id, device);
    assert.equal(res.json.identification.matched, true);
    assert.equal(res.json.application.status, 'identified');
    assert.equal(res.json.application.identification.device_id, device);

    assert.equal(day.status, 200, day.text);
    assert.match(day.headers['cache-control'] ?? '', /no-store/);
    assertKeys(day.json, ['date', 'commission_id', 'items'], "the day's register");
    assert.equal(day.json.commission_id, 101);
    assert.equal(day.json.date, psql(`SELECT to_char(current_date, 'YYYY-MM-DD')`)[0][0]);
    const row = day.json.items.find((x) => x.application_id === app.id);
    assert.ok(row, "the day's register lists our application");
    assertKeys(row, ['application_id', 'name', 'photo', 'device_id', 'at', 'matched', 'status'], 'register row');
    assert.equal(row.name, voterRow(S).name);
    assert.equal(row.device_id, device);
    assert.equal(row.matched, true);
    assert.equal(row.at, res.json.identification.at);
    assert.ok(Math.abs(Date.parse(row.at) - Date.now()) < 120000, `at ${row.at} is now`);
    assert.equal(row.status, 'not_processed');

    assert.equal(reg.status, 201, `register: ${reg.status} ${reg.text}`);
    register = reg.json.register;
    assertKeys(register, ['id', 'commission_id', 'formed_at', 'applications'], 'register');
    assert.equal(register.commission_id, 101);
    assert.ok(register.applications.includes(app.id), `the register ${JSON.stringify(register)} has ${app.id}`);
    const rowAfter = dayAfter.json.items.find((x) => x.application_id === app.id);
    assert.equal(rowAfter.status, 'in_register', "sent: in_register in the day's register");
    const byDate = await op101.get(`/api/v1/biometrics/register?date=${day.json.date}`);
    assert.ok(byDate.json.items.some((x) => x.application_id === app.id), 'the same with ?date=today');
    const mine = await voter.get(`/api/v1/cabinet/applications/${app.id}`);
    assert.equal(mine.json.application.status, 'in_register', 'the voter sees in_register');
  });

  test('a second register: 422 nothing_to_send', async () => {
    await quiet();
    assertError(await sendRegister(op101), 422, 'nothing_to_send');
  });

  test('the TEC administrator of 101 sees the register and its applications', async () => {
    const list = await tec101.get('/api/v1/tec/registers');
    assert.equal(list.status, 200, list.text);
    const r = list.json.items.find((x) => x.id === register.id);
    assert.ok(r, 'the register is listed');
    assertKeys(r, ['id', 'formed_at', 'applications', 'pending'], 'register in the list');
    assert.ok(r.applications >= 1 && r.pending >= 1);
    const one = await tec101.get(`/api/v1/tec/registers/${register.id}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.register.id, register.id);
    assert.equal(one.json.register.commission_id, 101);
    const a = one.json.register.applications.find((x) => x.id === app.id);
    assert.ok(a, 'our application is in it');
    assert.equal(a.status, 'in_register');
    assert.deepEqual(a.voter, { pin: S, name: voterRow(S).name });
    assert.equal(a.station_to, to);
  });

  test('approved: the voter moves (voters, station_moves), and the cabinet shows it with the full history', async () => {
    countsBefore = [await stationCount(from, S), await stationCount(to, S)];
    const res = await decide(tec101, app.id, { approve: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.application.status, 'approved');
    assert.equal(res.json.application.decision_reason, null);
    assert.equal(stationOf(S), to, 'voters.station_number changed');
    const moves = psql(`SELECT from_station, to_station, application_id FROM station_moves WHERE pin = :'p'`, { p: S });
    assert.deepEqual(moves, [[String(from), String(to), String(app.id)]], 'station_moves has the move');

    const mine = await voter.get(`/api/v1/cabinet/applications/${app.id}`);
    assert.equal(mine.status, 200);
    const a = mine.json.application;
    assert.equal(a.status, 'approved');
    assert.deepEqual(a.history.map((e) => [e.status, e.by]), [['awaiting_identification', 'voter'],
      ['identified', 'operator'], ['in_register', 'operator'], ['approved', 'tec_admin']], 'the full history: 4 events');
    for (const e of a.history) assert.equal(e.commission_id, 101);
    const times = a.history.map((e) => Date.parse(e.at));
    assert.deepEqual(times, [...times].sort((x, y) => x - y), 'in order of time');
    assert.equal(a.identification.device_id, device);

    const cab = await voter.get('/api/v1/cabinet');
    assert.equal(cab.json.voter.station.number, to, 'the cabinet shows the new station');
    const hist = await voter.get('/api/v1/cabinet/history');
    assert.equal(hist.status, 200);
    assert.equal(hist.json.items.length, 1);
    assertKeys(hist.json.items[0], ['at', 'from_station', 'to_station', 'application_id', 'reason', 'boundary_change'], 'move');
    assert.equal(hist.json.items[0].reason, 'application');
    assert.equal(hist.json.items[0].boundary_change, null);
    assert.equal(hist.json.items[0].from_station, from);
    assert.equal(hist.json.items[0].to_station, to);
    assert.equal(hist.json.items[0].application_id, app.id);
  });

  test('Tizme shows the new station', async () => {
    const res = await request(`/api/v1/tizme/voters/${S}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.voter.station.number, to);
  });

  test("the stations' voter counts moved by one each", async () => {
    await sleep(1100); // the 1 s microcache of /api/v1/stations
    const after0 = [await stationCount(from, S), await stationCount(to, S)];
    // Net of what other tests did meanwhile to the other voters of these stations.
    const delta = (i) => (after0[i].api - countsBefore[i].api) - (after0[i].others - countsBefore[i].others);
    assert.equal(delta(0), -1, `station ${from} (was ${JSON.stringify(countsBefore[0])}, now ${JSON.stringify(after0[0])})`);
    assert.equal(delta(1), +1, `station ${to} (was ${JSON.stringify(countsBefore[1])}, now ${JSON.stringify(after0[1])})`);
  });

  test('deciding again: 409 already_decided, nothing changes', async () => {
    assertError(await decide(tec101, app.id, { approve: true }), 409, 'already_decided');
    assertError(await decide(tec101, app.id, { approve: false, reason: 'передумали' }), 409, 'already_decided');
    assert.equal(stationOf(S), to);
    assert.equal(psqlInt(`SELECT count(*) FROM application_events WHERE application_id = :'id'`, { id: app.id }), 4);
    // And the identification is over too.
    assertError(await identify(op101, app.id), 409, 'not_awaiting_identification');
  });
});

describe('a rejection', () => {
  test('needs a reason (400 reason_required); with one: rejected, the voter stays', async () => {
    const voter = await signIn(R);
    const from = stationOf(R);
    const { app } = await upToRegister(voter, targetFor(R));
    const events = psqlInt(`SELECT count(*) FROM application_events WHERE application_id = :'id'`, { id: app.id });
    for (const body of [{ approve: false }, { approve: false, reason: '' }, { approve: false, reason: null }]) {
      assertError(await decide(tec101, app.id, body), 400, 'reason_required', 'reason');
    }
    assertError(await decide(tec101, app.id, { approve: false, reason: 'ж'.repeat(1001) }), 400, 'invalid_field', 'reason');
    assertError(await decide(tec101, app.id, { approve: 'no', reason: 'x' }), 400, 'invalid_field', 'approve');
    assertError(await decide(tec101, app.id, { approve: false, reason: 'x', extra: 1 }), 400, 'unknown_field', 'extra');
    assertError(await decide(tec101, app.id, { reason: 'x' }), 400, 'invalid_field', 'approve');
    assert.equal(psqlInt(`SELECT count(*) FROM application_events WHERE application_id = :'id'`, { id: app.id }), events,
      'nothing written by the refused decisions');

    const reason = 'Адрес не подтверждён';
    const res = await decide(tec101, app.id, { approve: false, reason });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.application.status, 'rejected');
    assert.equal(res.json.application.decision_reason, reason);
    assert.equal(stationOf(R), from, 'the voter stays where they were');
    assert.equal(psqlInt(`SELECT count(*) FROM station_moves WHERE pin = :'p'`, { p: R }), 0, 'no move');

    const mine = await voter.get(`/api/v1/cabinet/applications/${app.id}`);
    assert.equal(mine.json.application.status, 'rejected');
    assert.equal(mine.json.application.decision_reason, reason);
    assert.deepEqual(mine.json.application.history.map((e) => e.status),
      ['awaiting_identification', 'identified', 'in_register', 'rejected']);
    assert.equal(mine.json.application.history[3].comment, reason);
    const cab = await voter.get('/api/v1/cabinet');
    assert.equal(cab.json.voter.station.number, from);
    assert.deepEqual((await voter.get('/api/v1/cabinet/history')).json, { items: [] });
    assertError(await decide(tec101, app.id, { approve: true }), 409, 'already_decided');
    assert.equal(stationOf(R), from);

    // Rejected is done: the voter may apply again.
    const again = await voter.post('/api/v1/cabinet/applications', { election_id: election.id, kind: 'correction' });
    assert.equal(again.status, 201, again.text);
  });

  test('an approved correction moves nobody', async () => {
    const voter = await signIn(R);
    const from = stationOf(R);
    const pending = (await voter.get('/api/v1/cabinet/applications')).json.items.find((x) => x.status === 'awaiting_identification');
    assert.ok(pending, 'the correction of the test before');
    assert.equal(pending.kind, 'correction');
    await quiet();
    const idf = await identify(op101, pending.id);
    const reg = await sendRegister(op101);
    assert.equal(idf.status, 201, idf.text);
    assert.equal(reg.status, 201, reg.text);
    const res = await decide(tec101, pending.id, { approve: true, reason: 'исправлено' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.application.status, 'approved');
    assert.equal(res.json.application.decision_reason, 'исправлено');
    assert.equal(stationOf(R), from);
    assert.equal(psqlInt(`SELECT count(*) FROM station_moves WHERE pin = :'p'`, { p: R }), 0);
  });
});

describe('an unmatched identification', () => {
  test('keeps the application awaiting identification, and it does not go into a register', async () => {
    const voter = await signIn(U);
    const app = await apply(voter, targetFor(U));
    const device = DEVICES[101][1];
    const res = await identify(op101, app.id, false, device);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.identification.matched, false);
    assert.equal(res.json.application.status, 'awaiting_identification');
    const mine = await voter.get(`/api/v1/cabinet/applications/${app.id}`);
    assert.equal(mine.json.application.status, 'awaiting_identification');
    assert.deepEqual(mine.json.application.history.map((e) => [e.status, e.by]),
      [['awaiting_identification', 'voter'], ['awaiting_identification', 'operator']]);
    assert.equal(mine.json.application.identification.matched, false);

    const day = await op101.get('/api/v1/biometrics/register');
    const row = day.json.items.find((x) => x.application_id === app.id);
    assert.ok(row, "the day's register records the attempt");
    assert.equal(row.matched, false);
    assert.equal(row.device_id, device);
    assert.equal(row.status, 'not_processed');

    // A register sent now does not take it.
    await quiet();
    const reg = await sendRegister(op101);
    if (reg.status === 201) assert.ok(!reg.json.register.applications.includes(app.id), 'not in the register');
    else assertError(reg, 422, 'nothing_to_send');
    assert.equal(psql(`SELECT status FROM applications WHERE id = :'id'`, { id: app.id })[0][0], 'awaiting_identification');
    // Not yet in a register: cannot be decided.
    assertError(await decide(tec101, app.id, { approve: true }), 409, 'not_in_register');
    // Still found by the operator; a second, matched identification identifies it.
    const found = await op101.get(`/api/v1/biometrics/applications?pin=${U}`);
    assert.deepEqual(found.json.items.map((x) => x.id), [app.id]);
    await quiet();
    const ok = await identify(op101, app.id, true);
    const reg2 = await sendRegister(op101);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.application.status, 'identified');
    assert.equal(reg2.status, 201, reg2.text);
    assert.ok(reg2.json.register.applications.includes(app.id));
  });

  test('bad identifications are refused (400) and write nothing', async () => {
    const voter = await signIn(X);
    cleanupVoters([X]);
    const app = await apply(voter, targetFor(X));
    const n = () => psqlInt(`SELECT count(*) FROM identifications WHERE application_id = :'id'`, { id: app.id });
    const cases = [
      [{ application_id: app.id, device_id: '1234567890123456789', matched: true }, 'invalid_field', 'device_id'],
      [{ application_id: app.id, device_id: '123456789012345678901', matched: true }, 'invalid_field', 'device_id'],
      [{ application_id: app.id, device_id: '1234567890123456789a', matched: true }, 'invalid_field', 'device_id'],
      [{ application_id: app.id, device_id: 12345678901234567890, matched: true }, 'invalid_field', 'device_id'],
      [{ application_id: app.id, device_id: DEVICES[101][0], matched: 'yes' }, 'invalid_field', 'matched'],
      [{ application_id: app.id, device_id: DEVICES[101][0] }, 'invalid_field', 'matched'],
      [{ application_id: String(app.id), device_id: DEVICES[101][0], matched: true }, 'invalid_field', 'application_id'],
      [{ application_id: app.id, device_id: DEVICES[101][0], matched: true, photo: 'x' }, 'unknown_field', 'photo'],
    ];
    for (const [body, code, field] of cases) assertError(await op101.post('/api/v1/biometrics/identifications', body), 400, code, field);
    assertError(await identify(op101, 999999999999), 404, 'application_not_found', 'application_id');
    assert.equal(n(), 0, 'no identification written');
    assert.equal(psql(`SELECT status FROM applications WHERE id = :'id'`, { id: app.id })[0][0], 'awaiting_identification');
    const day = await op101.get('/api/v1/biometrics/register?date=2026-13-01');
    assertError(day, 400, 'invalid_parameter', 'date');
  });

  test("the day's register of a date that is no day (2026-02-31, 2026-04-31, 2026-+1-01): 400, not 500", async () => {
    const wrong = [];
    for (const date of ['2026-02-31', '2026-04-31', '2026-+1-01', '2026-01-+1']) {
      const res = await op101.get(`/api/v1/biometrics/register?date=${encodeURIComponent(date)}`);
      if (res.status !== 400) wrong.push(`GET /api/v1/biometrics/register?date=${date}: ${res.status} ${res.text}`);
      else assertError(res, 400, 'invalid_parameter', 'date');
    }
    assert.deepEqual(wrong, [], 'expected 400 invalid_parameter (field date) for each');
  });
});

describe('staff of another commission', () => {
  let voter; let app; let register;

  before(async () => {
    cleanupVoters([X]);
    voter = await signIn(X);
  });

  test('the operator of 201 cannot see or identify an application of 101', async () => {
    app = await apply(voter, targetFor(X));
    const byPin = await op201.get(`/api/v1/biometrics/applications?pin=${X}`);
    assert.equal(byPin.status, 200, byPin.text);
    assert.deepEqual(byPin.json.items, [], 'not found by PIN');
    const byId = await op201.get(`/api/v1/biometrics/applications?id=${app.id}`);
    assert.deepEqual(byId.json.items, [], 'not found by id');
    assertError(await identify(op201, app.id), 403, 'outside_scope');
    assertError(await identify(op201, app.id, false), 403, 'outside_scope');
    assert.equal(psqlInt(`SELECT count(*) FROM identifications WHERE application_id = :'id'`, { id: app.id }), 0);
    const mine = await voter.get(`/api/v1/cabinet/applications/${app.id}`);
    assert.equal(mine.json.application.status, 'awaiting_identification');
    assert.equal(mine.json.application.history.length, 1);
  });

  test("the TEC administrator of 201 cannot see 101's registers or decide its applications", async () => {
    await quiet();
    const idf = await identify(op101, app.id);
    const reg = await sendRegister(op101);
    assert.equal(idf.status, 201, idf.text);
    assert.equal(reg.status, 201, reg.text);
    register = reg.json.register;
    // The day's register of 201 does not list 101's identification.
    const day201 = await op201.get('/api/v1/biometrics/register');
    assert.equal(day201.status, 200);
    assert.ok(!day201.json.items.some((x) => x.application_id === app.id), "not in 201's day register");
    assert.equal(day201.json.commission_id, 201);

    const list = await tec201.get('/api/v1/tec/registers');
    assert.equal(list.status, 200);
    assert.ok(!list.json.items.some((x) => x.id === register.id), "101's register is not in 201's list");
    assertError(await tec201.get(`/api/v1/tec/registers/${register.id}`), 403, 'outside_scope');
    assertError(await decide(tec201, app.id, { approve: true }), 403, 'outside_scope');
    assertError(await decide(tec201, app.id, { approve: false, reason: 'чужая' }), 403, 'outside_scope');
    const from = voterRow(X).station;
    assert.equal(psql(`SELECT status FROM applications WHERE id = :'id'`, { id: app.id })[0][0], 'in_register');
    assert.equal(stationOf(X), from);
    // Its own TEC can.
    const ok = await decide(tec101, app.id, { approve: false, reason: 'проверка' });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe('at the same time', () => {
  test('two identifications of one application at once: one 201, one 409; two decisions at once: one moves the voter', async () => {
    cleanupVoters([Y]);
    const voter = await signIn(Y);
    const from = stationOf(Y);
    const to = targetFor(Y);
    const app = await apply(voter, to);
    await quiet();
    const [i1, i2] = await Promise.all([identify(op101, app.id), identify(op101, app.id)]);
    const reg = await sendRegister(op101);
    assert.deepEqual([i1.status, i2.status].sort(), [201, 409], `${i1.text} | ${i2.text}`);
    assertError([i1, i2].find((r) => r.status === 409), 409, 'not_awaiting_identification');
    assert.equal(psqlInt(`SELECT count(*) FROM identifications WHERE application_id = :'id'`, { id: app.id }), 1);
    assert.equal(reg.status, 201, reg.text);
    assert.ok(reg.json.register.applications.includes(app.id));

    const [d1, d2] = await Promise.all([decide(tec101, app.id, { approve: true }), decide(tec101, app.id, { approve: true })]);
    assert.deepEqual([d1.status, d2.status].sort(), [200, 409], `${d1.text} | ${d2.text}`);
    assertError([d1, d2].find((r) => r.status === 409), 409, 'already_decided');
    assert.equal(stationOf(Y), to);
    assert.deepEqual(psql(`SELECT from_station, to_station FROM station_moves WHERE pin = :'p'`, { p: Y }),
      [[String(from), String(to)]], 'one move');
    assert.equal(psqlInt(`SELECT count(*) FROM application_events WHERE application_id = :'id'`, { id: app.id }), 4);
  });
});
