// Talapker (cgi/api/talapker.c, sql/functions/021_talapker.sql): a party's
// notification checked with the legal-entity register, representatives,
// lists built under the list rules, candidates' consent, submission with a
// receipt, withdrawals, self-nomination, deadlines, and who may do what.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlInt, psqlValue, dropElection, TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, TUNDUK, fetchAbs, tundukFault, STAFF } from './cabinet_lib.mjs';
import { makePdf, makePng } from './files_lib.mjs';

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

async function hook(path, body) {
  const r = await fetchAbs(`${TUNDUK}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, r.text);
}

// Uploads every required document of the package that is not there yet; the documents' ids by kind and position.
async function fillPackage(c, nomination) {
  const pkg = (await c.get(`/api/v1/nominations/${nomination}`)).json.nomination.package;
  for (const i of pkg.items.filter((x) => x.required && !x.document)) {
    const r = await c.post(`/api/v1/documents/${i.owner}/${i.owner_id}/${i.kind}`, makePdf(1), { type: 'application/pdf' });
    assert.equal(r.status, 201, `${i.kind}: ${r.text}`);
  }
  return (await c.get(`/api/v1/nominations/${nomination}`)).json.nomination.package;
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
  psql(`DELETE FROM parties WHERE registration_number LIKE 'T990810%'`); // a run that stopped half way
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
    // Named as the population register knows them.
    const repName = psql(`SELECT last_name || ' ' || first_name FROM voters WHERE pin = :'p'`, { p: REP })[0][0];
    assert.ok(o.representatives[1].name.startsWith(repName), `${o.representatives[1].name} is ${repName}`);
    assertError(await send(head, 'POST', `/api/v1/elections/${E}/parties/${party}/representatives`, { pin: '99999999999999' }),
      422, 'person_not_found', 'pin');
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

  test('the population register slow or down while a person is added: 503 in bounded time, nothing added', async () => {
    const before = counts()[2];
    await tundukFault({ pin: TOO_YOUNG[0], type: 'Server.ServerProxy.ServiceFailed', delay_ms: 4000, times: 3 });
    const t0 = Date.now();
    const r = await send(rep, 'POST', `${nomination()}/candidates`, { pin: TOO_YOUNG[0], higher_education: true });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'registry_unavailable');
    assert.ok(Date.now() - t0 < 9000, `answered within the client's time-outs (${Date.now() - t0} ms)`);
    assert.equal(counts()[2], before);
    await tundukFault({ pin: TOO_YOUNG[0], type: 'Server.ServerProxy.ServiceFailed', times: 3 });
    assert.equal((await send(rep, 'POST', `${nomination()}/candidates`, { pin: TOO_YOUNG[0], higher_education: true })).status, 503);
    assert.equal(counts()[2], before);
    // (a person nobody adds later: a fault left unspent harms no other test)
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
    // The deposit, checked with the treasury.
    assertError(await send(rep, 'POST', `${nomination()}/submit`), 422, 'deposit_missing');
    const deposit = (ref) => send(rep, 'POST', `${nomination()}/deposit`, { payment_reference: ref });
    assertError(await deposit('NOPE-1'), 422, 'payment_not_found', 'payment_reference');
    assertError(await deposit('TRE-500-990810'), 422, 'deposit_too_small', 'payment_reference');
    assertError(await deposit('a b'), 400, 'invalid_field', 'payment_reference');
    r = await deposit('TRE-1000000-990810-L');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.deposit.amount, 1000000);
    // The package: what is missing is said; the party uploads it.
    r = await send(rep, 'POST', `${nomination()}/submit`);
    assertError(r, 422, 'documents_missing');
    assert.match(r.json.error.message, /congress_decision/);
    assert.match(r.json.error.message, /number 1: biography/);
    let pkg = (await rep.get(nomination())).json.nomination.package;
    assert.equal(pkg.complete, false);
    assert.equal(pkg.missing, 2 + 10 * 7);
    pkg = await fillPackage(rep, list);
    assert.equal(pkg.complete, true);
    const photoOf1 = pkg.items.find((i) => i.kind === 'photo' && i.position === 1);
    r = await rep.post(`/api/v1/documents/candidacies/${photoOf1.owner_id}/photo`, makePng(), { type: 'image/png' });
    assert.equal(r.status, 201, r.text);
    // Private documents: neither the public nor another party's people see them.
    const passport = pkg.items.find((i) => i.kind === 'passport_copy' && i.position === 1).document;
    assertError(await request(`/api/v1/documents/${passport.id}/file`), 401, 'unauthenticated');
    assertError(await stranger.get(`/api/v1/documents/${passport.id}/file`), 404, 'document_not_found');
    assert.equal((await rep.get(`/api/v1/documents/${passport.id}`)).status, 200);
    // The registers will say: one candidate has a conviction; the two who claim a disability have one;
    // the others are citizens of this country only, with a clean record.
    for (const pin of pins) await hook('/_test/person', { pin, convictions: [], citizenships: ['KG'], disabled: false });
    await hook('/_test/person', { pin: WOMEN[2], convictions: [{ article: 'УК КР ст. 168', date: '2019-05-04', expunged: false }] });
    for (const pin of [MEN[3], WOMEN[3]]) await hook('/_test/person', { pin, disabled: true });
    r = await send(rep, 'POST', `${nomination()}/submit`);
    assert.equal(r.status, 200, r.text);
    const n = r.json.nomination;
    assert.equal(n.status, 'submitted');
    assert.match(n.receipt.number, new RegExp(`^${E}-L-0*${list}$`));
    assert.equal(n.receipt.candidates.length, 10);
    assert.equal(n.receipt.deposit.reference, 'TRE-1000000-990810-L');
    assert.equal(n.receipt.documents.length, 2 + 10 * 7 + 1);
    assert.ok(n.receipt.documents.every((d) => /^[0-9a-f]{64}$/.test(d.sha256)));
    assert.ok(Date.parse(n.review_deadline) - Date.parse(n.submitted_at) === 10 * 86400e3);
    assert.ok(n.history.some((h) => h.action === 'checks_run'));
    // Submitted, the package is closed to the party until the commission asks for corrections.
    r = await rep.post(`/api/v1/documents/candidacies/${photoOf1.owner_id}/photo`, makePng(), { type: 'image/png' });
    assertError(r, 409, 'owner_closed');
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
    assert.deepEqual(actions.slice(-3), ['submitted', 'checks_run', 'candidate_withdrawn']);
  });
});

describe('the commission reviews the list', () => {
  let cec, tec;
  const nomination = () => `/api/v1/nominations/${list}`;
  const rv = (path = '') => `/api/v1/review/nominations/${list}${path}`;
  const itemOf = (pkg, kind, position) => pkg.items.find((i) => i.kind === kind && i.position === position);

  before(async () => {
    [cec, tec] = await Promise.all([signIn(STAFF.cec), signIn(STAFF.tec101)]);
  });

  test('the CEC\'s queue has the list with its failed check; a territorial commission does not review lists', async () => {
    const q = (await cec.get(`/api/v1/review/nominations?election=${E}`)).json.items;
    const item = q.find((x) => x.id === list);
    assert.ok(item, JSON.stringify(q));
    assert.equal(item.status, 'submitted');
    assert.equal(item.missing_documents, 0);
    assert.equal(item.failed_checks, 1);
    assert.equal((await tec.get(`/api/v1/review/nominations?election=${E}`)).json.items.find((x) => x.id === list), undefined);
    assertError(await tec.get(rv()), 404, 'nomination_not_found');
    assertError(await rep.get(rv()), 403, 'forbidden');
  });

  test('every check with its X-Road evidence; a conviction fails', async () => {
    const g = (await cec.get(rv())).json;
    const checks = g.checks;
    // 9 candidates on the list (one withdrawn): identity, age, address, criminal record, citizenship; two disabilities.
    assert.equal(checks.length, 9 * 5 + 2);
    const failed = checks.filter((c) => c.outcome !== 'passed');
    assert.deepEqual(failed.map((c) => [c.position, c.check]), [[6, 'criminal_record']]);
    assert.match(failed[0].detail, /ст\. 168/);
    for (const c of checks) {
      assert.match(c.evidence.x_road_id, /^[0-9a-f-]{36}$/);
      assert.equal(c.evidence.issue, `shailoo-nomination-${list}`);
    }
    assert.match(failed[0].evidence.service, /criminal-records\/record$/);
    assert.equal(psql(`SELECT count(*) FROM tunduk_calls WHERE xroad_id = :'x'::uuid`, { x: failed[0].evidence.x_road_id })[0][0], '1');
  });

  test('review: a deficiency recorded, the party corrects it, the commission registers; the ballot has the list', async () => {
    assertError(await send(cec, 'POST', rv('/decision'), { decision: 'registered' }), 409, 'nomination_submitted');
    let r = await send(cec, 'POST', rv('/start'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.status, 'under_review');
    assertError(await send(cec, 'POST', rv('/start')), 409, 'nomination_under_review');
    const pkg = r.json.nomination.package;
    const bio = itemOf(pkg, 'biography', 1).document;
    assertError(await send(cec, 'POST', `/api/v1/review/documents/${bio.id}`, { verdict: 'deficient' }), 422, 'comment_required', 'comment');
    assertError(await send(cec, 'POST', `/api/v1/review/documents/${bio.id}`, { verdict: 'maybe' }), 422, 'verdict', 'verdict');
    r = await send(cec, 'POST', `/api/v1/review/documents/${bio.id}`, { verdict: 'deficient', comment: 'нет подписи кандидата' });
    assert.equal(r.status, 200, r.text);
    for (const i of pkg.items.filter((x) => x.document && x.document.id !== bio.id)) {
      r = await send(cec, 'POST', `/api/v1/review/documents/${i.document.id}`, { verdict: 'accepted' });
      assert.equal(r.status, 200, r.text);
    }
    assertError(await send(cec, 'POST', rv('/decision'), { decision: 'registered' }), 422, 'documents_not_accepted');
    assertError(await send(cec, 'POST', rv('/decision'), { decision: 'refused' }), 422, 'reason_required', 'reason');
    r = await send(cec, 'POST', rv('/deficiencies'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.status, 'deficiencies');
    // The party sees what is wrong, and corrects it: a new version of the biography.
    const mine = (await rep.get(nomination())).json.nomination;
    const seen = itemOf(mine.package, 'biography', 1).document;
    assert.deepEqual([seen.review, seen.comment], ['deficient', 'нет подписи кандидата']);
    assert.ok(Date.parse(mine.deficiencies_due) > Date.now());
    assertError(await send(rep, 'POST', `${nomination()}/resubmit`), 422, 'deficiencies_left');
    r = await rep.post(`/api/v1/documents/${bio.id}/versions`, makePdf(2), { type: 'application/pdf' });
    assert.equal(r.status, 201, r.text);
    r = await send(rep, 'POST', `${nomination()}/resubmit`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.status, 'under_review');
    const fresh = itemOf(r.json.nomination.package, 'biography', 1).document;
    assert.equal(fresh.version, 2);
    assertError(await send(cec, 'POST', `/api/v1/review/documents/${bio.id}`, { verdict: 'accepted' }), 409, 'document_replaced');
    r = await send(cec, 'POST', `/api/v1/review/documents/${fresh.id}`, { verdict: 'accepted' });
    assert.equal(r.status, 200, r.text);
    // The conviction still stands in the way; the party withdraws that candidate.
    r = await send(cec, 'POST', rv('/decision'), { decision: 'registered' });
    assertError(r, 422, 'checks_not_passed');
    assert.match(r.json.error.message, /criminal_record at 6/);
    r = await send(rep, 'DELETE', `${nomination()}/candidates/${WOMEN[2]}?reason=${encodeURIComponent('судимость')}`);
    assert.equal(r.status, 200, r.text);
    r = await send(cec, 'POST', rv('/decision'), { decision: 'registered', reason: '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nomination.status, 'registered');
    // On the ballot: the party, its list with the numbers kept and the withdrawn marked.
    const rows = psql(`SELECT l.position, l.withdrawn FROM list_candidates l JOIN contests k ON k.id = l.contest_id
                        WHERE k.election_id = :'e'::integer AND l.party_id = :'p'::integer ORDER BY 1`, { e: E, p: party });
    assert.deepEqual(rows.map((x) => x[0]), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    assert.deepEqual(rows.filter((x) => x[1] === 't').map((x) => x[0]), ['3', '6']);
    // The biography is public now; the passport never.
    const doc = (kind) => itemOf(r.json.nomination.package, kind, 1).document.id;
    assert.equal((await request(`/api/v1/documents/${doc('biography')}`)).status, 200);
    assert.equal((await request(`/api/v1/documents/${doc('photo')}`)).status, 200);
    assertError(await request(`/api/v1/documents/${doc('passport_copy')}`), 401, 'unauthenticated');
    // The CEC's overview.
    const o = (await cec.get(`/api/v1/review/elections/${E}/overview`)).json;
    assert.equal(o.by_status.registered, 1);
    assertError(await tec.get(`/api/v1/review/elections/${E}/overview`), 403, 'forbidden');
  });

  test('the deposit: returned at 5% once every station reported and the final report is filed; forfeited below', async () => {
    const refund = async () => (await rep.get(nomination())).json.nomination.deposit_refund;
    assert.equal((await refund()).outcome, 'awaiting_results');
    const contest = Number(psqlValue(`SELECT id FROM contests WHERE election_id = :'e'::integer AND kind = 'list'`, { e: E }));
    const pos = Number(psqlValue(`SELECT ballot_position FROM contest_entries WHERE contest_id = :'k'::integer AND party_id = :'p'::integer`,
      { k: contest, p: party }));
    const votes = (n) => `{${Array.from({ length: pos }, (_, i) => (i + 1 === pos ? n : 0)).join(',')}}`;
    psql(`INSERT INTO area_results (contest_id, area, stations_total, stations_reported, in_boxes, valid, against_all, votes)
          VALUES (:'k'::integer, 0, 10, 10, 1000, 1000, 940, :'v'::bigint[])`, { k: contest, v: votes(60) });
    const r = await refund();
    assert.deepEqual([r.outcome, Number(r.share_percent)], ['awaiting_final_report', 6]);
    const f = await send(rep, 'POST', `${nomination()}/fund/reports`, { kind: 'final' });
    assert.equal(f.status, 201, f.text);
    assert.equal((await refund()).outcome, 'returned');
    assert.equal((await request(`/api/v1/funds/${list}`)).json.deposit.outcome, 'returned');
    psql(`UPDATE area_results SET votes = :'v'::bigint[], against_all = 951 WHERE contest_id = :'k'::integer AND area = 0`,
      { k: contest, v: votes(49) });
    assert.equal((await refund()).outcome, 'forfeited');
  });
});

describe('in public', () => {
  // (nginx's microcache may answer /api/v1/elections/... a moment old, or older while it refreshes)
  async function fresh(path, ok) {
    let r;
    for (const t0 = Date.now(); Date.now() - t0 < 6000; await new Promise((done) => setTimeout(done, 250))) {
      r = await request(path);
      if (r.status === 200 && ok(r)) break;
    }
    return r;
  }

  test('the registered list, its candidates with their status; no PIN, no private document', async () => {
    const r = await fresh(`/api/v1/elections/${E}/candidates?party=${party}`,
      (x) => x.json.items.length === 10 && x.json.items[0].party.id === party && x.json.items[0].status === 'registered');
    assert.equal(r.json.total, 10);
    assert.deepEqual(r.json.items.map((c) => c.position), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(r.json.items.filter((c) => c.status === 'withdrawn').map((c) => c.position), [3, 6]);
    assert.ok(r.json.items.every((c) => c.party.id === party && !('pin' in c)));
    for (const pin of [...MEN, ...WOMEN, ...YOUNG]) assert.ok(!r.text.includes(pin), 'no PIN in public');
    const first = r.json.items[0];
    assert.ok(first.documents.biography > 0 && first.documents.photo > 0);
    assert.deepEqual(Object.keys(first.documents).sort(), ['biography', 'photo']);
    const card = await request(`/api/v1/candidates/${first.candidate_id}`);
    assert.equal(card.status, 200);
    assert.equal(card.json.nominations[0].status, 'registered');
    const csv = await fresh(`/api/v1/elections/${E}/candidates.csv`, (x) => x.text.includes(first.name));
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.ok(!MEN.some((pin) => csv.text.includes(pin)));
    const page = await fresh(`/api/v1/elections/${E}/candidates?limit=4&after=4`, (x) => x.json.total >= 10);
    assert.equal(page.json.items.length, 4);
    assert.equal(page.json.next, 8);
    const named = await fresh(`/api/v1/elections/${E}/candidates?q=${encodeURIComponent(first.name.split(' ')[0])}`,
      (x) => x.json.total >= 1);
    assert.ok(named.json.items.some((c) => c.candidate_id === first.candidate_id));
    assertError(await request(`/api/v1/elections/${E}/candidates?limit=0`), 400, 'invalid_parameter', 'limit');
    assertError(await request('/api/v1/candidates/999999999'), 404, 'candidate_not_found');
  });

  test('the parties taking part; the summary by status and attribute', async () => {
    const p = await fresh(`/api/v1/elections/${E}/parties`, (x) => x.json.items.some((i) => i.id === party && i.list?.status === 'registered'));
    const mine = p.json.items.find((i) => i.id === party);
    assert.equal(mine.list.status, 'registered');
    assert.equal(mine.list.candidates, 8);
    const s = await fresh(`/api/v1/elections/${E}/candidates/summary`,
      (x) => x.json.groups.party?.some((g) => g.key === String(party) && g.registered >= 8));
    const sex = Object.fromEntries(s.json.groups.sex.map((g) => [g.key, g.candidates]));
    assert.ok(sex.F >= 4 && sex.M >= 4);
    assert.ok(s.json.groups.status.some((g) => g.key === 'registered'));
  });

  test('the demo election: every party\'s list registered, two refusals with their reasons, three in review', async () => {
    const p = (await request('/api/v1/elections/202701/parties')).json.items;
    assert.equal(p.length, 14);
    assert.ok(p.every((x) => x.list.status === 'registered'), JSON.stringify(p.map((x) => x.list)));
    const s = (await request('/api/v1/elections/202701/candidates/summary')).json;
    assert.equal(s.refusals.length, 2);
    assert.ok(s.refusals.every((x) => x.reason.length > 10));
    const status = Object.fromEntries(s.groups.status.map((g) => [g.key, g.candidates]));
    assert.equal(status.submitted, 1);
    assert.equal(status.under_review, 1);
    assert.equal(status.deficiencies, 1);
    // The ballot the demo's nominations made is the ballot the results use.
    const onBallot = Number(psql(`SELECT count(*) FROM list_candidates WHERE contest_id = 20270100`)[0][0]);
    assert.equal(onBallot, s.groups.kind.find((g) => g.key === 'list').candidates);
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

describe('a candidate withdraws themself', () => {
  test('from the registered list in the cabinet: the number stays, on the ballot too; a draft is declined instead', async () => {
    const me = await signIn(YOUNG[1]);
    const mine = (await me.get('/api/v1/cabinet/nominations')).json.items.find((i) => i.nomination_id === list);
    assert.equal(mine.status, 'registered');
    let r = await send(me, 'POST', `/api/v1/cabinet/nominations/${list}/withdraw`, { reason: 'по семейным обстоятельствам' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.find((i) => i.nomination_id === list).withdrawn, true);
    assertError(await send(me, 'POST', `/api/v1/cabinet/nominations/${list}/withdraw`, {}), 409, 'withdrawn_already', 'pin');
    const row = psql(`SELECT l.position, l.withdrawn FROM list_candidates l JOIN candidates k ON k.id = l.candidate_id
                       JOIN contests c ON c.id = l.contest_id WHERE c.election_id = :'e'::integer AND k.pin = :'p'`, { e: E, p: YOUNG[1] })[0];
    assert.deepEqual(row, [String(mine.position), 't']);
    const n = (await rep.get(`/api/v1/nominations/${list}`)).json.nomination;
    const h = n.history.at(-1);
    assert.deepEqual([h.action, h.role, h.comment], ['candidate_withdrawn', 'candidate', 'по семейным обстоятельствам']);
    // A draft's candidate declines; someone else's nomination is none of theirs.
    const draft = (await send(rep, 'POST', '/api/v1/nominations',
      { election_id: E, kind: 'district', district: 9, party_id: party, pin: WOMEN[1], higher_education: true })).json.nomination.id;
    const w = await signIn(WOMEN[1]);
    assertError(await send(w, 'POST', `/api/v1/cabinet/nominations/${draft}/withdraw`, {}), 409, 'nomination_draft');
    assertError(await send(stranger, 'POST', `/api/v1/cabinet/nominations/${list}/withdraw`, {}), 404, 'nomination_not_found');
  });
});

describe('another party', () => {
  test('its head can neither read nor change our list, its package or its fund', async () => {
    const OTHER = people('talapker other head', 1, { sex: 'F', exclude: [...WOMEN, ...YOUNG, SELF] })[0];
    await addEntity({ registration_number: 'T990810-OTHER', name: 'Другая партия', short_name: 'Другая', legal_form: 'political_party',
      status: 'active', head: { pin: OTHER, last_name: 'Другая', first_name: 'Глава' } });
    const other = await signIn(OTHER);
    const r = await send(other, 'POST', `/api/v1/elections/${E}/parties`, { registration_number: 'T990810-OTHER' });
    assert.equal(r.status, 201, r.text);
    assertError(await other.get(`/api/v1/nominations/${list}`), 404, 'nomination_not_found');
    assertError(await other.get(`/api/v1/elections/${E}/parties/${party}/office`), 404, 'party_not_found');
    assertError(await send(other, 'POST', `/api/v1/nominations/${list}/candidates`, { pin: OTHER, higher_education: true }),
      404, 'nomination_not_found');
    assertError(await send(other, 'POST', `/api/v1/nominations/${list}/withdraw`, {}), 404, 'nomination_not_found');
    assertError(await send(other, 'POST', `/api/v1/nominations/${list}/fund/lines`,
      { direction: 'income', category: 'own', amount: '1', date: new Date().toISOString().slice(0, 10) }), 404, 'nomination_not_found');
    const passport = psql(`SELECT d.id FROM documents d JOIN nomination_candidates c ON c.id = d.owner_id
                            WHERE d.owner_type = 'candidacies' AND c.nomination_id = :'n'::bigint AND d.kind = 'passport_copy' LIMIT 1`,
    { n: list })[0][0];
    assertError(await other.get(`/api/v1/documents/${passport}`), 404, 'document_not_found');
    assertError(await other.get(`/api/v1/documents/${passport}/file`), 404, 'document_not_found');
    const up = await other.post(`/api/v1/documents/${passport}/versions`, makePdf(1), { type: 'application/pdf' });
    assert.equal(up.status, 404, up.text);
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
    assert.equal(psql(`SELECT status FROM nominations WHERE id = :'id'::bigint`, { id: list })[0][0], 'registered');
  });
});
