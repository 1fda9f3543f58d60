// The civil registry's feed (issue 13, part 2): a death removes exactly that
// voter, with the registry's evidence, and the statistics follow; a change
// delivered twice counts once; a death reported under a changed PIN finds
// the voter; a registry that fails leaves the feed's last error and nothing
// half-done.  Here, not among the API tests: a death changes the country's
// totals, which the API tests running in parallel compare with the database.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, psql, psqlInt, psqlValue, sleep } from '../api/lib.mjs';
import { pickVoters, TUNDUK, fetchAbs, stationCount } from '../api/cabinet_lib.mjs';
import {
  signIn, STAFF, changeId, civilChange, redeliver, death, readNow, changeRow, until, undoChanges,
} from '../api/registries_lib.mjs';

const made = [];
after(() => undoChanges(made));

// What a death may change, for a voter's station and area: counts and the voter's neighbours.
function picture(pin) {
  const [station, area, sex, group] = psql(`SELECT v.station_number, coalesce(s.region_id, 10), v.sex,
        age_group(v.birth_date, (SELECT asof FROM voter_stats_asof))
      FROM voters v JOIN stations s ON s.number = v.station_number WHERE v.pin = :'p'`, { p: pin })[0];
  const [stationVoters, cell, region, country] = psql(`SELECT
      (SELECT voters FROM stations WHERE number = :'st'::integer),
      (SELECT voters FROM voter_stats WHERE region_id = :'a'::smallint AND sex = :'sex' AND age_group = :'g'::smallint),
      (SELECT sum(voters) FROM voter_stats WHERE region_id = :'a'::smallint),
      (SELECT sum(voters) FROM voter_stats)`, { st: station, a: area, sex, g: group })[0].map(Number);
  const neighbours = psql(`SELECT pin, status, station_number, updated_at FROM voters
                            WHERE station_number = :'st'::integer AND pin <> :'p' ORDER BY pin`, { st: station, p: pin });
  const rows = psql(`SELECT (SELECT count(*) FROM applications WHERE pin = :'p'),
      (SELECT count(*) FROM station_moves WHERE pin = :'p'),
      (SELECT count(*) FROM voter_removals WHERE pin = :'p')`, { p: pin })[0].map(Number);
  const voter = psql(`SELECT last_name, first_name, birth_date, sex, address, station_number, status FROM voters
                       WHERE pin = :'p'`, { p: pin })[0];
  return { station: Number(station), area: Number(area), stationVoters, cell, region, country, neighbours, rows, voter };
}

async function tizmeTotal(area) {
  // Published statistics: past nginx's microcache and the publisher's writing.
  const res = await request(`/api/v1/tizme/stats?region=${area}`);
  assert.equal(res.status, 200, res.text);
  return res.json.total;
}

test('a death removes exactly that voter, with the evidence; delivered twice, it counts once', async () => {
  const cec = await signIn(STAFF.cec);
  const [pin] = pickVoters('registries-death', 1);
  const before = picture(pin);
  const apiBefore = await tizmeTotal(before.area);
  const deathsBefore = JSON.parse(psqlValue(`SELECT station_flows_json(:'n'::integer)::text`, { n: before.station })).left.death;
  const change = death(pin);
  made.push(change.id);
  await civilChange(change);
  const res = await readNow(cec, 'civil');
  assert.equal(res.status, 200, res.text);
  await until(() => changeRow(change.id), 'the change applied');
  const row = changeRow(change.id);
  assert.equal(row.outcome, 'applied');
  assert.equal(row.voter_pin, pin);

  const now = picture(pin);
  assert.equal(now.voter[6], 'removed', 'the voter is off the list');
  assert.deepEqual(now.voter.slice(0, 6), before.voter.slice(0, 6), 'nothing else of the voter changed');
  assert.equal(now.stationVoters, before.stationVoters - 1, 'the station counts one fewer');
  assert.equal(now.cell, before.cell - 1, 'the statistics cell counts one fewer');
  assert.equal(now.region, before.region - 1, 'the region counts one fewer');
  assert.equal(now.country, before.country - 1, 'the country counts one fewer');
  assert.deepEqual(now.neighbours, before.neighbours, 'no other voter of the station is touched');
  assert.deepEqual(now.rows.slice(0, 2), before.rows.slice(0, 2), 'applications and moves stay');
  assert.equal(now.rows[2], before.rows[2] + 1, 'one removal');
  const [reason, source, evidence, station] = psql(`SELECT reason, source_id, evidence::text, station_number
      FROM voter_removals WHERE pin = :'p'`, { p: pin })[0];
  assert.equal(reason, 'death');
  assert.equal(source, change.id);
  assert.deepEqual(JSON.parse(evidence), change, 'the registry\'s change is the evidence');
  assert.equal(Number(station), before.station);
  // The public answers follow: the station's count and the area's statistics.
  const st = await stationCount(before.station, pin);
  assert.equal(st.api, before.stationVoters - 1);
  await until(async () => (await tizmeTotal(before.area)) === apiBefore - 1, 'the published statistics', 20000);
  // The station's flows count the death (migration 031's station_flows_json).
  const flows = JSON.parse(psqlValue(`SELECT station_flows_json(:'n'::integer)::text`, { n: before.station }));
  assert.equal(flows.left.death, deathsBefore + 1, 'the station\'s flows count one more death');

  // Delivered again: recorded once, counted once.
  const position = await redeliver(change.id);
  const again = await readNow(cec, 'civil');
  assert.equal(again.status, 200, again.text);
  await until(() => BigInt(psqlValue(`SELECT cursor FROM registry_feeds WHERE name = 'civil'`)) >= BigInt(position),
    'the read past the second delivery');
  const twice = picture(pin);
  assert.equal(twice.stationVoters, now.stationVoters);
  assert.equal(twice.cell, now.cell);
  assert.equal(twice.country, now.country);
  assert.equal(psqlInt(`SELECT count(*) FROM voter_removals WHERE source_id = :'id'`, { id: change.id }), 1);
  assert.equal(psqlInt(`SELECT count(*) FROM civil_changes WHERE id = :'id'`, { id: change.id }), 1);
  // A second death of the same voter (another act): recorded, nothing more.
  const second = death(pin, 'death-again');
  made.push(second.id);
  await civilChange(second);
  await readNow(cec, 'civil');
  await until(() => changeRow(second.id), 'the second act recorded');
  assert.equal(changeRow(second.id).outcome, 'already_removed');
  assert.equal(picture(pin).stationVoters, now.stationVoters);
});

test('a death under a changed PIN finds the voter', async () => {
  const cec = await signIn(STAFF.cec);
  const [pin] = pickVoters('registries-death-alias', 1);
  const newPin = `4${pin.slice(1)}`;
  assert.equal(psqlInt(`SELECT count(*) FROM voters WHERE pin = :'p'`, { p: newPin }), 0);
  const before = picture(pin);
  const rename = { id: changeId('rename'), kind: 'pin_change', pin, new_pin: newPin, date: '2026-11-01', record: {} };
  const died = death(newPin);
  made.push(rename.id, died.id);
  await civilChange(rename);
  await civilChange(died);
  assert.equal((await readNow(cec, 'civil')).status, 200);
  await until(() => changeRow(died.id), 'the death applied');
  assert.equal(changeRow(rename.id).outcome, 'pin_recorded');
  assert.equal(changeRow(died.id).outcome, 'applied');
  assert.equal(changeRow(died.id).voter_pin, pin);
  const now = picture(pin);
  assert.equal(now.voter[6], 'removed');
  assert.equal(now.stationVoters, before.stationVoters - 1);
});

test('a registry that fails: the feed keeps its cursor and says why; the next read goes on', async () => {
  const cec = await signIn(STAFF.cec);
  const [pin] = pickVoters('registries-death-fault', 1);
  const change = death(pin);
  made.push(change.id);
  const cursor = psqlValue(`SELECT cursor FROM registry_feeds WHERE name = 'civil'`);
  // Every call fails for a while (the scheduled reader's too).
  const f = await fetchAbs(`${TUNDUK}/_test/fault`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'Server.ServerProxy.ServiceFailed', times: 1000 }),
  });
  assert.equal(f.status, 200);
  try {
    await civilChange(change);
    const res = await readNow(cec, 'civil');
    assert.equal(res.status, 503, res.text);
    const state = (await cec.get('/api/v1/registries/civil')).json;
    assert.match(state.last_error, /ServiceFailed/);
    assert.equal(state.cursor, cursor);
    assert.equal(changeRow(change.id), null);
    assert.equal(psqlValue(`SELECT status FROM voters WHERE pin = :'p'`, { p: pin }), 'active');
    const failed = psqlInt(`SELECT count(*) FROM tunduk_calls WHERE service LIKE '%civil-registry%'
                              AND outcome <> 'ok' AND at > now() - interval '1 minute'`);
    assert.ok(failed >= 1, 'the failed call is recorded');
  } finally {
    await fetchAbs(`${TUNDUK}/_test/reset`, { method: 'POST' });
  }
  // Without the route: the schedule reads it.
  await until(() => changeRow(change.id), 'the scheduled read after the outage', 20000);
  assert.equal(changeRow(change.id).outcome, 'applied');
  await sleep(100);
  assert.equal((await cec.get('/api/v1/registries/civil')).json.last_error, null);
});
