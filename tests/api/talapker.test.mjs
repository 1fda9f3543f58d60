// Talapker (cgi/api/talapker.c, sql/functions/021_talapker.sql): a party's
// notification checked with the legal-entity register, representatives,
// lists built under the list rules, candidates' consent, submission with a
// receipt, withdrawals, self-nomination, deadlines, and who may do what.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlInt, dropElection, TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, TUNDUK, fetchAbs, tundukFault } from './cabinet_lib.mjs';

const E = TEST_ELECTION_MIN + 810; // takes nominations (60 days ahead)
const LATE = TEST_ELECTION_MIN + 811; // 20 days ahead: submissions closed
const REG = 'T990810-3301-PP';

// ---------------------------------------------------------------- people and helpers

// n active voters with a birth date in [from, to] and the given sex, fixed by salt.
function people(salt, n, { sex, from = '1950-01-01', to = '1985-01-01', exclude = [] }) {
  const rows = psql(`SELECT v.pin FROM voters v
     WHERE v.status = 'active' AND substr(v.pin, 10, 5) >= '00100' AND v.sex = :'sex'
       AND v.birth_date BETWEEN :'from'::date AND :'to'::date
       AND v.pin <> ALL (string_to_array(:'excl', ','))
       AND NOT EXISTS (SELECT 1 FROM candidates k WHERE k.pin = v.pin AND k.id < 100000)
     ORDER BY md5(v.pin || :'salt') LIMIT :'n'::integer`, { sex, from, to, salt, n, excl: exclude.join(',') || '-' });
  assert.equal(rows.length, n, `${n} voters for ${salt}`);
  return rows.map((r) => r[0]);
}

async function send(c, method, path, body) {
  const h = { Cookie: c.cookie, 'X-CSRF-Token': c.csrf };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function addEntity(e) {
  const r = await fetchAbs(`${TUNDUK}/_test/entity`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(e),
  });
  assert.equal(r.status, 200, r.text);
}

function insertElection(id, days) {
  dropElection(id);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'id'::integer, current_date + :'days'::integer, 'Выборы Талапкер ' || :'id',
                'Талапкер шайлоосу ' || :'id', 'parliamentary', 'scheduled')`, { id, days });
}

const counts = () => psql(`SELECT (SELECT count(*) FROM party_participations WHERE election_id = :'e'::integer),
    (SELECT count(*) FROM nominations WHERE election_id = :'e'::integer),
    (SELECT count(*) FROM nomination_candidates c JOIN nominations n ON n.id = c.nomination_id
      WHERE n.election_id = :'e'::integer)`, { e: E })[0].map(Number);

// ---------------------------------------------------------------- the story

const HEAD_PINS = people('talapker head', 3, { sex: 'M' });
const [HEAD, REP, STRANGER] = HEAD_PINS;
const MEN = people('talapker men', 4, { sex: 'M', exclude: HEAD_PINS });
const WOMEN = people('talapker women', 4, { sex: 'F' });
const YOUNG = people('talapker young', 2, { sex: 'F', from: addYears(-34), to: addYears(-26), exclude: WOMEN });
const TOO_YOUNG = people('talapker too young', 1, { sex: 'M', from: addYears(-23), to: addYears(-19), exclude: MEN });
const SELF = people('talapker self', 1, { sex: 'F', exclude: [...WOMEN, ...YOUNG] })[0];

function addYears(y) {
  const d = new Date();
  d.setFullYear(d.getFullYear() + y);
  return d.toISOString().slice(0, 10);
}

let head, rep, stranger, party, list;

before(async () => {
  insertElection(E, 60);
  insertElection(LATE, 20);
  await addEntity({
    registration_number: REG, name: 'Партия Проверки Талапкера', short_name: 'Проверка',
    legal_form: 'political_party', status: 'active',
    head: { pin: HEAD, last_name: 'Главный', first_name: 'Тест', patronymic: null },
  });
  await addEntity({ registration_number: 'T990810-GONE', name: 'Ликвидированная партия', legal_form: 'political_party',
    status: 'liquidated', head: { pin: HEAD } });
  await addEntity({ registration_number: 'T990810-LLC', name: 'ОсОО Проверка', legal_form: 'llc', status: 'active',
    head: { pin: HEAD } });
  [head, rep, stranger] = await Promise.all([signIn(HEAD), signIn(REP), signIn(STRANGER)]);
});

after(() => {
  dropElection(E);
  dropElection(LATE);
  psql(`DELETE FROM parties WHERE registration_number LIKE 'T990810%'`);
});

describe('a party notifies the commission', () => {
  test('refusals: not the head, unknown, liquidated, not a party, malformed, register down; nothing written', async () => {
    const path = `/api/v1/elections/${E}/parties`;
    assertError(await send(stranger, 'POST', path, { registration_number: REG }), 403, 'not_party_head', 'registration_number');
    assertError(await send(head, 'POST', path, { registration_number: 'T990810-NONE' }), 422, 'party_not_registered');
    assertError(await send(head, 'POST', path, { registration_number: 'T990810-GONE' }), 422, 'party_not_active');
    assertError(await send(head, 'POST', path, { registration_number: 'T990810-LLC' }), 422, 'not_a_party');
    assertError(await send(head, 'POST', path, { registration_number: 'a/b' }), 400, 'invalid_field', 'registration_number');
    assertError(await send(head, 'POST', path, { registration_number: REG, extra: 1 }), 400, 'unknown_field', 'extra');
    assertError(await send(head, 'POST', `/api/v1/elections/${LATE}/parties`, { registration_number: REG }), 422, 'submission_closed');
    await tundukFault({ pin: REG, type: 'Server.ServerProxy.ServiceFailed', times: 3 });
    const down = await send(head, 'POST', path, { registration_number: REG });
    assert.equal(down.status, 503, down.text);
    assert.equal(down.json.error.code, 'registry_unavailable');
    assert.deepEqual(counts(), [0, 0, 0]);
    assert.equal(psqlInt(`SELECT count(*) FROM parties WHERE registration_number = :'r'`, { r: REG }), 0);
    // Every call is evidence, with the case it served.
    assert.ok(psqlInt(`SELECT count(*) FROM tunduk_calls WHERE issue = :'i'`, { i: `shailoo-party-notice-${E}-${REG}` }) >= 2);
  });

  test('the head notifies: the party is made from the register, once', async () => {
    const r = await send(head, 'POST', `/api/v1/elections/${E}/parties`, { registration_number: REG });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.party.registration_number, REG);
    assert.equal(r.json.party.short_name, 'Проверка');
    assert.equal(r.json.your_role, 'head');
    assert.equal(r.json.head.pin, HEAD);
    assert.deepEqual(r.json.history.map((h) => h.action), ['notified']);
    assert.ok(Date.parse(r.json.calendar.submission_closes) > Date.now());
    party = r.json.party.id;
    assert.ok(party >= 1000);
    assertError(await send(head, 'POST', `/api/v1/elections/${E}/parties`, { registration_number: REG }), 409, 'already_notified');
  });

  test('representatives: named and withdrawn by the head only, all in the history', async () => {
    const reps = `/api/v1/elections/${E}/parties/${party}/representatives`;
    const office = `/api/v1/elections/${E}/parties/${party}/office`;
    assertError(await stranger.get(office), 404, 'party_not_found');
    assertError(await send(stranger, 'POST', reps, { pin: STRANGER }), 404, 'party_not_found');
    assertError(await send(head, 'POST', reps, { pin: HEAD }), 422, 'head_is_not_rep');
    assertError(await send(head, 'POST', reps, { pin: '123' }), 400, 'invalid_field', 'pin');
    let r = await send(head, 'POST', reps, { pin: STRANGER });
    assert.equal(r.status, 201, r.text);
    assertError(await send(head, 'POST', reps, { pin: STRANGER }), 409, 'already_representative');
    r = await stranger.get(office);
    assert.equal(r.status, 200);
    assert.equal(r.json.your_role, 'rep');
    // A representative cannot name others.
    assertError(await send(stranger, 'POST', reps, { pin: REP }), 403, 'not_party_head');
    r = await send(head, 'DELETE', `${reps}/${STRANGER}`);
    assert.equal(r.status, 200, r.text);
    assertError(await send(head, 'DELETE', `${reps}/${STRANGER}`), 404, 'representative_not_found');
    assertError(await stranger.get(office), 404, 'party_not_found');
    r = await send(head, 'POST', reps, { pin: REP });
    assert.equal(r.status, 201);
    const o = (await rep.get(office)).json;
    assert.deepEqual(o.history.map((h) => [h.action, h.subject]),
      [['notified', null], ['rep_named', STRANGER], ['rep_withdrawn', STRANGER], ['rep_named', REP]]);
    assert.deepEqual(o.representatives.map((x) => [x.pin, x.active]), [[STRANGER, false], [REP, true]]);
    const me = (await rep.get('/api/v1/talapker/me')).json;
    assert.deepEqual(me.parties.map((p) => [p.election_id, p.party_id, p.role]), [[E, party, 'rep']]);
  });
});

describe('a list built, checked, consented and submitted', () => {
  const nomination = (id = list) => `/api/v1/nominations/${id}`;

  test('the representative starts the list; one list per party; closed elections refuse', async () => {
    assertError(await send(stranger, 'POST', '/api/v1/nominations', { election_id: E, kind: 'list', party_id: party }),
      404, 'party_not_found');
    const r = await send(rep, 'POST', '/api/v1/nominations', { election_id: E, kind: 'list', party_id: party });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.nomination.status, 'draft');
    assert.deepEqual(r.json.nomination.candidates, []);
    list = r.json.nomination.id;
    assertError(await send(head, 'POST', '/api/v1/nominations', { election_id: E, kind: 'list', party_id: party }),
      409, 'list_exists');
    assertError(await send(rep, 'POST', '/api/v1/nominations', { election_id: E, kind: 'list' }), 400, 'invalid_field', 'party_id');
    assertError(await send(rep, 'POST', '/api/v1/nominations', { election_id: E, kind: 'council', party_id: party }),
      400, 'invalid_field', 'kind');
  });

  test('a person who can never stand is refused at once, and nothing is added', async () => {
    const add = `${nomination()}/candidates`;
    assertError(await send(rep, 'POST', add, { pin: TOO_YOUNG[0], higher_education: true }), 422, 'age', 'pin');
    assertError(await send(rep, 'POST', add, { pin: MEN[0], higher_education: false }), 422, 'education', 'higher_education');
    assertError(await send(rep, 'POST', add, { pin: '99999999999999', higher_education: true }), 422, 'person_not_found', 'pin');
    assertError(await send(rep, 'POST', add, { pin: MEN[0] }), 400, 'invalid_field', 'higher_education');
    assertError(await send(stranger, 'POST', add, { pin: MEN[0], higher_education: true }), 404, 'nomination_not_found');
    assert.equal(counts()[2], 0);
  });

  test('four men then four women: the rules say what is wrong while it is built, and at submission', async () => {
    for (const pin of [...MEN, ...WOMEN]) {
      const r = await send(rep, 'POST', `${nomination()}/candidates`, { pin, higher_education: true });
      assert.equal(r.status, 200, r.text);
    }
    assertError(await send(rep, 'POST', `${nomination()}/candidates`, { pin: MEN[0], higher_education: true }),
      409, 'already_on_list', 'pin');
    const g = await rep.get(nomination());
    assert.equal(g.status, 200);
    assert.deepEqual(g.json.nomination.candidates.map((c) => c.pin), [...MEN, ...WOMEN]);
    assert.equal(g.json.rules.keeps_rules, false);
    const rules = (v) => [...new Set(v.map((x) => x.rule))].sort();
    assert.deepEqual(rules(g.json.rules.violations), ['disability_count', 'ethnicity_share', 'sex_run', 'young_share']);
    const s = await send(rep, 'POST', `${nomination()}/submit`);
    assert.equal(s.status, 422, s.text);
    assert.equal(s.json.error.code, 'list_rules');
    assert.match(s.json.error.message, /breaks 5 of the list rules/);
    assert.deepEqual(rules(s.json.error.violations), rules(g.json.rules.violations));
    const run = s.json.error.violations.filter((v) => v.rule === 'sex_run').map((v) => v.positions);
    assert.deepEqual(run, [[1, 2, 3, 4], [5, 6, 7, 8]]);
    assert.match(s.json.error.violations.find((v) => v.rule === 'sex_run').message, /4 men in a row/);
    assert.equal(psql(`SELECT status FROM nominations WHERE id = :'id'::bigint`, { id: list })[0][0], 'draft');
  });

  test('reordered, declared and completed, the list keeps the rules; consents are still awaited', async () => {
    const order = [MEN[0], WOMEN[0], MEN[1], WOMEN[1], MEN[2], WOMEN[2], MEN[3], WOMEN[3]];
    assertError(await send(rep, 'PUT', `${nomination()}/order`, { pins: order.slice(1) }), 422, 'order', 'pins');
    assertError(await send(rep, 'PUT', `${nomination()}/order`, { pins: ['1'] }), 400, 'invalid_field', 'pins[0]');
    let r = await send(rep, 'PUT', `${nomination()}/order`, { pins: order });
    assert.equal(r.status, 200, r.text);
    // Declarations: two of other ethnicity, two with disabilities (re-adding refreshes them, so remove first).
    for (const [pin, decl] of [[WOMEN[3], { other_ethnicity: true, disability: true }], [MEN[3], { other_ethnicity: true, disability: true }]]) {
      r = await send(rep, 'DELETE', `${nomination()}/candidates/${pin}`);
      assert.equal(r.status, 200, r.text);
      r = await send(rep, 'POST', `${nomination()}/candidates`, { pin, higher_education: true, ...decl });
      assert.equal(r.status, 200, r.text);
    }
    for (const pin of YOUNG) {
      r = await send(rep, 'POST', `${nomination()}/candidates`, { pin, higher_education: true });
      assert.equal(r.status, 200, r.text);
    }
    const g = (await rep.get(nomination())).json;
    assert.deepEqual(g.rules.violations, [], JSON.stringify(g.rules.violations));
    assert.equal(g.nomination.candidates.length, 10);
    assert.deepEqual(g.nomination.candidates.map((c) => c.position), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const s = await send(rep, 'POST', `${nomination()}/submit`);
    assertError(s, 422, 'consent_missing');
    assert.match(s.json.error.message, /1, 2, 3, 4, 5, 6, 7, 8, 9, 10/);
  });

  test('candidates consent in their cabinets; only their own; then the list is submitted with a receipt', async () => {
    const pins = [MEN[0], WOMEN[0], MEN[1], WOMEN[1], MEN[2], WOMEN[2], MEN[3], WOMEN[3], ...YOUNG];
    const clients = await Promise.all(pins.map((p) => signIn(p)));
    assertError(await send(stranger, 'POST', `/api/v1/cabinet/nominations/${list}/consent`, { consent: true }),
      404, 'nomination_not_found');
    const mine = (await clients[0].get('/api/v1/cabinet/nominations')).json;
    assert.deepEqual(mine.items.map((i) => [i.nomination_id, i.position, i.consent]), [[list, 1, 'awaited']]);
    // One declines first, then agrees.
    let r = await send(clients[1], 'POST', `/api/v1/cabinet/nominations/${list}/consent`, { consent: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items[0].consent, 'declined');
    for (const c of clients) {
      r = await send(c, 'POST', `/api/v1/cabinet/nominations/${list}/consent`, { consent: true });
      assert.equal(r.status, 200, r.text);
    }
    assertError(await send(clients[0], 'POST', `/api/v1/cabinet/nominations/${list}/consent`, { consent: true }),
      409, 'consent_recorded');
    assertError(await send(stranger, 'POST', `${nomination()}/submit`), 404, 'nomination_not_found');
    r = await send(rep, 'POST', `${nomination()}/submit`);
    assert.equal(r.status, 200, r.text);
    const n = r.json.nomination;
    assert.equal(n.status, 'submitted');
    assert.match(n.receipt.number, new RegExp(`^${E}-L-0*${list}$`));
    assert.equal(n.receipt.candidates.length, 10);
    assert.ok(Array.isArray(n.receipt.documents));
    assert.ok(Date.parse(n.review_deadline) - Date.parse(n.submitted_at) === 10 * 86400e3);
    // Frozen: no more additions, no reordering, no second submission.
    assertError(await send(rep, 'POST', `${nomination()}/candidates`, { pin: SELF, higher_education: true }), 409, 'nomination_submitted');
    assertError(await send(rep, 'PUT', `${nomination()}/order`, { pins }), 409, 'nomination_submitted');
    assertError(await send(rep, 'POST', `${nomination()}/submit`), 409, 'nomination_submitted');
  });

  test('a withdrawn candidate keeps the number, which is never refilled; all in the history', async () => {
    const r = await send(rep, 'DELETE', `${nomination()}/candidates/${MEN[1]}?reason=${encodeURIComponent('по состоянию здоровья')}`);
    assert.equal(r.status, 200, r.text);
    const c = r.json.nomination.candidates;
    assert.equal(c.length, 10);
    assert.deepEqual(c.filter((x) => x.withdrawn).map((x) => [x.position, x.pin, x.withdrawn_reason]),
      [[3, MEN[1], 'по состоянию здоровья']]);
    assertError(await send(rep, 'DELETE', `${nomination()}/candidates/${MEN[1]}`), 409, 'withdrawn_already');
    const actions = r.json.nomination.history.map((h) => h.action);
    assert.deepEqual(actions.slice(0, 1), ['created']);
    assert.ok(actions.includes('reordered') && actions.includes('consented') && actions.includes('declined'));
    assert.deepEqual(actions.slice(-2), ['submitted', 'candidate_withdrawn']);
  });
});

describe('district nominations', () => {
  test('a citizen nominates themself (consent given by it), in one district only', async () => {
    const self = await signIn(SELF);
    let r = await send(self, 'POST', '/api/v1/nominations', { election_id: E, kind: 'district', district: 3, higher_education: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.your_role, 'candidate');
    assert.equal(r.json.nomination.party, null);
    assert.equal(r.json.nomination.candidates[0].consent, 'given');
    assertError(await send(self, 'POST', '/api/v1/nominations', { election_id: E, kind: 'district', district: 4, higher_education: true }),
      422, 'in_another_district', 'pin');
    assertError(await send(self, 'POST', '/api/v1/nominations', { election_id: E, kind: 'district', district: 4, pin: HEAD, higher_education: true }),
      422, 'self_nomination', 'pin');
    // Withdrawn, the person may stand elsewhere.
    r = await send(self, 'POST', `/api/v1/nominations/${r.json.nomination.id}/withdraw`, { reason: 'передумала' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.status, 'withdrawn');
    r = await send(self, 'POST', '/api/v1/nominations', { election_id: E, kind: 'district', district: 4, higher_education: true });
    assert.equal(r.status, 201, r.text);
  });

  test('a party names one candidate per district; the candidate may also be on its list', async () => {
    let r = await send(rep, 'POST', '/api/v1/nominations',
      { election_id: E, kind: 'district', district: 7, party_id: party, pin: WOMEN[0], higher_education: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.nomination.candidates[0].consent, 'awaited');
    assertError(await send(rep, 'POST', '/api/v1/nominations',
      { election_id: E, kind: 'district', district: 7, party_id: party, pin: WOMEN[1], higher_education: true }), 409, 'district_taken');
    assertError(await send(rep, 'POST', '/api/v1/nominations',
      { election_id: E, kind: 'district', district: 8, party_id: party, pin: WOMEN[0], higher_education: true }), 422, 'in_another_district');
    assertError(await send(stranger, 'POST', '/api/v1/nominations',
      { election_id: E, kind: 'district', district: 9, party_id: party, pin: WOMEN[1], higher_education: true }), 404, 'party_not_found');
    assertError(await send(rep, 'POST', '/api/v1/nominations', { election_id: E, kind: 'district', party_id: party, pin: WOMEN[1] }),
      400, 'invalid_field', 'district');
  });
});

describe('who may see and do what', () => {
  test('signed out: 401 on every Talapker route', async () => {
    for (const [m, p] of [['GET', '/api/v1/talapker/me'], ['POST', `/api/v1/elections/${E}/parties`],
      ['GET', `/api/v1/nominations/${list}`], ['POST', '/api/v1/nominations'], ['GET', '/api/v1/cabinet/nominations']]) {
      const r = await request(p, { method: m, headers: { 'Content-Type': 'application/json' }, body: m === 'POST' ? '{}' : undefined });
      assert.equal(r.status, 401, `${m} ${p}`);
    }
  });

  test('someone else\'s nomination is as absent as none; without the CSRF token nothing changes', async () => {
    assertError(await stranger.get(`/api/v1/nominations/${list}`), 404, 'nomination_not_found');
    assertError(await send(stranger, 'POST', `/api/v1/nominations/${list}/withdraw`, {}), 404, 'nomination_not_found');
    const r = await request(`/api/v1/nominations/${list}/withdraw`, {
      method: 'POST', headers: { Cookie: rep.cookie, 'Content-Type': 'application/json' }, body: '{}',
    });
    assertError(r, 403, 'csrf_token_missing');
    assert.equal(psql(`SELECT status FROM nominations WHERE id = :'id'::bigint`, { id: list })[0][0], 'submitted');
  });
});
