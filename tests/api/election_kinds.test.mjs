// Every kind of election end to end through signed reports (migration 029,
// sql/functions/030_outcome.sql, cgi/api/outcome.c, cgi/rules/majority.c,
// seats_allocate_council): a referendum with two questions (one adopted, one
// rejected), a presidential election whose first round goes to a second
// round of the top two and whose second round elects, and a local council's
// seats; each ballot's shape checked as the parliament's; the manual count
// beside, the outcome decided for both counts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { psql, psqlValue, assertError, dropElection, TEST_ELECTION_MIN } from './lib.mjs';
import { registerDevice, signAs, postReport, finalPayload, fresh, verifyLog } from './asu_lib.mjs';
import { signIn } from './cabinet_lib.mjs';

const REF = TEST_ELECTION_MIN + 920;
const PRES1 = TEST_ELECTION_MIN + 921;
const PRES2 = TEST_ELECTION_MIN + 922;
const LOCAL = TEST_ELECTION_MIN + 923;
const COUNCIL = TEST_ELECTION_MIN + 923; // a test council of region 1 (its own id)
const TEC101 = '20101195000044';
let stations; // three stations of region 1 (commission 101), and one abroad
let abroad;
let tec;

function election(id, type, extra = '') {
  dropElection(id);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status, voters${extra ? ', first_round' : ''})
        VALUES (:'e'::integer, current_date, 'Тест ' || :'e', 'Тест ' || :'e', :'t', 'counting', 1000${extra ? `, ${extra}` : ''})`,
  { e: id, t: type });
}

// A contest's lines: voters, `issued` ballots of which `invalid` invalid, the rest as votes (and against all).
function lines(voters, votes, { invalid = 2, against = 0 } = {}) {
  const valid = votes.reduce((a, b) => a + b, 0) + against;
  const in_boxes = valid + invalid;
  return { voters, received: voters, issued: in_boxes, cancelled: voters - in_boxes, in_boxes, invalid, valid, votes, against_all: against };
}

const assertErrorOf = async (p, status, code) => assertError(await p, status, code);
const outcome = (e, pred) => fresh(`/api/v1/results/elections/${e}/outcome`, (r) => r.status === 200 && pred(r.json));

before(async () => {
  stations = psql(`SELECT number, voters FROM stations WHERE commission_id = 101 AND NOT abroad AND voters > 300
                    ORDER BY number LIMIT 3`).map(([n, v]) => ({ number: Number(n), voters: Number(v) }));
  abroad = psql(`SELECT number, voters FROM stations WHERE abroad AND voters > 50 ORDER BY number LIMIT 1`)
    .map(([n, v]) => ({ number: Number(n), voters: Number(v) }))[0];
  assert.equal(stations.length, 3);
  tec = await signIn(TEC101);
});

after(() => {
  for (const e of [PRES2, PRES1, REF, LOCAL]) dropElection(e);
  psql(`DELETE FROM councils WHERE id = :'c'::integer`, { c: COUNCIL });
});

describe('a referendum', () => {
  before(() => {
    election(REF, 'referendum');
    psql(`INSERT INTO contests (id, election_id, kind, seats, question, question_ru, question_ky)
          VALUES (:'e'::integer * 100 + 1, :'e'::integer, 'question', 1, 1, 'Вопрос первый?', 'Биринчи суроо?'),
                 (:'e'::integer * 100 + 2, :'e'::integer, 'question', 1, 2, 'Вопрос второй?', 'Экинчи суроо?');
          INSERT INTO contest_entries (contest_id, ballot_position, answer)
          SELECT :'e'::integer * 100 + q, p, CASE p WHEN 1 THEN 'yes' ELSE 'no' END FROM generate_series(1, 2) q, generate_series(1, 2) p`,
    { e: REF });
  });

  test('each station reports both questions; the first adopted, the second rejected; turnout above 30%', async () => {
    for (const s of [...stations, abroad]) {
      const dev = await registerDevice(REF, s);
      const q = (n, yes, no) => ({ kind: 'question', question: n, ...lines(s.voters, [yes, no]) });
      const third = Math.floor(s.voters / 3);
      const r = await postReport(signAs(dev, finalPayload(dev, 1, [q(1, third, 20), q(2, 20, third)])));
      assert.equal(r.status, 201, r.text);
    }
    const o = await outcome(REF, (j) => j.contests.length === 2 && j.contests[0].preliminary?.stations?.reported === 4);
    const [q1, q2] = o.json.contests;
    assert.equal(q1.kind, 'question');
    assert.equal(q1.preliminary.outcome.outcome, 'adopted');
    assert.equal(q2.preliminary.outcome.outcome, 'rejected');
    assert.ok(q1.preliminary.outcome.turnout_permille > 300, JSON.stringify(q1.preliminary.outcome));
    assert.equal(q1.official.outcome.outcome, 'awaiting_results', 'no manual count yet');
    const sum = await fresh(`/api/v1/results/elections/${REF}/summary`, (r) => r.json?.contests?.[0]?.figures?.stations?.reported === 4);
    assert.equal(sum.json.contests[0].question_ru, 'Вопрос первый?');
    assert.deepEqual(sum.json.contests[0].figures.entries.map((x) => x.answer), ['yes', 'no']);
  });

  test('a ballot not the referendum\'s, a missing question, "against all" on it: refused', async () => {
    const s = stations[0];
    const dev = await registerDevice(REF, s, { replacement: 1 }).catch(() => null);
    const d = dev ?? { id: null };
    const q = (n, extra = {}) => ({ kind: 'question', question: n, ...lines(s.voters, [10, 10]), ...extra });
    if (d.id) {
      await assertErrorOf(postReport(signAs(d, finalPayload(d, 1, [q(1)]))), 422, 'ballot_mismatch');
      await assertErrorOf(postReport(signAs(d, finalPayload(d, 2, [q(1), q(3)]))), 422, 'ballot_mismatch');
      await assertErrorOf(postReport(signAs(d, finalPayload(d, 3, [q(1), { ...q(2), votes: [10, 10, 1], valid: 21, in_boxes: 23, issued: 23, cancelled: s.voters - 23 }]))), 422, 'ballot_mismatch');
      await assertErrorOf(postReport(signAs(d, finalPayload(d, 4, [q(1), q(2, { against_all: 1, valid: 21, in_boxes: 23, issued: 23, cancelled: s.voters - 23 })]))), 422, 'contests_shape');
      await assertErrorOf(postReport(signAs(d, finalPayload(d, 5, [{ kind: 'list', ...lines(s.voters, [10, 10]) }]))), 422, 'contests_shape');
    }
  });

  test('the manual count of a station: official beside, the outcome for it too, in the log', async () => {
    const s = stations[1];
    const third = Math.floor(s.voters / 3);
    const r = await tec.post(`/api/v1/protocols/elections/${REF}/stations/${s.number}`, {
      contests: [{ kind: 'question', question: 1, ...lines(s.voters, [third, 21]) },
        { kind: 'question', question: 2, ...lines(s.voters, [20, third]) }],
    });
    assert.equal(r.status, 201, r.text);
    const o = await outcome(REF, (j) => j.contests[0].official?.stations?.reported === 1);
    // The outcome stands on the stations counted so far (as the ASU's turnout): one station, its own turnout.
    assert.equal(o.json.contests[0].official.outcome.outcome, 'adopted');
    assert.equal(o.json.contests[0].official.voters, s.voters);
    assert.equal(o.json.contests[1].official.outcome.outcome, 'rejected');
    const entries = await verifyLog(REF);
    assert.ok(entries.some((x) => x.kind === 'protocol' && x.station === s.number));
  });
});

describe('a presidential election in two rounds', () => {
  let cands;
  before(() => {
    cands = psql(`SELECT id FROM candidates ORDER BY id LIMIT 3`).map(([id]) => Number(id));
    for (const [e, extra, n] of [[PRES1, '', 3], [PRES2, String(PRES1), 2]]) {
      election(e, 'presidential', extra);
      psql(`INSERT INTO contests (id, election_id, kind, seats) VALUES (:'e'::integer * 100, :'e'::integer, 'president', 1);
            INSERT INTO contest_entries (contest_id, ballot_position, candidate_id)
            SELECT :'e'::integer * 100, i, (string_to_array(:'c', ','))[i]::integer FROM generate_series(1, :'n'::integer) i`,
      { e, c: cands.join(','), n });
    }
  });

  test('nobody above half of the participants: a second round of the top two, linked to the first', async () => {
    for (const s of stations) {
      const dev = await registerDevice(PRES1, s);
      const r = await postReport(signAs(dev, finalPayload(dev, 1, [{ kind: 'president', ...lines(s.voters, [90, 80, 70], { against: 5 }) }])));
      assert.equal(r.status, 201, r.text);
    }
    const o = await outcome(PRES1, (j) => j.contests[0]?.preliminary?.stations?.reported === 3);
    const p = o.json.contests[0].preliminary.outcome;
    assert.equal(p.outcome, 'second_round', JSON.stringify(p));
    assert.deepEqual(p.runoff, [cands[0], cands[1]]);
    assert.equal(o.json.election.second_round, PRES2, 'the first round names its second');
    // Its areas are shown by its one contest: the region's candidates and stations.
    const region = await fresh(`/api/v1/results/elections/${PRES1}/regions/1`, (r) => r.json?.region?.stations?.reported === 3);
    assert.equal(region.status, 200, region.text.slice(0, 300));
    assert.equal(region.json.region.contest_id, PRES1 * 100);
    assert.deepEqual(region.json.region.entries.map((x) => x.candidate_id), cands);
    assert.equal(region.json.stations.filter((x) => x.reported).length, 3);
  });

  test('the second round: the one with more votes is elected', async () => {
    for (const s of stations) {
      const dev = await registerDevice(PRES2, s);
      const r = await postReport(signAs(dev, finalPayload(dev, 1, [{ kind: 'president', ...lines(s.voters, [100, 120], { against: 3 }) }])));
      assert.equal(r.status, 201, r.text);
    }
    const o = await outcome(PRES2, (j) => j.contests[0]?.preliminary?.stations?.reported === 3);
    const p = o.json.contests[0].preliminary.outcome;
    assert.equal(p.round, 2);
    assert.equal(p.outcome, 'elected', JSON.stringify(p));
    assert.equal(p.winner, cands[1]);
    assert.equal(o.json.election.first_round, PRES1);
  });
});

describe('a local council', () => {
  let parties;
  before(() => {
    psql(`INSERT INTO councils (id, region_id, name_ru, name_ky) VALUES (:'c'::integer, 1, 'Тестовый кенеш', 'Тест кеңеши')
          ON CONFLICT DO NOTHING`, { c: COUNCIL });
    election(LOCAL, 'local');
    parties = psql(`SELECT id FROM parties ORDER BY id LIMIT 4`).map(([id]) => Number(id));
    psql(`INSERT INTO contests (id, election_id, kind, seats, council_id, threshold_permille)
          VALUES (:'e'::integer * 100, :'e'::integer, 'council', 45, :'c'::integer, 70);
          INSERT INTO contest_entries (contest_id, ballot_position, party_id)
          SELECT :'e'::integer * 100, i, (string_to_array(:'p', ','))[i]::integer FROM generate_series(1, 4) i`,
    { e: LOCAL, c: COUNCIL, p: parties.join(',') });
  });

  test('the council\'s stations report; its seats go by its own 7% threshold; stations elsewhere take no part', async () => {
    for (const s of stations) {
      const dev = await registerDevice(LOCAL, s);
      const r = await postReport(signAs(dev, finalPayload(dev, 1, [{ kind: 'council', council: COUNCIL, ...lines(s.voters, [100, 60, 30, 10], { against: 4 }) }])));
      assert.equal(r.status, 201, r.text);
    }
    const o = await outcome(LOCAL, (j) => j.contests[0]?.preliminary?.stations?.reported === 3);
    const p = o.json.contests[0].preliminary.outcome;
    assert.equal(p.outcome, 'allocated', JSON.stringify(p));
    assert.deepEqual(p.parties.map((x) => x.qualified), [true, true, true, false], '10 of 200 votes is 5%: under the council\'s 7%');
    assert.equal(p.parties.reduce((a, x) => a + x.seats, 0), 45);
    assert.deepEqual(p.parties.map((x) => x.seats), [24, 14, 7, 0]);
    const total = Number(psqlValue(`SELECT stations_total FROM area_results WHERE contest_id = :'k'::integer AND area = 1`, { k: LOCAL * 100 }));
    assert.equal(total, Number(psqlValue(`SELECT count(*) FROM stations WHERE region_id = 1`)), 'the council\'s area is its region');
    // The council's region shows the council's contest; a region without a council has none.
    const region = await fresh(`/api/v1/results/elections/${LOCAL}/regions/1`, (r) => r.json?.region?.stations?.reported === 3);
    assert.equal(region.json.region.contest_id, LOCAL * 100);
    assert.equal((await fresh(`/api/v1/results/elections/${LOCAL}/regions/3`, (r) => r.status === 404)).status, 404);
    // A station abroad does not vote for the council.
    const dev = await registerDevice(LOCAL, abroad);
    await assertErrorOf(postReport(signAs(dev, finalPayload(dev, 1, [{ kind: 'council', council: COUNCIL, ...lines(abroad.voters, [1, 1, 1, 1]) }]))), 422, 'ballot_mismatch');
  });
});
