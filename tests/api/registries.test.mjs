// More registries through Tunduk (issue 13, part 2): the civil registry's
// feed (changes recorded once by id; an unknown PIN changes nothing; a PIN
// change makes the new PIN lead to the voter), read on a schedule and on
// demand; the disability registry's needs per station; the stations'
// accessibility set by their territorial commission.  Deaths change the
// country's totals, which the parallel API tests compare: they are tested
// alone, in tests/system/registries_deaths.test.mjs.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, psql, psqlInt, psqlValue, assertError, assertKeys } from './lib.mjs';
import { pickVoters, tundukCall, TUNDUK, fetchAbs } from './cabinet_lib.mjs';
import {
  signIn, STAFF, changeId, civilChange, civilChanges, disability, put, readNow, changeRow, until, undoChanges,
} from './registries_lib.mjs';

const made = [];
after(() => undoChanges(made));

const FEED_KEYS = ['feed', 'cursor', 'last_read', 'last_try', 'last_error', 'reads', 'received', 'outcomes',
  'recent', 'persons', 'stations'];

// A PIN that is no voter's (nor an alias's).
function unknownPin() {
  for (;;) {
    const pin = `3${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}`;
    if (psqlInt(`SELECT count(*) FROM voters WHERE pin = :'p'`, { p: pin }) === 0 &&
        psqlInt(`SELECT count(*) FROM voter_pins WHERE pin = :'p'`, { p: pin }) === 0) return pin;
  }
}

// The public answer's access once it agrees with pred (nginx caches it for a second).
async function stationAccess(n, pred, what) {
  return until(async () => {
    const res = await request(`/api/v1/stations/${n}`);
    assert.equal(res.status, 200, res.text);
    return pred(res.json.station.access) ? res.json.station.access : null;
  }, what);
}

describe('the civil registry\'s feed', () => {
  test('the feed\'s state and the read are the CEC administrators\' only', async () => {
    assert.equal((await request('/api/v1/registries/civil')).status, 401);
    const tec = await signIn(STAFF.tec101);
    assertError(await tec.get('/api/v1/registries/civil'), 403);
    assertError(await tec.post('/api/v1/registries/civil/read', {}), 403);
    const cec = await signIn(STAFF.cec);
    const res = await cec.get('/api/v1/registries/civil');
    assert.equal(res.status, 200, res.text);
    assertKeys(res.json, FEED_KEYS, 'feed');
    assert.equal(res.json.feed, 'civil');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('an unknown PIN is recorded, with the evidence, and changes nothing', async () => {
    const cec = await signIn(STAFF.cec);
    const pin = unknownPin();
    const change = { id: changeId('unknown'), kind: 'death', pin, date: '2026-12-01', record: { act_number: '77' } };
    made.push(change.id);
    const voters = psqlInt(`SELECT count(*) FROM voters WHERE status = 'active'`);
    const removals = psqlInt('SELECT count(*) FROM voter_removals');
    await civilChange(change);
    const res = await readNow(cec, 'civil');
    assert.equal(res.status, 200, res.text);
    assertKeys(res.json, ['read', 'feed']);
    const row = changeRow(change.id);
    assert.ok(row, 'the change is recorded');
    assert.equal(row.outcome, 'unknown_pin');
    assert.equal(row.voter_pin, null);
    assert.deepEqual(row.evidence, change);
    assert.equal(psqlInt(`SELECT count(*) FROM voters WHERE status = 'active'`), voters, 'the list is untouched');
    assert.equal(psqlInt('SELECT count(*) FROM voter_removals'), removals, 'no removal');
    assert.equal(res.json.feed.last_error, null);
    assert.ok(res.json.feed.outcomes.unknown_pin >= 1);
  });

  test('the feed is read on a schedule, without the read-now route', async () => {
    const change = { id: changeId('scheduled'), kind: 'death', pin: unknownPin(), date: '2026-12-01', record: {} };
    made.push(change.id);
    const position = await civilChange(change);
    const row = await until(() => changeRow(change.id), 'the scheduled read to record the change', 20000);
    assert.equal(row.outcome, 'unknown_pin');
    const cursor = psqlValue(`SELECT cursor FROM registry_feeds WHERE name = 'civil'`);
    assert.ok(BigInt(cursor) >= BigInt(position), `the cursor ${cursor} is past the change (${position})`);
    // Every read is a recorded Tunduk call.
    const log = await fetchAbs(`${TUNDUK}/_test/log`);
    const calls = log.json.filter((e) => e.path.includes('/civil-registry/changes'));
    assert.ok(calls.length > 0, 'the stand-in saw the reads');
    const last = calls[calls.length - 1];
    const recorded = await until(() => tundukCall(last.headers['x-road-id']), 'the call to be recorded');
    assert.equal(recorded.service, 'central-server/GOV/70000015/civil-registry/changes');
    assert.equal(recorded.outcome, 'ok');
  });

  test('a PIN change: the new PIN leads to the voter; one taken by another voter is left for a human', async () => {
    const cec = await signIn(STAFF.cec);
    const [a, b] = pickVoters('registries-pin', 2);
    const newPin = unknownPin();
    const before = psql(`SELECT pin, status, station_number FROM voters WHERE pin IN (:'a', :'b') ORDER BY pin`, { a, b });
    const moved = { id: changeId('pin'), kind: 'pin_change', pin: a, new_pin: newPin, date: '2026-12-01',
      record: { reason: 'correction of the date of birth' } };
    const taken = { id: changeId('pin-taken'), kind: 'pin_change', pin: b, new_pin: a, date: '2026-12-01', record: {} };
    made.push(moved.id, taken.id);
    await civilChange(moved);
    await civilChange(taken);
    assert.equal((await readNow(cec, 'civil')).status, 200);
    await until(() => changeRow(taken.id), 'both changes applied');
    assert.equal(changeRow(moved.id).outcome, 'pin_recorded');
    assert.equal(changeRow(moved.id).voter_pin, a);
    assert.equal(psqlValue(`SELECT voter_pin_resolve(:'p')`, { p: newPin }), a, 'the new PIN finds the voter');
    assert.equal(changeRow(taken.id).outcome, 'pin_taken');
    assert.equal(psqlInt(`SELECT count(*) FROM voter_pins WHERE change_id = :'id'`, { id: taken.id }), 0);
    // The list is untouched: same keys, statuses and stations.
    assert.deepEqual(psql(`SELECT pin, status, station_number FROM voters WHERE pin IN (:'a', :'b') ORDER BY pin`, { a, b }),
      before);
  });

  test('a malformed change is refused whole: recorded as the feed\'s last error, nothing applied', async () => {
    // Run last in this file: the bad change blocks the feed until it is mended (here: by the test).
    const cec = await signIn(STAFF.cec);
    const good = { id: changeId('before-bad'), kind: 'death', pin: unknownPin(), date: '2026-12-01', record: {} };
    const bad = { id: changeId('bad'), kind: 'birth', pin: unknownPin(), date: '2026-12-01', record: {} };
    made.push(good.id, bad.id);
    const cursor = psqlValue(`SELECT cursor FROM registry_feeds WHERE name = 'civil'`);
    // Both in one batch (the scheduled reader may take it first: the outcome is the same).
    const pos = await civilChanges([good, bad]);
    try {
      const res = await readNow(cec, 'civil');
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.error.code, 'registry_unavailable');
      const state = (await cec.get('/api/v1/registries/civil')).json;
      assert.match(state.last_error ?? '', /unknown kind/);
      assert.equal(changeRow(good.id), null, 'the batch is one transaction');
      assert.equal(changeRow(bad.id), null);
      assert.equal(psqlValue(`SELECT cursor FROM registry_feeds WHERE name = 'civil'`), cursor, 'the cursor stays');
    } finally {
      // The operators mend it (here: the cursor past the bad batch); the next read goes on.
      psql(`UPDATE registry_feeds SET cursor = :'pos' WHERE name = 'civil'`, { pos });
    }
    const ok = await readNow(cec, 'civil');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.feed.last_error, null);
  });
});

describe('the disability registry and the stations\' accessibility', () => {
  test('the station answer shows the voters needing access, as the registry lists them', async () => {
    const cec = await signIn(STAFF.cec);
    const [pin, other] = pickVoters('registries-access', 2);
    const n = Number(psqlValue(`SELECT station_number FROM voters WHERE pin = :'p'`, { p: pin }));
    try {
      await disability(pin, 'I');
      await disability(other, null);
      const res = await readNow(cec, 'disability');
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.read.persons > 0);
      assert.equal(psqlInt(`SELECT count(*) FROM access_needs WHERE pin = :'p'`, { p: pin }), 1);
      const expected = () => psqlInt(`SELECT count(*) FROM voters v JOIN access_needs a ON a.pin = v.pin
                                      WHERE v.station_number = :'n'::integer AND v.status = 'active'`, { n });
      const access = await stationAccess(n, (a) => a.voters_needing_access === expected(), 'the needs');
      assertKeys(access, ['accessible', 'note', 'voters_needing_access', 'as_of']);
      assert.ok(access.voters_needing_access >= 1);
      // Taken off the registry: the next read counts one fewer.
      const had = access.voters_needing_access;
      await disability(pin, null);
      assert.equal((await readNow(cec, 'disability')).status, 200);
      assert.equal(psqlInt(`SELECT count(*) FROM access_needs WHERE pin = :'p'`, { p: pin }), 0);
      await stationAccess(n, (a) => a.voters_needing_access === had - 1 || a.voters_needing_access === expected(),
        'one fewer');
      const state = await cec.get('/api/v1/registries/disability');
      assert.equal(state.status, 200);
      assert.equal(state.json.persons, psqlInt('SELECT count(*) FROM access_needs'));
    } finally {
      await disability(pin, null);
    }
  });

  test('a station\'s territorial commission sets its accessibility; another\'s is refused', async () => {
    const tec = await signIn(STAFF.tec101);
    const mine = psqlInt(`SELECT min(number) FROM stations WHERE commission_id = 101`);
    const theirs = psqlInt(`SELECT min(number) FROM stations WHERE commission_id <> 101`);
    const saved = psql(`SELECT number, coalesce(accessible::text, '-'), coalesce(accessible_note, '') FROM stations
                         WHERE number IN (:'a', :'b')`, { a: mine, b: theirs });
    try {
      const res = await put(tec, `/api/v1/tec/stations/${mine}/accessibility`, { accessible: true, note: 'пандус' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.access.accessible, true);
      assert.equal(res.json.by, STAFF.tec101);
      assert.deepEqual(psql(`SELECT accessible, accessible_note, accessible_by FROM stations WHERE number = :'n'`, { n: mine }),
        [['t', 'пандус', STAFF.tec101]]);
      await stationAccess(mine, (a) => a.accessible === true && a.note === 'пандус', 'the public answer');

      assertError(await put(tec, `/api/v1/tec/stations/${theirs}/accessibility`, { accessible: true }), 403, 'outside_scope');
      assert.deepEqual(psql(`SELECT coalesce(accessible::text, '-') FROM stations WHERE number = :'n'`, { n: theirs })[0],
        [saved.find((r) => Number(r[0]) === theirs)[1]], 'untouched');
      assertError(await put(tec, `/api/v1/tec/stations/${mine}/accessibility`, { accessible: 'yes' }), 400);
      assertError(await put(tec, `/api/v1/tec/stations/${mine}/accessibility`, { note: 'x' }), 400);
      assertError(await put(tec, `/api/v1/tec/stations/${mine}/accessibility`, { accessible: true, lift: 1 }), 400);
      assertError(await put(tec, '/api/v1/tec/stations/1999/accessibility', { accessible: true }), 404);
      const voter = await signIn(pickVoters('registries-voter', 1)[0]);
      assertError(await put(voter, `/api/v1/tec/stations/${mine}/accessibility`, { accessible: true }), 403);
      // The CEC may set any station's.
      const cec = await signIn(STAFF.cec);
      const r2 = await put(cec, `/api/v1/tec/stations/${theirs}/accessibility`, { accessible: false });
      assert.equal(r2.status, 200, r2.text);
      assert.equal(r2.json.access.accessible, false);
    } finally {
      for (const [n, a, note] of saved) {
        psql(`UPDATE stations SET accessible = nullif(:'a', '-')::boolean, accessible_note = nullif(:'note', ''),
                accessible_by = NULL, accessible_at = NULL WHERE number = :'n'::integer`, { n, a, note });
      }
    }
  });
});

