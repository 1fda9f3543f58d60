// The voter cabinet, read side: GET /api/v1/cabinet (profile from the
// population registry through Tunduk, my station, upcoming elections), what
// happens when Tunduk fails, how each Tunduk call is made and recorded, the
// registry's answer kept a few minutes, and the other GET routes of the cabinet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, assertKeys, assertSecurityHeaders, psql, STATION_KEYS } from './lib.mjs';
import {
  signIn, pickVoters, voterRow, cleanupVoters, insertElection, dropElection, tundukFault, tundukLog, tundukCall, forgetRegistry,
  STAFF, REMOVED, XROAD_CLIENT, POPULATION, UUID, ELECTION_KEYS, TEST_ELECTION_MIN, addDays,
} from './cabinet_lib.mjs';

const [PIN, SLOW_PIN, FAIL_PIN] = pickVoters('cabinet-get', 3);
const MINE = [PIN, SLOW_PIN, FAIL_PIN];
let voter; // the signed-in client of PIN

before(async () => {
  cleanupVoters(MINE);
  voter = await signIn(PIN);
});
after(() => cleanupVoters(MINE));

function assertPrivate(res, what) {
  assert.match(res.headers['cache-control'] ?? '', /no-store/, `${what}: Cache-Control no-store`);
  assertSecurityHeaders(res, what);
}

// Upcoming elections as the database has them: [{id, date, status, days}].
function upcomingInDb() {
  return psql(`SELECT id, to_char(date, 'YYYY-MM-DD'), status, date - current_date, to_char(current_date, 'YYYY-MM-DD')
      FROM elections WHERE status IN ('scheduled', 'open') AND date >= current_date ORDER BY date, id`)
    .map(([id, date, status, days, today]) => ({ id: Number(id), date, status, days: Number(days), today }));
}

function assertElectionItem(e, db) {
  assertKeys(e, ELECTION_KEYS, `election ${e.id}`);
  assert.equal(e.date, db.date, `election ${e.id}: date`);
  assert.equal(e.status, db.status, `election ${e.id}: status`);
  assert.equal(e.application_deadline, addDays(db.date, -15), `election ${e.id}: application_deadline = date - 15 days`);
  const open = ['scheduled', 'open'].includes(db.status) && db.days >= 15 && db.days <= 70;
  assert.equal(e.applications_open, open, `election ${e.id} (${db.days} days ahead): applications_open`);
}

describe('GET /api/v1/cabinet', () => {
  test('the profile comes from the population registry and matches the voter list', async () => {
    const res = await voter.get('/api/v1/cabinet');
    assert.equal(res.status, 200, res.text);
    assertPrivate(res, 'GET /api/v1/cabinet');
    assertKeys(res.json, ['profile', 'voter', 'elections'], 'cabinet');
    const p = res.json.profile;
    assertKeys(p, ['name', 'registry_status', 'registry', 'registry_checked_at', 'registry_age_s'], 'profile');
    assert.equal(p.name, voter.me.name, 'profile.name is the name ESIA gave at sign-in');
    assert.equal(p.registry_status, 'ok');
    assert.ok(Math.abs(Date.parse(p.registry_checked_at) - Date.now()) < 60000, `registry_checked_at ${p.registry_checked_at}`);
    assert.ok(Number.isInteger(p.registry_age_s) && p.registry_age_s >= 0, `registry_age_s ${p.registry_age_s}`);
    const v = voterRow(PIN);
    const r = p.registry;
    assert.equal(r.pin, PIN, 'registry.pin');
    assert.equal(r.last_name, v.last_name, 'registry.last_name');
    assert.equal(r.first_name, v.first_name, 'registry.first_name');
    assert.equal(r.patronymic, v.patronymic, 'registry.patronymic');
    assert.equal(r.birth_date, v.birth_date, 'registry.birth_date');
    assert.equal(r.sex, v.sex, 'registry.sex');
    assert.equal(r.deceased, false);
    assert.equal(typeof r.registered_address, 'object');
  });

  test('my station: the one the voter list has, as the public station object', async () => {
    const res = await voter.get('/api/v1/cabinet');
    assert.equal(res.status, 200);
    const v = voterRow(PIN);
    assertKeys(res.json.voter, ['status', 'station'], 'voter');
    assert.equal(res.json.voter.status, 'active');
    const s = res.json.voter.station;
    assertKeys(s, STATION_KEYS, 'voter.station');
    assert.equal(s.number, v.station, 'voter.station.number');
    const [name, address, settlement, abroad, commission] = psql(`SELECT name, address, settlement, abroad, commission_id
      FROM stations WHERE number = :'n'`, { n: v.station })[0];
    assert.equal(s.name, name);
    assert.equal(s.address, address);
    assert.equal(s.settlement, settlement);
    assert.equal(s.abroad, abroad === 't');
    assert.equal(s.commission.id, Number(commission));
    assert.equal(s.commission.id, 101, 'our voter is of commission 101');
    assert.ok(Number.isInteger(s.voters) && s.voters > 0, 'voters count');
  });

  test('upcoming elections: each with application_deadline = date - 15 days and applications_open', async () => {
    const res = await voter.get('/api/v1/cabinet');
    assert.equal(res.status, 200);
    const items = res.json.elections;
    assert.ok(Array.isArray(items));
    const db = upcomingInDb();
    const notTest = (e) => e.id < TEST_ELECTION_MIN; // other files insert test elections meanwhile
    assert.deepEqual(items.filter(notTest).map((e) => e.id), db.filter(notTest).map((e) => e.id),
      'the upcoming elections (scheduled or open, today or later), by date');
    assert.ok(db.filter(notTest).length > 0, 'the demo has an upcoming election');
    for (const e of items.filter(notTest)) assertElectionItem(e, db.find((d) => d.id === e.id));
    const dates = items.map((e) => e.date);
    assert.deepEqual(dates, [...dates].sort(), 'ordered by date');
  });

  test('applications_open follows the 70- and 15-day limits and the status; past and closed elections are left out', async () => {
    // Test elections live only for this one request (other files list the elections too).
    // Those taking applications are 'open', not 'scheduled': a parallel test looking
    // for the scheduled election that takes applications must not take ours.
    const cases = [
      // slot, days ahead, status, listed
      [10, 0, 'scheduled', true], [11, 14, 'scheduled', true], [12, 15, 'open', true],
      [13, 40, 'open', true], [14, 70, 'open', true], [15, 71, 'scheduled', true],
      [16, -1, 'scheduled', false], [17, 30, 'completed', false], [18, 30, 'annulled', false],
      [19, 30, 'counting', false],
    ];
    const ids = cases.map(([slot, days, status]) => insertElection(slot, days, status));
    let res;
    try {
      res = await voter.get('/api/v1/cabinet');
    } finally {
      for (const id of ids) dropElection(id);
    }
    assert.equal(res.status, 200);
    const db = psql(`SELECT to_char(current_date, 'YYYY-MM-DD')`)[0][0];
    for (const [slot, days, status, listed] of cases) {
      const id = TEST_ELECTION_MIN + slot;
      const e = res.json.elections.find((x) => x.id === id);
      if (!listed) {
        assert.equal(e, undefined, `an election ${days} days ahead, ${status}, is not listed`);
        continue;
      }
      assert.ok(e, `an election ${days} days ahead, ${status}, is listed`);
      assertElectionItem(e, { date: addDays(db, days), status, days });
    }
  });

  test('someone not on the voter list (the CEC administrator): voter null, registry not_found', async () => {
    const cec = await signIn(STAFF.cec);
    const res = await cec.get('/api/v1/cabinet');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.voter, null);
    assert.equal(res.json.profile.registry_status, 'not_found');
    assert.equal(res.json.profile.registry, null);
    assert.ok(Array.isArray(res.json.elections) && res.json.elections.length > 0, 'elections still listed');
  });

  test('a voter struck off the list: status removed with the last station; still a person in the registry', async () => {
    const removed = await signIn(REMOVED);
    const res = await removed.get('/api/v1/cabinet');
    assert.equal(res.status, 200, res.text);
    const v = voterRow(REMOVED);
    assert.equal(res.json.voter.status, 'removed');
    assert.equal(res.json.voter.station.number, v.station);
    assert.equal(res.json.profile.registry_status, 'ok');
    assert.equal(res.json.profile.registry.last_name, v.last_name);
  });

  test('without a session: 401', async () => {
    assertError(await request('/api/v1/cabinet'), 401, 'unauthenticated');
    assertError(await request('/api/v1/cabinet', { headers: { Cookie: 'shailoo_session=garbage' } }), 401, 'unauthenticated');
  });

  test('no query parameters taken', async () => {
    assertError(await voter.get('/api/v1/cabinet?x=1'), 400);
  });
});

describe('Tunduk failing: the cabinet still works from our own data', () => {
  test('X-Road error Server.ServerProxy.ServiceFailed on every try: 200, registry unavailable, the rest intact', async () => {
    const c = await signIn(FAIL_PIN);
    await tundukFault({ pin: FAIL_PIN, type: 'Server.ServerProxy.ServiceFailed', times: 3 });
    const logBefore = (await tundukLog(FAIL_PIN)).length;
    const t0 = Date.now();
    const res = await c.get('/api/v1/cabinet');
    const took = Date.now() - t0;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.profile.registry_status, 'unavailable');
    assert.equal(res.json.profile.registry, null);
    assert.equal(typeof res.json.profile.name, 'string');
    assert.equal(res.json.voter.status, 'active');
    assert.equal(res.json.voter.station.number, voterRow(FAIL_PIN).station);
    assert.ok(res.json.elections.length > 0, 'elections intact');
    assert.ok(took < 3000, `quick when Tunduk answers at once with an error (${took} ms)`);

    const calls = (await tundukLog(FAIL_PIN)).slice(logBefore);
    assert.ok(calls.length >= 1 && calls.length <= 3, `1 to 3 tries (${calls.length})`);
    for (const e of calls) assert.equal(e.x_road_error, 'Server.ServerProxy.ServiceFailed');
    const ids = new Set(calls.map((e) => e.headers['x-road-id']));
    assert.equal(ids.size, 1, 'the tries of one call carry one X-Road-Id');
    const row = tundukCall([...ids][0]);
    assert.ok(row, 'the call is in tunduk_calls');
    assert.equal(row.outcome, 'unavailable');
    assert.equal(row.error_type, 'Server.ServerProxy.ServiceFailed');
    assert.equal(row.status, 500);
    assert.equal(row.attempts, calls.length, 'attempts recorded = tries received');
    assert.equal(row.service, POPULATION);

    // The faults are spent: the next call is answered.
    const again = await c.get('/api/v1/cabinet');
    assert.equal(again.json.profile.registry_status, 'ok');
  });

  test('Tunduk slower than the client time-out (3 s), with retries: 200 within a few seconds, registry unavailable', async () => {
    const c = await signIn(SLOW_PIN);
    // Two tries fit in the budget of twice the time-out; each waits 4 s for an answer.
    await tundukFault({ pin: SLOW_PIN, type: 'Server.ServerProxy.ServiceFailed', delay_ms: 4000, times: 2 });
    const logBefore = (await tundukLog(SLOW_PIN)).length;
    const t0 = Date.now();
    const res = await c.get('/api/v1/cabinet');
    const took = Date.now() - t0;
    assert.equal(res.status, 200, res.text);
    assert.ok(took < 7500, `answered within 2 x 3 s of time-outs plus backoff (${took} ms)`);
    assert.ok(took >= 2900, `the client waited for its time-out (${took} ms)`);
    assert.equal(res.json.profile.registry_status, 'unavailable');
    assert.equal(res.json.profile.registry, null);
    assert.equal(res.json.voter.station.number, voterRow(SLOW_PIN).station, 'my station intact');
    assert.ok(res.json.elections.length > 0, 'elections intact');

    const calls = (await tundukLog(SLOW_PIN)).slice(logBefore);
    assert.ok(calls.length >= 1, 'tried');
    const row = tundukCall(calls[0].headers['x-road-id']);
    assert.ok(row, 'the call is in tunduk_calls');
    assert.equal(row.outcome, 'unavailable');
    assert.ok(row.duration_ms >= 2900 && row.duration_ms <= took + 100, `duration_ms ${row.duration_ms}`);
    assert.equal(row.attempts, calls.length, `attempts recorded (${row.attempts}) = tries received (${calls.length})`);
    assert.ok(row.error_type.length > 0, 'the reason is recorded');

    const again = await c.get('/api/v1/cabinet');
    assert.equal(again.json.profile.registry_status, 'ok', 'no fault left queued');
  });
});

describe('each Tunduk call: how it is made and recorded', () => {
  test('X-Road-Client ours, a fresh X-Road-Id (UUID) each call, X-Road-UserId the PIN; every call in tunduk_calls', async () => {
    const logBefore = (await tundukLog(PIN)).length;
    for (let i = 0; i < 3; i++) {
      forgetRegistry(PIN);   // else the kept answer serves the next views
      assert.equal((await voter.get('/api/v1/cabinet')).status, 200);
    }
    const calls = (await tundukLog(PIN)).slice(logBefore);
    assert.equal(calls.length, 3, 'one Tunduk call per cabinet view with no kept answer');
    const ids = calls.map((e) => e.headers['x-road-id']);
    assert.equal(new Set(ids).size, 3, `a fresh X-Road-Id each call: ${ids}`);
    for (const e of calls) {
      assert.equal(e.method, 'GET');
      assert.equal(e.path, `/r1/${POPULATION}/${PIN}`);
      assert.equal(e.headers['x-road-client'], XROAD_CLIENT, 'X-Road-Client');
      assert.match(e.headers['x-road-id'], UUID, 'X-Road-Id is a UUID');
      assert.equal(e.headers['x-road-userid'], PIN, 'X-Road-UserId');
      assert.equal(e.status, 200);
      const row = tundukCall(e.headers['x-road-id']);
      assert.ok(row, `tunduk_calls has X-Road-Id ${e.headers['x-road-id']}`);
      assert.equal(row.method, 'GET');
      assert.equal(row.service, POPULATION);
      assert.equal(row.outcome, 'ok');
      assert.equal(row.status, 200);
      assert.equal(row.attempts, 1);
      assert.ok(row.duration_ms >= 0 && row.duration_ms < 3000, `duration_ms ${row.duration_ms}`);
      assert.match(row.request_hash, /^[A-Za-z0-9+/]{80,}={0,2}$/, 'the X-Road-Request-Hash kept');
      assert.equal(row.application_id, null, 'a cabinet view serves no application');
      assert.equal(row.error_type, '');
    }
  });
});

describe("the registry's answer is kept a few minutes (5), with its age shown", () => {
  const view = async () => {
    const res = await voter.get('/api/v1/cabinet');
    assert.equal(res.status, 200, res.text);
    return res.json.profile;
  };
  const age = (pin, seconds) => psql(`UPDATE registry_answers SET checked_at = now() - make_interval(secs => :'s'::integer)
      WHERE pin = :'pin'`, { pin, s: seconds });

  test('two views in a row: one Tunduk call; the second shows the same answer and its age', async () => {
    forgetRegistry(PIN);
    const logBefore = (await tundukLog(PIN)).length;
    const first = await view();
    const second = await view();
    assert.equal((await tundukLog(PIN)).length - logBefore, 1, 'one call for two views');
    assert.equal(first.registry_status, 'ok');
    assert.equal(first.registry_age_s, 0, 'just asked');
    assert.deepEqual(second.registry, first.registry);
    assert.equal(second.registry_checked_at, first.registry_checked_at, 'the same answer');
    assert.ok(second.registry_age_s >= 0 && second.registry_age_s < 30, `age ${second.registry_age_s}`);
  });

  test('a kept answer 100 s old: shown with age 100, no call', async () => {
    age(PIN, 100);
    const logBefore = (await tundukLog(PIN)).length;
    const p = await view();
    assert.equal((await tundukLog(PIN)).length, logBefore, 'no call');
    assert.ok(p.registry_age_s >= 100 && p.registry_age_s < 130, `age ${p.registry_age_s}`);
    assert.ok(Math.abs(Date.now() - 100000 - Date.parse(p.registry_checked_at)) < 30000, p.registry_checked_at);
    assert.equal(p.registry_status, 'ok');
  });

  test('an answer older than the time it is kept: asked again, age 0', async () => {
    age(PIN, 2 * 86400);
    const logBefore = (await tundukLog(PIN)).length;
    const p = await view();
    assert.equal((await tundukLog(PIN)).length - logBefore, 1, 'a new call');
    assert.equal(p.registry_age_s, 0);
    assert.ok(Math.abs(Date.parse(p.registry_checked_at) - Date.now()) < 30000);
    assert.equal(psql(`SELECT count(*) FROM registry_answers WHERE pin = :'pin' AND checked_at > now() - interval '1 minute'`,
      { pin: PIN })[0][0], '1', 'the fresh answer kept');
  });

  test('the registry failing is not kept: the next view asks again', async () => {
    const c = await signIn(FAIL_PIN);
    forgetRegistry(FAIL_PIN);
    await tundukFault({ pin: FAIL_PIN, type: 'Server.ServerProxy.ServiceFailed', times: 3 });
    const down = (await c.get('/api/v1/cabinet')).json.profile;
    assert.equal(down.registry_status, 'unavailable');
    assert.equal(down.registry_checked_at, null);
    assert.equal(down.registry_age_s, null);
    assert.equal(psql(`SELECT count(*) FROM registry_answers WHERE pin = :'pin'`, { pin: FAIL_PIN })[0][0], '0');
    const logBefore = (await tundukLog(FAIL_PIN)).length;
    const up = (await c.get('/api/v1/cabinet')).json.profile;
    assert.equal(up.registry_status, 'ok');
    assert.ok((await tundukLog(FAIL_PIN)).length > logBefore, 'asked again');
  });
});

describe('the other GET routes of the cabinet', () => {
  test('GET /api/v1/cabinet/applications: none yet', async () => {
    const res = await voter.get('/api/v1/cabinet/applications');
    assert.equal(res.status, 200, res.text);
    assertPrivate(res, 'applications');
    assert.deepEqual(res.json, { items: [] });
  });

  test('GET /api/v1/cabinet/history: no moves yet', async () => {
    const res = await voter.get('/api/v1/cabinet/history');
    assert.equal(res.status, 200, res.text);
    assertPrivate(res, 'history');
    assert.deepEqual(res.json, { items: [] });
  });

  test('GET /api/v1/cabinet/applications/{id}: an unknown id 404, a malformed one 400', async () => {
    assertError(await voter.get('/api/v1/cabinet/applications/999999999999'), 404, 'application_not_found');
    assertError(await voter.get('/api/v1/cabinet/applications/abc'), 400, 'invalid_parameter', 'id');
    assertError(await voter.get('/api/v1/cabinet/applications/0'), 400, 'invalid_parameter', 'id');
    assertError(await voter.get('/api/v1/cabinet/applications/-1'), 400, 'invalid_parameter', 'id');
  });

  test('query parameters refused on every GET', async () => {
    for (const p of ['/api/v1/cabinet/applications?page=2', '/api/v1/cabinet/history?x=1',
      '/api/v1/cabinet/applications/1?x=1']) {
      const res = await voter.get(p);
      assertError(res, 400);
    }
  });

  test('no other methods: 405 with Allow', async () => {
    for (const [method, path] of [['DELETE', '/api/v1/cabinet'], ['PUT', '/api/v1/cabinet/applications'],
      ['POST', '/api/v1/cabinet/history'], ['DELETE', '/api/v1/cabinet/applications/1']]) {
      const res = await request(path, { method, headers: { Cookie: voter.cookie, 'X-CSRF-Token': voter.csrf } });
      assert.equal(res.status, 405, `${method} ${path}: ${res.status}`);
      assert.ok(res.headers.allow, `${method} ${path}: Allow`);
    }
  });
});
