// Drawings of lots: a tie the seat allocation cannot break waits for the
// CEC's recorded drawing, never decided silently; the drawing is public.
// A drawing is taken only while its contest waits on exactly that tie (the
// seats' "lot_required"), never in advance, twice, or once the election is
// completed or annulled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, assertError } from './lib.mjs';
import { signIn } from './cabinet_lib.mjs';
import { setupElection, dropElection, setStatus, fresh } from './asu_lib.mjs';

const CEC = '21111197000066';
const VOTER = '21505199000011';
const E = 990790;   // this file's election (tests/api/asu_lib.mjs: ids from 990700)
const DEVICE = '99079000000000000001';
const b64 = (x) => Buffer.from(x).toString('base64url');

let key;
let station;   // a station of district 1 (which one depends on the demo's scale)
before(() => {
  setupElection(E);
  station = Number(psql(`SELECT min(number) FROM stations WHERE district_number = 1`)[0][0]);
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  key = keys.privateKey;
  psql(`INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)
        VALUES (:'d', ${E}, ${station}, :'k', 'test')`, { d: DEVICE, k: keys.publicKey.export({ type: 'spki', format: 'pem' }) });
});
after(() => dropElection(E));

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
  const other = Number(candidates.find((c) => !tied.includes(Number(c[1])))[1]);   // of the contest, not tied
  const listIds = psql(`SELECT party_id FROM contest_entries WHERE contest_id = ${E}00 ORDER BY ballot_position`).map((r) => Number(r[0]));
  const d2 = psql(`SELECT candidate_id FROM contest_entries WHERE contest_id = ${E}02 ORDER BY ballot_position LIMIT 2`).map((r) => Number(r[0]));
  // The seats are published a moment after the change (cgi/api/published.c): wait for it.
  const district1 = (j) => j?.districts?.find((d) => d.district === 1);
  const seats = async (pred) => (await fresh(`/api/v1/results/elections/${E}/seats`,
    (r) => r.status === 200 && pred(district1(r.json)))).json;
  let s = await seats((d) => d?.outcome === 'lot_required');
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
  // Refused: a drawing for a contest with no tie (the list: one party has every vote), or one
  // still without results (district 2), that would otherwise settle a later tie silently.
  let e = assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: null, drawn_order: [listIds[0], listIds[1]], note: 'x' }),
    422, 'no_lot_required');
  assert.match(e.message, /allocated/);
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { drawn_order: [listIds[1], listIds[0]], note: 'x' }),
    422, 'no_lot_required');
  e = assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 2, drawn_order: d2, note: 'x' }),
    422, 'no_lot_required');
  assert.match(e.message, /awaiting_results/);
  // Refused: not exactly the tied candidates (one more of the contest, or one of them and another).
  e = assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: [...tied, other], note: 'x' }),
    422, 'lot_mismatch', 'drawn_order');
  assert.ok(e.message.includes(`${tied[0]}, ${tied[1]}`), `the message names the tie: ${e.message}`);
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: [tied[0], other], note: 'x' }),
    422, 'lot_mismatch', 'drawn_order');
  // Refused: the election is completed or annulled (the tie is there, the results are closed).
  for (const status of ['completed', 'annulled']) {
    setStatus(E, status);
    try {
      assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: tied, note: 'x' }),
        422, 'election_closed');
    } finally {
      setStatus(E, 'counting');
    }
  }
  // Refused: a body that is not RFC 8259 JSON (json-c would take NaN, Infinity and raw control characters).
  const lotsPath = `/api/v1/results/elections/${E}/lots`;
  for (const body of [`{"district":1,"drawn_order":[${tied[0]},NaN],"note":"x"}`,
    `{"district":Infinity,"drawn_order":[${tied[0]},${tied[1]}],"note":"x"}`,
    `{"district":-Infinity,"drawn_order":[${tied[0]},${tied[1]}],"note":"x"}`,
    `{"district":1,"drawn_order":[${tied[0]},${tied[1]}],"note":"a\tb"}`,
    `{"district":1,"drawn_order":[${tied[0]},${tied[1]}],"note":"a\nb"}`,
    `{"district":1,"drawn_order":[${tied[0]},${tied[1]}],"note":"a\u0001b"}`]) {
    assertError(await cec.post(lotsPath, body), 400, 'invalid_json');
  }
  assert.equal((await request(`/api/v1/results/elections/${E}/lots`)).json.items.length, 0, 'nothing recorded');

  // The drawing put the second tied candidate first: they win, and the draw is shown.  The same
  // drawing sent twice at once is recorded once: the second finds the tie settled.
  const drawn = [tied[1], tied[0]];
  const both = await Promise.all([0, 1].map(() => cec.post(`/api/v1/results/elections/${E}/lots`,
    { district: 1, drawn_order: drawn, note: 'Протокол ЦИК №1, жеребьёвка 2027-06-02' })));
  both.sort((a, b) => a.status - b.status);
  const rec = both[0];
  assert.equal(rec.status, 201, rec.text);
  assert.deepEqual(rec.json.lot.drawn_order, drawn);
  assertError(both[1], 422, 'no_lot_required');
  // Once settled, another drawing of the same tie is refused.
  assertError(await cec.post(`/api/v1/results/elections/${E}/lots`, { district: 1, drawn_order: tied, note: 'again' }),
    422, 'no_lot_required');

  // Public answers are cached by nginx for a second.
  await new Promise((r) => setTimeout(r, 1100));
  const lotsRes = await request(`/api/v1/results/elections/${E}/lots`);
  const lots = lotsRes.json.items;
  assert.equal(lots.length, 1);
  assert.equal(lots[0].district, 1);
  assert.deepEqual(lots[0].drawn_order, drawn);
  s = await seats((d) => d?.lots?.length === 1);
  const after1 = s.districts.find((d) => d.district === 1);
  assert.equal(after1.outcome, 'elected', JSON.stringify(after1));
  assert.equal(after1.winner.id, tied[1]);
  assert.equal(after1.lots.length, 1, 'the draw is part of the answer');
});
