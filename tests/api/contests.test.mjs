// The contests of an election: GET /api/v1/elections/{id},
// /api/v1/elections/{id}/contests/list and .../contests/districts/{n}, on the
// demo's scheduled parliamentary election (sql/demo/contests.sql); and
// DOMAIN.md's rules for party lists and district ballots checked on the data.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJson, assertError, assertKeys, psql, psqlInt, psqlValue, is4xx, dropElection, TEST_ELECTION_MIN } from './lib.mjs';

const ELECTION = 202701;
const LIST = 20270100;
const E = `/api/v1/elections/${ELECTION}`;
const CONTEST_SQL = new URL('../../sql/demo/contests.sql', import.meta.url).pathname;

const ELECTION_KEYS = ['id', 'date', 'name_ru', 'name_ky', 'type', 'status', 'voters', 'turnout', 'results'];
const PARTY_KEYS = ['ballot_position', 'id', 'name_ru', 'name_ky', 'short_name', 'withdrawn', 'candidates'];
const LIST_CANDIDATE_KEYS = ['position', 'name', 'sex', 'birth_date', 'withdrawn'];
const DISTRICT_CANDIDATE_KEYS = ['ballot_position', 'name', 'sex', 'birth_date', 'party', 'withdrawn'];

const NAME = `concat_ws(' ', c.last_name, c.first_name, c.patronymic)`;

// An election id the database does not have.
const missingElection = () => psqlInt(`SELECT min(n) FROM generate_series(${ELECTION} + 1, ${ELECTION} + 1000) n
                                        WHERE NOT EXISTS (SELECT 1 FROM elections WHERE id = n)`);
// An election with no contests: every election of the demo has its results now, so a test election of
// our own, made once (and dropped at the end); and a referendum of the demo, which has no list or district.
const NO_CONTESTS = TEST_ELECTION_MIN + 930;
function electionWithoutContests() {
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date + 90, 'Без бюллетеней', 'Бюллетенсиз', 'parliamentary', 'scheduled')
        ON CONFLICT DO NOTHING`, { e: NO_CONTESTS });
  return NO_CONTESTS;
}
after(() => dropElection(NO_CONTESTS));
const REFERENDUM = 202103; // the demo's: a question, no party lists, no districts

// Rows of the database are arrays of strings: t/f and numbers converted here.
const bool = (s) => s === 't';

function districtFromDb(d) {
  return psql(`SELECT x.ballot_position, ${NAME}, c.sex, to_char(c.birth_date, 'YYYY-MM-DD'), x.withdrawn,
      coalesce(p.id::text, '<null>'), coalesce(p.short_name, '<null>')
    FROM contests k JOIN contest_entries x ON x.contest_id = k.id JOIN candidates c ON c.id = x.candidate_id
    LEFT JOIN parties p ON p.id = x.party_id
   WHERE k.election_id = :'e' AND k.kind = 'district' AND k.district_number = :'d'
   ORDER BY x.ballot_position`, { e: ELECTION, d }).map(([pos, name, sex, birth, withdrawn, pid, short]) => ({
    ballot_position: Number(pos), name, sex, birth_date: birth, withdrawn: bool(withdrawn),
    party: pid === '<null>' ? null : { id: Number(pid), short_name: short },
  }));
}

describe('GET /api/v1/elections/{id}', () => {
  test('the scheduled election: the election as in the list, its list contest and 36 districts', async () => {
    const r = await getJson(E);
    assertKeys(r, ['election', 'contests'], 'answer');
    assertKeys(r.election, ELECTION_KEYS, 'election');
    const all = await getJson('/api/v1/elections');
    assert.deepEqual(r.election, all.items.find((x) => x.id === ELECTION), 'the same object as in /api/v1/elections');
    assert.equal(r.election.date, '2027-01-24');
    assert.equal(r.election.type, 'parliamentary');

    assertKeys(r.contests, ['list', 'districts', 'others'], 'contests');
    assert.deepEqual(r.contests.others, [], 'a parliamentary election: no other contests');
    assertKeys(r.contests.list, ['id', 'seats', 'parties'], 'contests.list');
    assert.deepEqual(r.contests.list, {
      id: LIST, seats: 54,
      parties: psqlInt(`SELECT count(*) FROM contest_entries WHERE contest_id = ${LIST}`),
    });
    assert.ok(r.contests.list.parties >= 2, 'several parties on the ballot');

    const db = psql(`SELECT k.id, k.district_number, (SELECT count(*) FROM contest_entries x WHERE x.contest_id = k.id)
      FROM contests k WHERE k.election_id = :'e' AND k.kind = 'district' ORDER BY k.district_number`, { e: ELECTION });
    assert.equal(r.contests.districts.length, 36);
    assert.deepEqual(r.contests.districts,
      db.map(([id, d, n]) => ({ id: Number(id), district: Number(d), candidates: Number(n) })));
    r.contests.districts.forEach((x, i) => {
      assertKeys(x, ['id', 'district', 'candidates'], `district ${i + 1}`);
      assert.equal(x.district, i + 1, 'districts 1..36 in order');
      assert.equal(x.id, LIST + x.district, 'contest id');
      assert.ok(x.candidates >= 3 && x.candidates <= 7, `district ${x.district}: ${x.candidates} candidates`);
    });
  });

  test('an election without contests: no list, no districts', async () => {
    const id = electionWithoutContests();
    const r = await getJson(`/api/v1/elections/${id}`);
    assert.equal(r.election.id, id);
    assert.deepEqual(r.contests, { list: null, districts: [], others: [] });
  });

  test('a referendum: its question and answers; a presidential election: its candidates', async () => {
    const q = (await getJson(`/api/v1/elections/${REFERENDUM}`)).contests;
    assert.deepEqual([q.list, q.districts], [null, []]);
    assert.equal(q.others.length, 1);
    assert.equal(q.others[0].kind, 'question');
    assert.equal(q.others[0].question, 1);
    assert.equal(q.others[0].question_ru, psqlValue(`SELECT question_ru FROM contests WHERE election_id = :'e'::integer`, { e: REFERENDUM }));
    assert.deepEqual(q.others[0].entries.map((x) => x.answer), ['yes', 'no']);
    const p = (await getJson('/api/v1/elections/202101')).contests.others;
    assert.deepEqual(p.map((x) => x.kind), ['president']);
    assert.deepEqual(p[0].entries.map((x) => x.candidate_id),
      psql(`SELECT candidate_id FROM contest_entries x JOIN contests k ON k.id = x.contest_id
             WHERE k.election_id = 202101 ORDER BY x.ballot_position`).map(([id]) => Number(id)));
  });

  test('an unknown election: 404 election_not_found', async () => {
    assertError(await request(`/api/v1/elections/${missingElection()}`), 404, 'election_not_found');
    assertError(await request('/api/v1/elections/2147483647'), 404, 'election_not_found');
  });

  test('malformed ids: 400 invalid_parameter (id)', async () => {
    for (const v of ['abc', '0', '-1', '-202701', '2027.01', '1e5', '0x31', '202701a', '2147483648',
      '99999999999999999999', '%20', '202701%20', '%D9%A1', "202701'%20OR%20'1'='1"]) {
      assertError(await request(`/api/v1/elections/${v}`), 400, 'invalid_parameter', 'id');
    }
  });

  test('unknown query parameters: 400 unknown_parameter', async () => {
    assertError(await request(`${E}?contest=list`), 400, 'unknown_parameter', 'contest');
    assertError(await request(`${E}?page=1`), 400, 'unknown_parameter', 'page');
  });

  test('paths that name nothing: 404 JSON', async () => {
    for (const p of [`${E}/`, `${E}/contests`, `${E}/contests/`, `${E}/contests/districts`,
      `${E}/contests/districts/`, `${E}/contests/list/1`, `${E}/contests/lists`, `${E}/contests/districts/7/x`]) {
      assertError(await request(p), 404);
    }
  });
});

describe('GET /api/v1/elections/{id}/contests/list', () => {
  test('the parties in ballot order with their lists, as in the database', async () => {
    const r = await getJson(`${E}/contests/list`);
    assertKeys(r, ['contest', 'parties'], 'answer');
    assert.deepEqual(r.contest, { id: LIST, seats: 54 });
    const parties = psql(`SELECT x.ballot_position, p.id, p.name_ru, p.name_ky, p.short_name, x.withdrawn
      FROM contest_entries x JOIN parties p ON p.id = x.party_id WHERE x.contest_id = ${LIST}
      ORDER BY x.ballot_position`);
    assert.ok(parties.length >= 2);
    assert.equal(r.parties.length, parties.length);
    const lists = new Map();
    for (const [party, pos, name, sex, birth, withdrawn] of psql(`SELECT l.party_id, l.position, ${NAME}, c.sex,
        to_char(c.birth_date, 'YYYY-MM-DD'), l.withdrawn
      FROM list_candidates l JOIN candidates c ON c.id = l.candidate_id WHERE l.contest_id = ${LIST}
      ORDER BY l.party_id, l.position`)) {
      if (!lists.has(Number(party))) lists.set(Number(party), []);
      lists.get(Number(party)).push({
        position: Number(pos), name, sex, birth_date: birth, withdrawn: bool(withdrawn),
      });
    }
    r.parties.forEach((p, i) => {
      assertKeys(p, PARTY_KEYS, `party at ${i + 1}`);
      const [pos, id, name_ru, name_ky, short_name, withdrawn] = parties[i];
      assert.equal(p.ballot_position, i + 1, 'ballot positions 1..n in order');
      assert.deepEqual({ ...p, candidates: undefined }, {
        ballot_position: Number(pos), id: Number(id), name_ru, name_ky, short_name, withdrawn: bool(withdrawn),
        candidates: undefined,
      }, `party ${id}`);
      p.candidates.forEach((c, j) => assertKeys(c, LIST_CANDIDATE_KEYS, `party ${id}, candidate ${j + 1}`));
      assert.deepEqual(p.candidates, lists.get(p.id) ?? [], `party ${id}: its list in order`);
      assert.ok(p.candidates.length >= 1 && p.candidates.length <= 54,
        `party ${id}: ${p.candidates.length} candidates`);
    });
  });

  test('numbers are kept: positions 1..n, a withdrawn candidate keeps the number', async () => {
    const r = await getJson(`${E}/contests/list`);
    let withdrawn = 0;
    for (const p of r.parties) {
      assert.deepEqual(p.candidates.map((c) => c.position), p.candidates.map((_, j) => j + 1), `party ${p.id}`);
      for (const c of p.candidates) {
        assert.equal(typeof c.withdrawn, 'boolean');
        assert.match(c.sex, /^[FM]$/);
        assert.match(c.birth_date, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(c.name.length > 0 && c.name === c.name.trim() && !c.name.includes('  '), `name "${c.name}"`);
        if (c.withdrawn) withdrawn++;
      }
    }
    assert.ok(withdrawn > 0, 'the demo has withdrawn list candidates');
  });

  test('an election without a list contest, or an unknown one: 404', async () => {
    assertError(await request(`/api/v1/elections/${electionWithoutContests()}/contests/list`), 404,
      'contest_not_found');
    assertError(await request(`/api/v1/elections/${REFERENDUM}/contests/list`), 404, 'contest_not_found');
    // contest_not_found today; election_not_found would say more.
    const e = assertError(await request(`/api/v1/elections/${missingElection()}/contests/list`), 404);
    assert.ok(['election_not_found', 'contest_not_found'].includes(e.code), e.code);
  });

  test('malformed ids: 400; unknown query parameters: 400', async () => {
    for (const v of ['abc', '0', '-1', '1.5', '99999999999']) {
      assertError(await request(`/api/v1/elections/${v}/contests/list`), 400, 'invalid_parameter', 'id');
    }
    assertError(await request(`${E}/contests/list?party=1`), 400, 'unknown_parameter', 'party');
  });
});

describe('GET /api/v1/elections/{id}/contests/districts/{n}', () => {
  test('district 7: its candidates in ballot order, as in the database', async () => {
    const r = await getJson(`${E}/contests/districts/7`);
    assertKeys(r, ['contest', 'candidates'], 'answer');
    assert.deepEqual(r.contest, { id: LIST + 7, district: 7 });
    r.candidates.forEach((c, i) => {
      assertKeys(c, DISTRICT_CANDIDATE_KEYS, `candidate ${i + 1}`);
      if (c.party !== null) assertKeys(c.party, ['id', 'short_name'], `candidate ${i + 1}: party`);
    });
    assert.deepEqual(r.candidates, districtFromDb(7));
  });

  test('every district matches the database; 3 to 7 candidates, numbered 1..n', async () => {
    let self = 0;
    let withdrawn = 0;
    for (let d = 1; d <= 36; d++) {
      const r = await getJson(`${E}/contests/districts/${d}`);
      assert.deepEqual(r.contest, { id: LIST + d, district: d });
      assert.deepEqual(r.candidates, districtFromDb(d), `district ${d}`);
      assert.ok(r.candidates.length >= 3 && r.candidates.length <= 7, `district ${d}: ${r.candidates.length}`);
      assert.deepEqual(r.candidates.map((c) => c.ballot_position), r.candidates.map((_, i) => i + 1));
      const parties = r.candidates.filter((c) => c.party !== null).map((c) => c.party.id);
      assert.equal(new Set(parties).size, parties.length, `district ${d}: one candidate per party`);
      self += r.candidates.filter((c) => c.party === null).length;
      withdrawn += r.candidates.filter((c) => c.withdrawn).length;
    }
    assert.ok(self > 0, 'the demo has self-nominated candidates');
    assert.ok(withdrawn > 0, 'the demo has withdrawn district candidates');
  });

  test('a district number outside 1..36 or malformed: 400 invalid_parameter (district)', async () => {
    for (const v of ['0', '37', '-1', '100', 'x', '7a', '7.0', '1e1', '99999999999999999999', '%20', '%D9%A7']) {
      assertError(await request(`${E}/contests/districts/${v}`), 400, 'invalid_parameter', 'district');
    }
  });

  test('leading zeros name the same district', async () => {
    const a = await getJson(`${E}/contests/districts/7`);
    const b = await request(`${E}/contests/districts/07`);
    assert.ok(b.status === 200 || b.status === 400, `status ${b.status}`);
    if (b.status === 200) assert.deepEqual(b.json, a);
    else assertError(b, 400);
  });

  test('an election without district contests, or an unknown one: 404', async () => {
    assertError(await request(`/api/v1/elections/${electionWithoutContests()}/contests/districts/7`), 404,
      'contest_not_found');
    assertError(await request(`/api/v1/elections/${REFERENDUM}/contests/districts/7`), 404, 'contest_not_found');
    const e = assertError(await request(`/api/v1/elections/${missingElection()}/contests/districts/7`), 404);
    assert.ok(['election_not_found', 'contest_not_found'].includes(e.code), e.code);
  });

  test('a malformed election id: 400 (id); unknown query parameters: 400', async () => {
    for (const v of ['abc', '0', '-5']) {
      assertError(await request(`/api/v1/elections/${v}/contests/districts/7`), 400, 'invalid_parameter', 'id');
    }
    assertError(await request(`${E}/contests/districts/7?party=1`), 400, 'unknown_parameter', 'party');
    assert.ok(is4xx((await request(`${E}/contests/districts/7?district=8`)).status));
  });
});

/*
 * DOMAIN.md, "Candidates and parties", on the demo data.  Each query returns
 * the rows that break a rule; none is expected.  The rules are checked on the
 * list as submitted and on the candidates still standing (withdrawn ones left
 * out, the others in number order).
 */
describe('the contests of 202701 keep the rules (database)', () => {
  const violations = (sql) => psql(sql, { e: ELECTION }).map((r) => r.join(' | '));
  const none = (sql, what) => assert.deepEqual(violations(sql), [], what);

  // The list candidates with their age on election day; {where} picks
  // everybody (submitted) or those still standing.
  const listRows = (where) => `
    WITH l AS (
      SELECT l.party_id, l.position, l.withdrawn, c.sex, c.other_ethnicity, c.disability, c.higher_education,
             age(e.date, c.birth_date) AS age
        FROM contests k JOIN elections e ON e.id = k.election_id
        JOIN list_candidates l ON l.contest_id = k.id JOIN candidates c ON c.id = l.candidate_id
       WHERE k.election_id = :'e' AND k.kind = 'list' AND ${where})`;

  test('one list contest of 54 seats; the parties on its ballot numbered 1..n', () => {
    assert.equal(psqlValue(`SELECT count(*) || ' ' || min(seats) || ' ' || bool_and(district_number IS NULL)
      FROM contests WHERE election_id = :'e' AND kind = 'list'`, { e: ELECTION }), '1 54 true');
    none(`SELECT x.contest_id, count(*), max(x.ballot_position)
            FROM contest_entries x JOIN contests k ON k.id = x.contest_id
           WHERE k.election_id = :'e' AND k.kind = 'list'
           GROUP BY 1 HAVING count(*) <> max(x.ballot_position) OR count(*) < 2
              OR count(*) <> count(x.party_id) OR count(x.candidate_id) > 0`, 'party entries, no candidates');
  });

  for (const [label, where] of [['as submitted', 'true'], ['still standing', 'NOT l.withdrawn']]) {
    test(`every list (${label}): 1 to 54 candidates, at most 70% of one sex`, () => {
      none(`${listRows(where)} SELECT party_id, count(*), count(*) FILTER (WHERE sex = 'F') FROM l GROUP BY 1
             HAVING count(*) > 54 OR count(*) FILTER (WHERE sex = 'F') > 0.7 * count(*)
                 OR count(*) FILTER (WHERE sex = 'M') > 0.7 * count(*)`, 'sizes and sexes');
      none(`SELECT p.id FROM parties p JOIN contest_entries x ON x.party_id = p.id AND x.contest_id = ${LIST}
             WHERE NOT EXISTS (SELECT 1 FROM list_candidates l WHERE l.contest_id = ${LIST} AND l.party_id = p.id
                                  AND NOT l.withdrawn)`, 'every party has candidates');
    });

    test(`every list (${label}): no more than three in a row of the same sex`, () => {
      none(`${listRows(where)}, n AS (
               SELECT party_id, position, sex, row_number() OVER (PARTITION BY party_id ORDER BY position)
                      - row_number() OVER (PARTITION BY party_id, sex ORDER BY position) AS run
                 FROM l)
             SELECT party_id, sex, min(position), count(*) FROM n GROUP BY party_id, sex, run HAVING count(*) > 3`,
      'runs of one sex');
    });

    test(`every list (${label}): at least 15% under 35, 15% of other ethnicity, 2 with disabilities`, () => {
      none(`${listRows(where)} SELECT party_id, count(*), count(*) FILTER (WHERE age < interval '35 years'),
               count(*) FILTER (WHERE other_ethnicity), count(*) FILTER (WHERE disability)
             FROM l GROUP BY 1
            HAVING count(*) FILTER (WHERE age < interval '35 years') < 0.15 * count(*)
                OR count(*) FILTER (WHERE other_ethnicity) < 0.15 * count(*)
                OR count(*) FILTER (WHERE disability) < 2`, 'quotas');
    });
  }

  test('list numbers: 1..n with no gap and no more than 54 (withdrawn numbers are kept, not refilled)', () => {
    none(`SELECT party_id, count(*), max(position) FROM list_candidates WHERE contest_id = ${LIST}
           GROUP BY 1 HAVING count(*) <> max(position) OR max(position) > 54`, 'numbering');
    const w = psql(`SELECT count(*), count(DISTINCT party_id), max(k) FROM (
        SELECT party_id, count(*) OVER (PARTITION BY party_id) AS k
          FROM list_candidates WHERE contest_id = ${LIST} AND withdrawn) x`)[0];
    assert.ok(Number(w[0]) > 0 && Number(w[2]) <= 2, `withdrawn list candidates: ${w}`);
  });

  test('every candidate is at least 25 on election day and has higher education', () => {
    none(`SELECT c.id, c.birth_date, c.higher_education FROM candidates c, elections e
           WHERE e.id = :'e' AND (age(e.date, c.birth_date) < interval '25 years' OR NOT c.higher_education)
             AND (EXISTS (SELECT 1 FROM list_candidates l WHERE l.candidate_id = c.id AND l.contest_id = ${LIST})
               OR EXISTS (SELECT 1 FROM contest_entries x JOIN contests k ON k.id = x.contest_id
                           WHERE x.candidate_id = c.id AND k.election_id = e.id))`, 'age and education');
  });

  test('36 district contests of one seat, 3 to 7 candidates, one per party, numbered 1..n', () => {
    assert.equal(psqlValue(`SELECT count(*) || ' ' || count(DISTINCT district_number) || ' ' || bool_and(seats = 1)
      FROM contests WHERE election_id = :'e' AND kind = 'district'`, { e: ELECTION }), '36 36 true');
    none(`SELECT k.district_number, count(x.*), count(x.candidate_id), count(x.party_id), count(DISTINCT x.party_id),
                 max(x.ballot_position)
            FROM contests k LEFT JOIN contest_entries x ON x.contest_id = k.id
           WHERE k.election_id = :'e' AND k.kind = 'district' GROUP BY k.district_number
          HAVING count(x.*) NOT BETWEEN 3 AND 7 OR count(x.candidate_id) <> count(x.*)
              OR count(x.party_id) <> count(DISTINCT x.party_id) OR max(x.ballot_position) <> count(x.*)`,
    'district ballots');
  });

  test('a candidate is on at most one list and stands in at most one district, for their own party', () => {
    none(`SELECT candidate_id FROM list_candidates l JOIN contests k ON k.id = l.contest_id
           WHERE k.election_id = :'e' GROUP BY 1 HAVING count(*) > 1`, 'on two lists');
    none(`SELECT candidate_id FROM contest_entries x JOIN contests k ON k.id = x.contest_id
           WHERE k.election_id = :'e' AND k.kind = 'district' GROUP BY 1 HAVING count(*) > 1`, 'in two districts');
    none(`SELECT l.candidate_id, l.party_id, x.party_id FROM list_candidates l
            JOIN contest_entries x ON x.candidate_id = l.candidate_id JOIN contests k ON k.id = x.contest_id
           WHERE l.contest_id = ${LIST} AND k.election_id = :'e' AND x.party_id IS DISTINCT FROM l.party_id`,
    'a list candidate in a district for another party');
    const both = psqlInt(`SELECT count(*) FROM list_candidates l
                            JOIN contest_entries x ON x.candidate_id = l.candidate_id
                           WHERE l.contest_id = ${LIST}`);
    const all = psqlInt(`SELECT count(*) FROM candidates`);
    assert.ok(both < all / 20, `list candidates also in a district are rare: ${both} of ${all}`);
  });

  test('PINs: sex digit and birth date of the candidate, no voter has one', () => {
    none(`SELECT id, pin, sex, birth_date FROM candidates
           WHERE pin !~ '^[12][0-9]{13}$' OR substr(pin, 1, 1) <> CASE sex WHEN 'F' THEN '1' ELSE '2' END
              OR substr(pin, 2, 8) <> to_char(birth_date, 'DDMMYYYY')`, 'PIN structure');
    // (the demo's own: people the tests nominate in Talapker are voters, with ids from 100000)
    none(`SELECT c.pin FROM candidates c JOIN voters v ON v.pin = c.pin WHERE c.id < 100000`,
      'a candidate PIN is a voter PIN');
  });

  test('names in the forms of the sex', () => {
    none(`SELECT id, last_name, first_name, patronymic, sex FROM candidates
           WHERE (sex = 'F' AND (patronymic ~ 'ич$' OR last_name ~ '(ов|ев|ин|ий| уулу)$'))
              OR (sex = 'M' AND (patronymic ~ 'на$' OR last_name ~ '(ова|ева|ина|ая| кызы)$'))
              OR (patronymic IS NULL AND last_name !~ ' (уулу|кызы)$')`, 'name forms');
  });

  test('sql/demo/contests.sql is idempotent: run again, nothing changes', () => {
    const digest = () => psqlValue(`SELECT md5(string_agg(t, E'\\n' ORDER BY t)) FROM (
        SELECT 'p' || p::text AS t FROM parties p UNION ALL SELECT 'c' || c::text FROM candidates c
        UNION ALL SELECT 'k' || k::text FROM contests k UNION ALL SELECT 'x' || x::text FROM contest_entries x
        UNION ALL SELECT 'l' || l::text FROM list_candidates l) s`);
    const before = digest();
    psql(`\\i ${CONTEST_SQL}`); // \i, so that its \ir of talapker.sql finds it
    assert.equal(digest(), before);
  });
});
