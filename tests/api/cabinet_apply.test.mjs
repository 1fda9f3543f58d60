// The voter cabinet, applying: POST /api/v1/cabinet/applications.  The
// answer of an accepted application, every refusal with its code, malformed
// bodies, the guard (session, CSRF), a voter struck off the list, nothing
// half-written after a refusal, and two submissions at once.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, assertKeys, assertSecurityHeaders, psql, psqlInt } from './lib.mjs';
import {
  signIn, pickVoters, voterRow, cleanupVoters, openElection, insertElection, dropElection, rowCounts,
  tundukFault, tundukLog, tundukCall, resetRateLimits, STAFF, REMOVED, APPLICATION_KEYS, EVENT_KEYS, POPULATION,
} from './cabinet_lib.mjs';

const PATH = '/api/v1/cabinet/applications';
// Our voters: A applies, B submits twice at once, C is another person, D for the Tunduk cases.
const [A, B, C, D] = pickVoters('cabinet-apply', 4);
const MINE = [A, B, C, D];
let election; // { id, test }
let a; // signed-in client of A
let homeA; // A's station
let other; // another station of the country (not A's)

before(async () => {
  cleanupVoters(MINE);
  resetRateLimits([REMOVED, STAFF.cec]);   // demo people: their counts stay between runs
  election = openElection(30);
  a = await signIn(A);
  homeA = voterRow(A).station;
  other = Number(psql(`SELECT number FROM stations WHERE NOT abroad AND commission_id = 101 AND number <> :'s'
    ORDER BY number DESC LIMIT 1`, { s: homeA })[0][0]);
});
beforeEach(() => cleanupVoters(MINE));
after(() => {
  cleanupVoters(MINE);
  if (election.test) dropElection(election.id);
});

const move = (station, extra = {}) => ({ election_id: election.id, kind: 'move_home', station_number: station, ...extra });

// Runs fn; the voter's applications and events must be as they were.
async function unchanged(pin, fn) {
  const before0 = rowCounts(pin);
  const res = await fn();
  assert.deepEqual(rowCounts(pin), before0, `nothing written for ${pin} (${res?.status} ${res?.text?.slice(0, 120)})`);
  return res;
}

describe('an accepted application', () => {
  test('201 with Location and the application: awaiting_identification, a history of one event', async () => {
    const res = await a.post(PATH, move(other, { reason: 'Переехал, живу по новому адресу' }));
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers['cache-control'] ?? '', /no-store/);
    assertSecurityHeaders(res, 'POST applications');
    assertKeys(res.json, ['application'], 'body');
    const app = res.json.application;
    assertKeys(app, APPLICATION_KEYS, 'application');
    assert.equal(res.headers.location, `${PATH}/${app.id}`, 'Location');
    assert.ok(Number.isInteger(app.id) && app.id > 0);
    assert.equal(app.election_id, election.id);
    assert.equal(app.kind, 'move_home');
    assert.equal(app.status, 'awaiting_identification');
    assert.equal(app.station_from, homeA);
    assert.equal(app.station_to, other);
    assert.equal(app.reason, 'Переехал, живу по новому адресу');
    assert.equal(app.commission.id, 101, 'decided by the commission of the station moved to');
    assert.equal(app.registry_status, 'ok');
    assert.equal(app.decision_reason, null);
    assert.equal(app.identification, null);
    assert.equal(app.history.length, 1, 'a history of one event');
    assertKeys(app.history[0], EVENT_KEYS, 'event');
    assert.equal(app.history[0].status, 'awaiting_identification');
    assert.equal(app.history[0].by, 'voter');
    assert.equal(app.history[0].commission_id, 101);

    // The database has it, with what the registry said.
    const [pin, status, kind, from, to, registry, regStatus] = psql(`SELECT pin, status, kind, station_from, station_to,
        registry->>'last_name', registry_status FROM applications WHERE id = :'id'`, { id: app.id })[0];
    assert.deepEqual([pin, status, kind, Number(from), Number(to), registry, regStatus],
      [A, 'awaiting_identification', 'move_home', homeA, other, voterRow(A).last_name, 'ok']);
    assert.equal(psqlInt(`SELECT count(*) FROM application_events WHERE application_id = :'id'`, { id: app.id }), 1);
    assert.equal(psqlInt(`SELECT count(*) FROM tunduk_calls WHERE application_id = :'id'`, { id: app.id }), 1,
      'the registry call is recorded with the application');

    // The Location gives the same application; the list has it.
    const got = await a.get(res.headers.location);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json, res.json, 'GET Location = the 201 body');
    const list = await a.get(PATH);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((x) => x.id), [app.id]);
    // Someone else's application is not found.
    const c = await signIn(C);
    assertError(await c.get(res.headers.location), 404, 'application_not_found');
  });

  test('a correction names no station and goes to the commission of my station', async () => {
    const res = await a.post(PATH, { election_id: election.id, kind: 'correction', reason: 'Ошибка в отчестве' });
    assert.equal(res.status, 201, res.text);
    const app = res.json.application;
    assert.equal(app.kind, 'correction');
    assert.equal(app.station_to, null);
    assert.equal(app.station_from, homeA);
    assert.equal(app.commission.id, voterRow(A).commission);
  });

  test('a move abroad to a station abroad goes to the commission of that station', async () => {
    const [abroad, commission] = psql(`SELECT number, commission_id FROM stations WHERE abroad ORDER BY number LIMIT 1`)[0].map(Number);
    const res = await a.post(PATH, { election_id: election.id, kind: 'move_abroad', station_number: abroad });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.application.station_to, abroad);
    assert.equal(res.json.application.commission.id, commission);
  });

  test('reason: exactly 1000 characters (Cyrillic, 2 bytes each) accepted; no reason is an empty one', async () => {
    const res = await a.post(PATH, move(other, { reason: 'ж'.repeat(1000) }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.application.reason.length, 1000);
    cleanupVoters([A]);
    const r2 = await a.post(PATH, move(other));
    assert.equal(r2.status, 201, r2.text);
    assert.equal(r2.json.application.reason, '');
  });

  test('Tunduk down: the application is still taken, registry_status unavailable', async () => {
    const d = await signIn(D);
    await tundukFault({ pin: D, type: 'Server.ServerProxy.ServiceFailed', times: 3 });
    const res = await d.post(PATH, { election_id: election.id, kind: 'correction' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.application.registry_status, 'unavailable');
    const [registry, st] = psql(`SELECT coalesce(registry::text, '<null>'), registry_status FROM applications WHERE id = :'id'`,
      { id: res.json.application.id })[0];
    assert.equal(registry, '<null>');
    assert.equal(st, 'unavailable');
    const [outcome, attempts] = psql(`SELECT outcome, attempts FROM tunduk_calls WHERE application_id = :'id'`,
      { id: res.json.application.id })[0];
    assert.equal(outcome, 'unavailable');
    assert.ok(Number(attempts) >= 1);
  });
});

describe('refusals (422), nothing written', () => {
  test('application_pending: a second application while one is being processed', async () => {
    const first = await a.post(PATH, move(other));
    assert.equal(first.status, 201, first.text);
    for (const body of [move(other), { election_id: election.id, kind: 'correction' }]) {
      const res = await unchanged(A, () => a.post(PATH, body));
      assertError(res, 422, 'application_pending');
    }
  });

  const abroadStation = () => Number(psql(`SELECT number FROM stations WHERE abroad ORDER BY number LIMIT 1`)[0][0]);
  const cases = [
    ['station_not_found', () => move(10999), 'station_number'],
    ['wrong_station_kind: a move at home to a station abroad', () => move(abroadStation()), 'station_number'],
    ['wrong_station_kind: a move abroad to a station at home',
      () => ({ election_id: election.id, kind: 'move_abroad', station_number: other }), 'station_number'],
    ['same_station: a move to my own station', () => move(homeA), 'station_number'],
    ['station_required: a move without a station', () => ({ election_id: election.id, kind: 'move_home' }), 'station_number'],
    ['station_required: a move with station_number null', () => move(null), 'station_number'],
    ['station_required: a move abroad without a station', () => ({ election_id: election.id, kind: 'move_abroad' }), 'station_number'],
    ['station_not_allowed: a correction naming a station',
      () => ({ election_id: election.id, kind: 'correction', station_number: other }), 'station_number'],
    ['election_not_found', () => ({ election_id: 1, kind: 'correction' }), 'election_id'],
    ['election_not_found (the largest id)', () => ({ election_id: 2147483647, kind: 'move_home', station_number: other }), 'election_id'],
  ];
  for (const [label, body, field] of cases) {
    test(label, async () => {
      const res = await unchanged(A, () => a.post(PATH, body()));
      assertError(res, 422, label.split(/[: ]/)[0], field);
    });
  }

  // An election of our own whose date or status is set for the case; it lives for one request.
  const electionCases = [
    ['deadline_passed: 14 days before voting', 14, 'scheduled'],
    ['deadline_passed: 1 day before voting', 1, 'open'],
    ['deadline_passed: voting today', 0, 'open'],
    ['applications_not_yet_open: 71 days before voting', 71, 'scheduled'],
    ['applications_not_yet_open: a year before voting', 365, 'scheduled'],
    ['election_not_open: completed', 30, 'completed'],
    ['election_not_open: annulled', 30, 'annulled'],
    ['election_not_open: counting', 30, 'counting'],
    ['election_not_open: scheduled but its date has passed', -1, 'scheduled'],
  ];
  electionCases.forEach(([label, days, status], i) => {
    test(label, async () => {
      const id = insertElection(31 + i, days, status);
      try {
        for (const body of [{ election_id: id, kind: 'correction' }, { election_id: id, kind: 'move_home', station_number: other }]) {
          const res = await unchanged(A, () => a.post(PATH, body));
          assertError(res, 422, label.split(':')[0], 'election_id');
        }
      } finally {
        dropElection(id);
      }
    });
  });

  test('the limits themselves: 15 and 70 days before voting are accepted', async () => {
    for (const [slot, days] of [[41, 15], [42, 70]]) {
      const id = insertElection(slot, days, 'open'); // not 'scheduled': see cabinet.test.mjs
      try {
        const res = await a.post(PATH, { election_id: id, kind: 'correction' });
        assert.equal(res.status, 201, `${days} days before voting: ${res.status} ${res.text}`);
      } finally {
        cleanupVoters([A]);
        dropElection(id);
      }
    }
  });

  test('a voter struck off the list (20202196000055): not_on_list', async () => {
    const removed = await signIn(REMOVED);
    const n = psqlInt(`SELECT count(*) FROM applications WHERE pin = :'p'`, { p: REMOVED });
    for (const body of [{ election_id: election.id, kind: 'correction' }, move(other)]) {
      const res = await unchanged(REMOVED, () => removed.post(PATH, body));
      assertError(res, 422, 'not_on_list');
    }
    assert.equal(psqlInt(`SELECT count(*) FROM applications WHERE pin = :'p'`, { p: REMOVED }), n);
  });

  test('someone not on the list at all (the CEC administrator): not_on_list', async () => {
    const cec = await signIn(STAFF.cec);
    const res = await unchanged(STAFF.cec, () => cec.post(PATH, { election_id: election.id, kind: 'correction' }));
    assertError(res, 422, 'not_on_list');
  });

  test('cheap checks first: a request refused by our own data makes no Tunduk call', async () => {
    // DESIGN.md: local validation, then the database, then an external registry.
    const cases = [
      [move(10999), 'station_not_found'],
      [{ election_id: 2147483647, kind: 'correction' }, 'election_not_found'],
      [move(homeA), 'same_station'],
      [{ election_id: election.id, kind: 'move_home' }, 'station_required'],
    ];
    const logBefore = (await tundukLog(A)).length;
    for (const [body, code] of cases) assertError(await a.post(PATH, body), 422, code);
    // A pending application refuses the next one before the registry is asked, too.
    assert.equal((await a.post(PATH, { election_id: election.id, kind: 'correction' })).status, 201);
    const afterFirst = (await tundukLog(A)).length;
    assert.equal(afterFirst - logBefore, 1, 'only the accepted application asked the registry');
    assertError(await a.post(PATH, move(other)), 422, 'application_pending');
    assert.equal((await tundukLog(A)).length, afterFirst, 'the pending refusal asked nothing');
    const ids = (await tundukLog(A)).slice(logBefore).map((e) => e.headers['x-road-id']);
    assert.equal(psqlInt(`SELECT count(*) FROM tunduk_calls WHERE xroad_id = ANY (string_to_array(:'ids', ',')::uuid[])`,
      { ids: ids.join(',') }), 1, 'and tunduk_calls records that one call');
  });

  test('an application asks the registry afresh even with a kept answer, and refreshes it', async () => {
    assert.equal((await a.get('/api/v1/cabinet')).status, 200);   // keeps an answer
    psql(`UPDATE registry_answers SET checked_at = now() - interval '60 s' WHERE pin = :'p'`, { p: A });
    const logBefore = (await tundukLog(A)).length;
    const res = await a.post(PATH, { election_id: election.id, kind: 'correction' });
    assert.equal(res.status, 201, res.text);
    const calls = (await tundukLog(A)).slice(logBefore);
    assert.equal(calls.length, 1, 'asked afresh');
    assert.equal(tundukCall(calls[0].headers['x-road-id']).application_id, res.json.application.id, 'recorded with the application');
    assert.equal(psqlInt(`SELECT count(*) FROM registry_answers WHERE pin = :'p' AND checked_at > now() - interval '30 s'`, { p: A }), 1,
      'the kept answer refreshed');
  });
});

describe('malformed requests (400, 415), nothing written', () => {
  const bad = [
    ['malformed JSON', '{"election_id": 202701, "kind": "correction"', 'invalid_json'],
    ['trailing garbage', () => `${JSON.stringify({ election_id: election.id, kind: 'correction' })} x`, 'invalid_json'],
    ['two JSON values', () => `${JSON.stringify({ election_id: election.id, kind: 'correction' })}{}`, 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['not an object: an array', '[]', 'invalid_json'],
    ['not an object: a string', '"correction"', 'invalid_json'],
    ['single quotes', "{'election_id': 1, 'kind': 'correction'}", 'invalid_json'],
    ['an unknown field', () => ({ election_id: election.id, kind: 'correction', status: 'approved' }), 'unknown_field', 'status'],
    ['an unknown field (pin of another)', () => ({ election_id: election.id, kind: 'correction', pin: C }), 'unknown_field', 'pin'],
    ['election_id missing', { kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id a string', () => ({ election_id: String(election.id), kind: 'correction' }), 'invalid_field', 'election_id'],
    ['election_id a fraction', { election_id: 1.5, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id 0', { election_id: 0, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id negative', { election_id: -202701, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id beyond integer', { election_id: 2147483648, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id null', { election_id: null, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['election_id true', { election_id: true, kind: 'correction' }, 'invalid_field', 'election_id'],
    ['kind missing', () => ({ election_id: election.id }), 'invalid_field', 'kind'],
    ['kind unknown', () => ({ election_id: election.id, kind: 'move' }), 'invalid_field', 'kind'],
    ['kind a number', () => ({ election_id: election.id, kind: 1 }), 'invalid_field', 'kind'],
    ['kind an array', () => ({ election_id: election.id, kind: ['correction'] }), 'invalid_field', 'kind'],
    ['station_number a string', () => ({ election_id: election.id, kind: 'move_home', station_number: '1002' }), 'invalid_field', 'station_number'],
    ['station_number a fraction', () => ({ election_id: election.id, kind: 'move_home', station_number: 1002.5 }), 'invalid_field', 'station_number'],
    ['station_number 0', () => ({ election_id: election.id, kind: 'move_home', station_number: 0 }), 'invalid_field', 'station_number'],
    ['station_number 100000', () => ({ election_id: election.id, kind: 'move_home', station_number: 100000 }), 'invalid_field', 'station_number'],
    ['reason a number', () => ({ election_id: election.id, kind: 'correction', reason: 5 }), 'invalid_field', 'reason'],
    ['reason an object', () => ({ election_id: election.id, kind: 'correction', reason: { text: 'x' } }), 'invalid_field', 'reason'],
    ['reason of 1001 characters', () => ({ election_id: election.id, kind: 'correction', reason: 'ж'.repeat(1001) }), 'invalid_field', 'reason'],
    ['reason of 5000 ASCII characters', () => ({ election_id: election.id, kind: 'correction', reason: 'x'.repeat(5000) }), 'invalid_field', 'reason'],
    ['reason with a NUL (\\u0000)', () => `{"election_id":${election.id},"kind":"correction","reason":"a\\u0000b"}`, 'invalid_field', 'reason'],
  ];
  for (const [label, body, code, field] of bad) {
    test(`400 ${code}: ${label}`, async () => {
      const b = typeof body === 'function' ? body() : body;
      const res = await unchanged(A, () => a.post(PATH, b));
      assertError(res, 400, code, field);
    });
  }

  test('400: broken UTF-8 (raw bytes) in the body', async () => {
    for (const bytes of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0xaf]]) {
      const body = Buffer.concat([Buffer.from(`{"election_id":${election.id},"kind":"correction","reason":"a`),
        Buffer.from(bytes), Buffer.from('"}')]);
      const res = await unchanged(A, () => a.post(PATH, body));
      assertError(res, 400, 'invalid_json');
    }
  });

  test('a lone surrogate escape (\\ud800) in reason: refused or stored, never a server error', async () => {
    const res = await a.post(PATH, `{"election_id":${election.id},"kind":"correction","reason":"a\\ud800b"}`);
    assert.ok(res.status === 400 || res.status === 201, `400 or 201, got ${res.status} ${res.text.slice(0, 200)}`);
  });

  test('query parameters refused', async () => {
    const res = await unchanged(A, () => a.post(`${PATH}?election_id=${election.id}`, { election_id: election.id, kind: 'correction' }));
    assertError(res, 400);
  });

  test('415 without application/json', async () => {
    const body = { election_id: election.id, kind: 'correction' };
    for (const type of [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await unchanged(A, () => a.post(PATH, body, { type }));
      assertError(res, 415, 'unsupported_media_type');
    }
    const ok = await a.post(PATH, body, { type: 'application/json; charset=utf-8' });
    assert.equal(ok.status, 201, `application/json; charset=utf-8 is JSON: ${ok.status} ${ok.text}`);
  });
});

describe('the guard: session and CSRF', () => {
  const body = () => ({ election_id: election.id, kind: 'correction' });

  test('403 without the X-CSRF-Token header', async () => {
    const res = await unchanged(A, () => a.post(PATH, body(), { csrf: false }));
    assertError(res, 403, 'csrf_token_missing');
  });

  test('403 with a wrong X-CSRF-Token, or the token of another session', async () => {
    const res = await unchanged(A, () => a.post(PATH, body(), { csrf: false, headers: { 'X-CSRF-Token': 'x'.repeat(43) } }));
    assertError(res, 403, 'csrf_token_missing');
    const c = await signIn(C);
    const res2 = await unchanged(A, () => a.post(PATH, body(), { csrf: false, headers: { 'X-CSRF-Token': c.csrf } }));
    assertError(res2, 403, 'csrf_token_missing');
    const res3 = await unchanged(A, () => a.post(PATH, body(), { csrf: false, headers: { 'X-CSRF-Token': '' } }));
    assertError(res3, 403, 'csrf_token_missing');
  });

  test('401 without a session (with or without a CSRF header)', async () => {
    for (const headers of [{}, { 'X-CSRF-Token': a.csrf }]) {
      const res = await unchanged(A, () => request(PATH, {
        method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body()),
      }));
      assertError(res, 401, 'unauthenticated');
    }
    const res = await unchanged(A, () => request(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 'shailoo_session=forged', 'X-CSRF-Token': a.csrf },
      body: JSON.stringify(body()),
    }));
    assertError(res, 401, 'unauthenticated');
  });
});

describe('two submissions at once', () => {
  test('the same voter twice at the same moment: exactly one 201 and one 422 application_pending', async () => {
    const b = await signIn(B);
    const toB = voterRow(B).station === 1003 ? 1002 : 1003;
    for (let round = 0; round < 6; round++) {
      cleanupVoters([B]);
      const body = round % 2 === 0 ? move(toB) : { election_id: election.id, kind: 'correction' };
      const results = await Promise.all([b.post(PATH, body), b.post(PATH, body)]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 422], `round ${round}: ${results.map((r) => `${r.status} ${r.text.slice(0, 100)}`).join(' | ')}`);
      assertError(results.find((r) => r.status === 422), 422, 'application_pending');
      assert.deepEqual(rowCounts(B), { applications: 1, events: 1, events_by: 1 }, `round ${round}: one application, one event`);
    }
  });
});
