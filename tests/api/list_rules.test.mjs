// GET /api/v1/elections/{id}/contests/list/parties/{party}/rules: a party's list checked
// against the list rules (cgi/rules/list_rules.c; unit tests: tests/unit/test_list_rules.c).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, request, assertError, psql, dropElection } from './lib.mjs';

const DEMO = 202701;
const E = 990760;   // this file's test election
const rules = (e, p) => `/api/v1/elections/${e}/contests/list/parties/${p}/rules`;

after(() => dropElection(E));

describe('a party list against the rules', () => {
  test('every list of the demo election keeps the rules', async () => {
    const parties = psql(`SELECT x.party_id FROM contest_entries x JOIN contests k ON k.id = x.contest_id
                           WHERE k.election_id = ${DEMO} AND k.kind = 'list' ORDER BY 1`).map((r) => Number(r[0]));
    assert.ok(parties.length >= 5);
    for (const p of parties) {
      const r = await getJson(rules(DEMO, p));
      assert.equal(r.party.id, p);
      assert.ok(r.candidates > 0 && r.candidates <= 54);
      assert.deepEqual(r.violations, [], `party ${p}: ${JSON.stringify(r.violations)}`);
      assert.equal(r.keeps_rules, true);
    }
  });

  test('a list that breaks rules: each rule named, with its positions and words', async () => {
    dropElection(E);
    // Four men, then four women: educated, 40 or older, none of other ethnicity or with a disability.
    const pick = (sex) => `SELECT id FROM candidates WHERE sex = '${sex}' AND higher_education
        AND NOT other_ethnicity AND NOT disability AND birth_date < '1985-01-01' ORDER BY id LIMIT 4`;
    const party = Number(psql(`SELECT min(party_id) FROM contest_entries x JOIN contests k ON k.id = x.contest_id
                                WHERE k.election_id = ${DEMO} AND k.kind = 'list'`)[0][0]);
    psql(`BEGIN;
      INSERT INTO elections (id, date, name_ru, name_ky, type, status)
      VALUES (${E}, '2027-01-24', 'Проверка правил списков', 'Тизмелердин эрежелерин текшерүү', 'parliamentary', 'scheduled');
      INSERT INTO contests (id, election_id, kind, seats) VALUES (${E}00, ${E}, 'list', 54);
      INSERT INTO contest_entries (contest_id, ballot_position, party_id) VALUES (${E}00, 1, ${party});
      INSERT INTO list_candidates (contest_id, party_id, position, candidate_id)
      SELECT ${E}00, ${party}, row_number() OVER (ORDER BY k, id), id
        FROM (SELECT 1 AS k, id FROM (${pick('M')}) m UNION ALL SELECT 2, id FROM (${pick('F')}) f) x;
      COMMIT;`);
    const r = await getJson(rules(E, party));
    assert.equal(r.candidates, 8);
    assert.equal(r.keeps_rules, false);
    const by = Object.fromEntries(r.violations.map((v) => [v.rule, v]));
    assert.deepEqual(Object.keys(by).sort(), ['disability_count', 'ethnicity_share', 'sex_run', 'young_share']);
    const runs = r.violations.filter((v) => v.rule === 'sex_run');
    assert.deepEqual(runs.map((v) => v.positions), [[1, 2, 3, 4], [5, 6, 7, 8]]);
    assert.match(runs[0].message, /4 men in a row/);
    assert.match(runs[1].message, /4 women in a row/);
    assert.match(by.young_share.message, /needs at least 2/);
    assert.match(by.disability_count.message, /at least 2/);
    // Withdrawing the fourth man and the fourth woman ends both runs: the rules count who is on the ballot.
    psql(`UPDATE list_candidates SET withdrawn = true WHERE contest_id = ${E}00 AND position IN (4, 8)`);
    // (nginx's microcache keeps an answer of /api/v1/elections a second or two)
    let r2;
    for (const t0 = Date.now(); Date.now() - t0 < 6000; await new Promise((ok) => setTimeout(ok, 250))) {
      r2 = await getJson(rules(E, party));
      if (r2.candidates === 8 && !r2.violations.some((v) => v.rule === 'sex_run')) break;
    }
    assert.equal(r2.violations.find((v) => v.rule === 'sex_run'), undefined, JSON.stringify(r2.violations));
    assert.ok(r2.violations.some((v) => v.rule === 'young_share'), 'the other rules still broken');
  });

  test('a party not on the ballot: 404; malformed ids: 400', async () => {
    assertError(await request(rules(DEMO, 999999)), 404, 'not_found');
    assertError(await request(rules(DEMO, 'x')), 400, 'invalid_parameter', 'party');
    assertError(await request(rules('x', 1)), 400, 'invalid_parameter', 'id');
  });
});
