// Drawings of lots: a tie the seat allocation cannot break waits for the
// CEC's recorded drawing, never decided silently; the drawing is public.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, assertError } from './lib.mjs';
import { signIn } from './cabinet_lib.mjs';

const CEC = '21111197000066';
const VOTER = '21505199000011';
const E = 990201;
const DEVICE = '99020100000000000001';
const b64 = (x) => Buffer.from(x).toString('base64url');

function teardown() {
  psql(`DELETE FROM results_lots WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${E});
        DELETE FROM results_log WHERE election_id = ${E};
        DELETE FROM results_log_head WHERE election_id = ${E};
        DELETE FROM station_turnout WHERE election_id = ${E};
        DELETE FROM area_turnout WHERE election_id = ${E};
        DELETE FROM station_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${E});
        DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${E});
        DELETE FROM asu_incidents WHERE election_id = ${E};
        DELETE FROM asu_reports WHERE election_id = ${E};
        DELETE FROM asu_devices WHERE election_id = ${E};
        DELETE FROM list_candidates WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${E});
        DELETE FROM contest_entries WHERE contest_id IN (SELECT id FROM contests WHERE election_id = ${E});
        DELETE FROM contests WHERE election_id = ${E};
        DELETE FROM elections WHERE id = ${E}`);
}

let key;
let station;   // a station of district 1 (which one depends on the demo's scale)
before(() => {
  teardown();
  // An election of this test's own: the demo's list contest and district 1, copied.
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
          VALUES (${E}, '2027-06-01', 'Тест жеребьёвки', 'Чүчүкулак сыноосу', 'parliamentary', 'scheduled');
        INSERT INTO contests SELECT ${E}00 + coalesce(district_number, 0), ${E}, kind, district_number, seats
          FROM contests WHERE election_id = 202701 AND (kind = 'list' OR district_number = 1);
        INSERT INTO contest_entries SELECT ${E}00 + coalesce(k.district_number, 0), x.ballot_position, x.party_id,
               x.candidate_id, x.withdrawn
          FROM contest_entries x JOIN contests k ON k.id = x.contest_id
         WHERE k.election_id = 202701 AND (k.kind = 'list' OR k.district_number = 1);
        INSERT INTO list_candidates SELECT ${E}00, party_id, position, candidate_id, withdrawn
          FROM list_candidates WHERE contest_id = 20270100;
        SELECT results_prepare(${E});`);
  station = Number(psql(`SELECT min(number) FROM stations WHERE district_number = 1`)[0][0]);
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  key = keys.privateKey;
  psql(`INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)
        VALUES (:'d', ${E}, ${station}, :'k', 'test')`, { d: DEVICE, k: keys.publicKey.export({ type: 'spki', format: 'pem' }) });
});
after(teardown);

function sign(payload) {
  const si = `${b64(JSON.stringify({ alg: 'ES256', kid: DEVICE }))}.${b64(JSON.stringify(payload))}`;
  return `${si}.${b64(crypto.sign('sha256', Buffer.from(si), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

test('a tie for first place in a district waits for the recorded drawing of lots', async () => {
  const candidates = psql(`SELECT x.ballot_position, x.candidate_id, x.withdrawn FROM contest_entries x
                           WHERE x.contest_id = ${E}01 ORDER BY x.ballot_position`);
  const parties = Number(psql(`SELECT count(*) FROM contest_entries WHERE contest_id = ${E}00`)[0][0]);
  const shape = JSON.parse(psql(`SELECT array_to_json(results_list_shape(${E}00))`)[0][0]);
  // The first two candidates not withdrawn get 40 votes each, the others fewer.
  const open = candidates.filter((c) => c[2] === 'f');
  assert.ok(open.length >= 2, 'district 1 has two candidates standing');
  const votes = candidates.map((c) => (c[2] === 't' ? 0 : c[1] === open[0][1] || c[1] === open[1][1] ? 40 : 5));
  const valid = votes.reduce((a, b) => a + b, 0) + 3;
  const line = (extra) => ({ voters: 500, received: 500, issued: valid + 2, cancelled: 500 - valid - 2,
    in_boxes: valid + 2, invalid: 2, valid, against_all: 3, ...extra });
  const listVotes = new Array(parties).fill(0);
  listVotes[0] = valid - 3;
  const res = await request('/api/v1/asu/reports', {
    method: 'POST', headers: { 'Content-Type': 'application/jose' },
    body: sign({ kind: 'final', device_id: DEVICE, election_id: E, station, seq: 1,
      time: '2027-06-01T20:01:00+06:00', contests: [
        line({ kind: 'list', votes: listVotes, preferences: shape.map((n) => new Array(n).fill(0)) }),
        line({ kind: 'district', district: 1, votes })] }),
  });
  assert.equal(res.status, 201, res.text);

  const tied = [Number(open[0][1]), Number(open[1][1])];
  const seats = async () => (await request(`/api/v1/results/elections/${E}/seats`)).json;
  let s = await seats();
  const d1 = s.districts.find((d) => d.district === 1);
  assert.equal(d1.outcome, 'lot_required', JSON.stringify(d1));
  assert.equal(d1.winner, null);

  const cec = await signIn(CEC);
  // Refused: ids not of the contest, repeated, too few; not a voter's to record.
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: [tied[0], 999999], note: 'x' }),
    422, 'lot_mismatch');
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: [tied[0], tied[0]], note: 'x' }),
    422, 'lot_mismatch');
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: [tied[0]], note: 'x' }),
    400, 'invalid_field', 'drawn_order');
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: tied, note: '' }),
    400, 'invalid_field', 'note');
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 37, drawn_order: tied, note: 'x' }),
    400, 'invalid_field', 'district');
  assertError(await (await signIn(VOTER)).post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: tied, note: 'x' }),
    403, 'forbidden');
  assert.equal((await request(`/api/v1/results/elections/${E}/lots`)).json.items.length, 0, 'nothing recorded');

  // The drawing put the second tied candidate first: they win, and the draw is shown.
  const drawn = [tied[1], tied[0]];
  const rec = await cec.post(`/api/v1/results/elections/${E}/lots`,
    { district: 1, drawn_order: drawn, note: 'Протокол ЦИК №1, жеребьёвка 2027-06-02' });
  assert.equal(rec.status, 201, rec.text);
  assert.deepEqual(rec.json.lot.drawn_order, drawn);

  // Public answers are cached by nginx for a second.
  await new Promise((r) => setTimeout(r, 1100));
  const lotsRes = await request(`/api/v1/results/elections/${E}/lots`);
  const lots = lotsRes.json.items;
  assert.equal(lots.length, 1);
  assert.equal(lots[0].district, 1);
  assert.deepEqual(lots[0].drawn_order, drawn);
  s = await seats();
  const after1 = s.districts.find((d) => d.district === 1);
  assert.equal(after1.outcome, 'elected', JSON.stringify(after1));
  assert.equal(after1.winner.id, tied[1]);
  assert.equal(after1.lots.length, 1, 'the draw is part of the answer');
});
