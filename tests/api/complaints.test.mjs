// Complaints (cgi/api/complaints.c, cgi/rules/complaints.c, sql/functions/026_complaints.sql):
// filed with a receipt, routed to the commission the law names, on the law's
// clock; heard, forwarded, decided (late decisions recorded as late), appealed,
// ruled on by a court; attachments private, decisions public; another
// commission's reviewer can neither see the private parts nor act; the public
// registry, its CSV and dashboard never show who complained.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlValue, dropElection, TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, pickVoters } from './cabinet_lib.mjs';
import { makePdf } from './files_lib.mjs';

const E = TEST_ELECTION_MIN + 840;
const REVIEWERS = { tec101: '11906198300017', district1: '20304197900026', cec: '11111197500039' };
const [VOTER, OTHER] = pickVoters('complaints', 2, { commission: 101 });
let voter, other, tec, district, cec;
let station; // a station of commission 101 in district 1

// Station 1001's commission is 101 and its district is 1 in the demo country; check rather than trust.
function stationOf101InDistrict1() {
  return Number(psqlValue(`SELECT min(number) FROM stations WHERE commission_id = 101 AND district_number = 1`));
}
const file = (who, body) => who.post('/api/v1/complaints', { election_id: E, complainant_kind: 'voter',
  subject: 'station', station, happened_at: '2026-11-20T10:00', summary: 'На участке не вывесили списки избирателей', ...body });
const act = (who, id, what, body) => who.post(`/api/v1/review/complaints/${id}/${what}`, body);
// The end of the n-th local day after the local day of t, as the rule says (PostgreSQL computes it independently).
const endOfDayAfter = (t, n) => Date.parse(psqlValue(`SELECT to_char((((:'t'::timestamptz AT TIME ZONE 'Asia/Bishkek')::date + :'n'::integer
    + time '23:59:59') AT TIME ZONE 'Asia/Bishkek'), 'YYYY-MM-DD"T"HH24:MI:SSOF')`, { t, n }).replace(/([+-]\d\d)$/, '$1:00'));

before(async () => {
  dropElection(E);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date + 60, 'Жалобы', 'Даттануулар', 'parliamentary', 'scheduled')`, { e: E });
  station = stationOf101InDistrict1();
  assert.ok(station > 0, 'a station of commission 101 in district 1');
  [voter, other, tec, district, cec] = await Promise.all([VOTER, OTHER, REVIEWERS.tec101, REVIEWERS.district1, REVIEWERS.cec].map(signIn));
});
after(() => dropElection(E));

describe('filing', () => {
  test('a voter files about a precinct commission: a receipt, the territorial commission, three calendar days', async () => {
    const r = await file(voter, {});
    assert.equal(r.status, 201, r.text);
    const c = r.json;
    assert.match(c.number, new RegExp(`^Ж-${E}-\\d{5,}$`));
    assert.equal(r.headers.location, `/api/v1/cabinet/complaints/${c.id}`);
    assert.equal(c.commission.id, 101);
    assert.equal(c.status, 'received');
    assert.equal(c.deadline, 'open');
    assert.equal(c.your_role, 'complainant');
    assert.equal(Date.parse(c.review_due), endOfDayAfter(c.received_at, 3));
    assert.equal(c.complainant.kind, 'voter');
    assert.ok(c.complainant.name, 'the complainant sees their own name');
    const mine = await voter.get('/api/v1/cabinet/complaints');
    assert.ok(mine.json.items.some((x) => x.id === c.id));
  });

  test('the law routes by subject: a district\'s contest to its commission, a TEC to the CEC, the CEC to a court', async () => {
    let r = await file(voter, { district_contest: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.commission.id, 3001);
    r = await file(voter, { subject: 'territorial', subject_commission: 101, station: undefined });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.commission.kind, 'central');
    r = await file(voter, { subject: 'official', subject_official: 'Аким района', station: undefined });
    assert.equal(r.json.commission.kind, 'central', r.text);
    r = await file(voter, { subject: 'central', subject_commission: 9000, station: undefined });
    assertError(r, 422, 'goes_to_court', 'subject');
  });

  test('every refusal names its field; nothing is written', async () => {
    const before_ = Number(psqlValue(`SELECT count(*) FROM complaints WHERE election_id = :'e'::integer`, { e: E }));
    assertError(await file(voter, { election_id: TEST_ELECTION_MIN + 841 }), 404, 'election_not_found');
    assertError(await file(voter, { subject: 'weather' }), 400, 'invalid_field', 'subject');
    assertError(await file(voter, { complainant_kind: 'king' }), 400, 'invalid_field', 'complainant_kind');
    assertError(await file(voter, { complainant_kind: 'candidate' }), 422, 'not_a_candidate', 'complainant_kind');
    assertError(await file(voter, { complainant_kind: 'party', party_id: 1 }), 422, 'not_party_representative', 'party_id');
    assertError(await file(voter, { complainant_kind: 'observer' }), 422, 'organisation_required', 'organisation');
    assertError(await file(voter, { station: 10999 }), 422, 'station_not_found', 'station');
    assertError(await file(voter, { district: 2 }), 422, 'station_not_in_district', 'district');
    assertError(await file(voter, { happened_at: '2099-01-01T10:00' }), 422, 'happened_in_future', 'happened_at');
    for (const t of ['yesterday', '2027-02-30T10:00', '2027-01-01T24:00', '2027-01-01'])
      assertError(await file(voter, { happened_at: t }), 400, 'invalid_field', 'happened_at');
    assertError(await file(voter, { summary: 'плохо' }), 422, 'summary_too_short', 'summary');
    assertError(await file(voter, { subject_candidate: 1 }), 422, 'subject_mismatch', 'subject');
    assertError(await file(voter, { subject: 'official', station: undefined }), 422, 'official_required', 'subject_official');
    assertError(await file(voter, { concerns: 'nomination' }), 400, 'invalid_field', 'concerns_id');
    assertError(await file(voter, { concerns: 'nomination', concerns_id: 999999 }), 422, 'concerns_not_found', 'concerns_id');
    assertError(await file(voter, { mood: 'angry' }), 400, 'unknown_field', 'mood');
    assert.equal(Number(psqlValue(`SELECT count(*) FROM complaints WHERE election_id = :'e'::integer`, { e: E })), before_);
    const anonymous = await request('/api/v1/complaints', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(anonymous.status, 401);
  });
});

describe('review, forwarding, decision, appeal, court', () => {
  let id;
  before(async () => {
    const r = await file(voter, { summary: 'Председатель УИК не допустил наблюдателя к подсчёту' });
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
  });

  test('another commission\'s reviewer neither sees the private parts nor acts', async () => {
    assertError(await district.get(`/api/v1/cabinet/complaints/${id}`), 404, 'complaint_not_found');
    assertError(await act(district, id, 'decision', { outcome: 'rejected', text: 'нет' }), 404, 'complaint_not_found');
    assertError(await act(district, id, 'hearing', { at: '2027-01-10T10:00', place: 'ОИК' }), 404, 'complaint_not_found');
    assert.ok(!(await district.get('/api/v1/review/complaints')).json.items.some((x) => x.id === id));
    assertError(await other.get(`/api/v1/cabinet/complaints/${id}`), 404, 'complaint_not_found');
    // A voter is no reviewer at all.
    assert.equal((await act(voter, id, 'decision', { outcome: 'upheld', text: 'да' })).status, 403);
  });

  test('the commission sets the hearing; the complainant sees it in the cabinet', async () => {
    const q = await tec.get(`/api/v1/review/complaints?election=${E}`);
    assert.equal(q.status, 200, q.text);
    assert.ok(q.json.items.some((x) => x.id === id));
    const at = new Date(Date.now() + 86400e3).toISOString().slice(0, 16) + 'Z';
    const r = await act(tec, id, 'hearing', { at, place: 'ТИК, каб. 5' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'hearing_set');
    const mine = (await voter.get('/api/v1/cabinet/complaints')).json.items.find((x) => x.id === id);
    assert.equal(mine.hearing.place, 'ТИК, каб. 5');
    assert.equal(Date.parse(mine.hearing.at), Date.parse(at));
    assertError(await act(tec, id, 'hearing', { at: 'soon', place: 'ТИК' }), 400, 'invalid_field', 'at');
  });

  test('forwarded with a reason: the clock starts again there, the old commission reads but no longer acts', async () => {
    assertError(await act(tec, id, 'forward', { commission_id: 101, reason: 'сами' }), 422, 'same_commission');
    assertError(await act(tec, id, 'forward', { commission_id: 3001, reason: ' ' }), 422, 'reason_required', 'reason');
    const r = await act(tec, id, 'forward', { commission_id: 3001, reason: 'касается одномандатного округа' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.commission.id, 3001);
    assert.equal(r.json.may_act, false);
    assert.equal(r.json.status, 'received', 'the hearing was the old commission\'s');
    assert.equal(Date.parse(r.json.review_due), endOfDayAfter(r.json.arrived_at, 3));
    const fwd = r.json.history.find((h) => h.action === 'forwarded');
    assert.equal(fwd.to_commission.id, 3001);
    assert.equal(fwd.in_time, true);
    assert.equal(fwd.comment, 'касается одномандатного округа');
    assertError(await act(tec, id, 'decision', { outcome: 'rejected', text: 'нет' }), 404, 'complaint_not_found');
    const d = await district.get(`/api/v1/cabinet/complaints/${id}`);
    assert.equal(d.json.may_act, true, d.text);
  });

  let appeal;
  test('decided in time; appealed within 3 days to the CEC; the CEC orders a recount', async () => {
    assertError(await act(district, id, 'decision', { outcome: 'forwarded', text: 'x' }), 400, 'invalid_field', 'outcome');
    assertError(await act(district, id, 'decision', { outcome: 'rejected', text: ' ' }), 422, 'text_required', 'text');
    let r = await act(district, id, 'decision', { outcome: 'rejected', text: 'Наблюдатель допущен, доводы не подтвердились' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.deadline, 'met');
    assert.equal(r.json.decision.in_time, true);
    assert.equal(Date.parse(r.json.decision.appeal_due), endOfDayAfter(r.json.decision.decided_at, 3));
    assertError(await act(district, id, 'decision', { outcome: 'upheld', text: 'передумали' }), 409, 'decided');
    // Only the complainant appeals; the appeal goes a level up, to the CEC.
    assertError(await other.post('/api/v1/complaints', { complainant_kind: 'voter', appeal_of: id, happened_at: '2026-11-20T10:00',
      summary: 'Не согласен с решением ОИК' }), 404, 'complaint_not_found', 'appeal_of');
    r = await voter.post('/api/v1/complaints', { complainant_kind: 'voter', appeal_of: id, happened_at: '2026-11-21T10:00',
      summary: 'Не согласен с решением окружной комиссии' });
    assert.equal(r.status, 201, r.text);
    appeal = r.json;
    assert.equal(appeal.commission.kind, 'central');
    assert.equal(appeal.subject.kind, 'district');
    assert.equal(appeal.subject.commission.id, 3001);
    assert.equal(appeal.appeal_of.id, id);
    const original = (await request(`/api/v1/complaints/${id}`)).json;
    assert.deepEqual(original.appeals.map((a) => a.id), [appeal.id]);
    assertError(await act(cec, appeal.id, 'decision', { outcome: 'upheld', text: 'x', changed: 'protocol', changed_id: station }),
      400, 'invalid_field', 'ordered');
    assertError(await act(cec, appeal.id, 'decision', { outcome: 'upheld', text: 'x', ordered: 'recount', changed: 'protocol' }),
      400, 'invalid_field', 'changed');
    assertError(await act(cec, appeal.id, 'decision', { outcome: 'upheld', text: 'x', ordered: 'correction', changed: 'nomination',
      changed_id: 999999999 }), 422, 'changed_not_found', 'changed_id');
    r = await act(cec, appeal.id, 'decision', { outcome: 'upheld', text: 'Пересчитать голоса на участке', ordered: 'recount',
      ordered_note: `участок ${station}`, changed: 'protocol', changed_id: station });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.decision.ordered, 'recount');
    assert.deepEqual(r.json.decision.changed, { kind: 'protocol', id: station });
    // The station's complaints: those at it, about its protocol, or changing it.
    const atStation = (await request(`/api/v1/complaints?election=${E}&station=${station}&limit=200`)).json;
    assert.ok(atStation.items.some((x) => x.id === appeal.id) && atStation.items.every((x) => x.station === station
      || x.decision?.changed?.id === station || x.concerns?.id === station), 'the station filter');
    const other_ = Number(psqlValue(`SELECT max(number) FROM stations WHERE number <> :'s'::integer AND NOT abroad`, { s: station }));
    assert.ok(!(await request(`/api/v1/complaints?election=${E}&station=${other_}`)).json.items.some((x) => x.id === appeal.id));
  });

  test('an appeal after its 3 days is refused', async () => {
    psql(`UPDATE complaints SET appeal_due = now() - interval '1 minute' WHERE id = :'i'::bigint`, { i: id });
    assertError(await voter.post('/api/v1/complaints', { complainant_kind: 'voter', appeal_of: id, happened_at: '2026-11-21T10:00',
      summary: 'Ещё одна жалоба на то же решение' }), 422, 'appeal_closed', 'appeal_of');
  });

  test('courts\' rulings: the CEC\'s reviewers record them, once per instance', async () => {
    const ruling = { court: 'Административный суд г. Бишкек', instance: 'first', ruled_on: psqlValue('SELECT current_date::text'), outcome: 'upheld' };
    assertError(await act(tec, appeal.id, 'court-rulings', ruling), 403, 'not_cec_reviewer');
    let r = await act(cec, appeal.id, 'court-rulings', ruling);
    assert.equal(r.status, 200, r.text);
    assertError(await act(cec, appeal.id, 'court-rulings', ruling), 409, 'ruling_exists', 'instance');
    assertError(await act(cec, appeal.id, 'court-rulings', { ...ruling, instance: 'supreme', ruled_on: '2099-01-01' }), 422, 'ruled_in_future', 'ruled_on');
    r = await act(cec, appeal.id, 'court-rulings', { ...ruling, court: 'Верховный суд', instance: 'supreme' });
    assert.equal(r.status, 200, r.text);
    const pub = (await request(`/api/v1/complaints/${appeal.id}`)).json;
    assert.deepEqual(pub.court_rulings.map((x) => x.instance), ['first', 'supreme']);
  });
});

describe('the clock is never hidden', () => {
  test('a complaint past its deadline is overdue; decided late, it stays late', async () => {
    const r = await file(voter, { summary: 'Жалоба, которую рассмотрят поздно' });
    const id = r.json.id;
    psql(`UPDATE complaints SET received_at = now() - interval '5 days', arrived_at = now() - interval '5 days',
                 review_due = now() - interval '1 day' WHERE id = :'i'::bigint`, { i: id });
    let pub = (await request(`/api/v1/complaints/${id}`)).json;
    assert.equal(pub.deadline, 'overdue');
    const overdue = (await request(`/api/v1/complaints?election=${E}&deadline=overdue`)).json;
    assert.ok(overdue.items.some((x) => x.id === id));
    const d = await act(tec, id, 'decision', { outcome: 'partly_upheld', text: 'Частично удовлетворить' });
    assert.equal(d.status, 200, d.text);
    pub = (await request(`/api/v1/complaints/${id}`)).json;
    assert.equal(pub.deadline, 'missed');
    assert.equal(pub.decision.in_time, false);
    const dash = (await request(`/api/v1/elections/${E}/complaints/dashboard`)).json;
    assert.ok(dash.decided_late >= 1 && dash.received >= 5, JSON.stringify(dash));
    assert.equal(dash.received, dash.decided + dash.open);
    assert.equal(dash.decided, dash.decided_in_time + dash.decided_late);
  });
});

describe('documents', () => {
  let id;
  before(async () => {
    id = (await file(voter, { summary: 'Жалоба с приложенной фотографией нарушения' })).json.id;
  });

  test('an attachment is the complainant\'s and the reviewers\', never the public\'s; a lying file is refused', async () => {
    const up = await voter.post(`/api/v1/documents/complaints/${id}/attachment`, makePdf(1, 'complaint evidence'), { type: 'application/octet-stream' });
    assert.equal(up.status, 201, up.text);
    const doc = up.json.document.id;
    assertError(await voter.post(`/api/v1/documents/complaints/${id}/attachment`, Buffer.from('MZ this is not a PDF at all'),
      { type: 'application/pdf' }), 415, 'unsupported_type');
    assert.equal((await request(`/api/v1/documents/${doc}/file`)).status, 401, 'not public: sign in first');
    assert.equal((await other.get(`/api/v1/documents/${doc}/file`)).status, 404, 'not another voter\'s');
    assert.equal((await district.get(`/api/v1/documents/${doc}/file`)).status, 404, 'not another commission\'s');
    assert.equal((await tec.get(`/api/v1/documents/${doc}/file`)).status, 200, 'the reviewer reads it');
    assert.equal((await voter.get(`/api/v1/cabinet/complaints/${id}`)).json.attachments.length, 1);
    assert.equal((await request(`/api/v1/complaints/${id}`)).json.documents.length, 0);
    // Someone else cannot add to it; the decision's scan is the reviewer's, and public.
    assert.equal((await other.post(`/api/v1/documents/complaints/${id}/attachment`, makePdf(1, 'x'))).status, 404);
    assert.equal((await voter.post(`/api/v1/documents/complaints/${id}/decision`, makePdf(1, 'fake decision'))).status, 403);
    const dec = await tec.post(`/api/v1/documents/complaints/${id}/decision`, makePdf(2, 'decision scan'));
    assert.equal(dec.status, 201, dec.text);
    const pub = (await request(`/api/v1/complaints/${id}`)).json;
    assert.deepEqual(pub.documents.map((x) => x.kind), ['decision']);
    assert.equal((await request(`/api/v1/documents/${dec.json.document.id}/file`)).status, 200);
  });
});

describe('the public registry', () => {
  test('filters, keyset pages, CSV and dashboard; the complainant is never named', async () => {
    const name = (await voter.get('/api/v1/me')).json.name;
    const all = await request(`/api/v1/complaints?election=${E}&limit=200`);
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.total >= 5);
    assert.equal(all.json.items.length, all.json.total);
    const page1 = (await request(`/api/v1/complaints?election=${E}&limit=2`)).json;
    assert.equal(page1.items.length, 2);
    const page2 = (await request(`/api/v1/complaints?election=${E}&limit=2&before=${page1.next}`)).json;
    assert.ok(page2.items.every((x) => x.id < page1.items[1].id));
    const byCommission = (await request(`/api/v1/complaints?election=${E}&commission=3001`)).json;
    assert.ok(byCommission.items.length >= 1 && byCommission.items.every((x) => x.commission.id === 3001));
    const found = (await request(`/api/v1/complaints?election=${E}&q=${encodeURIComponent('наблюдателя')}`)).json;
    assert.ok(found.items.length >= 1 && found.items.every((x) => /наблюдател/i.test(x.summary)));
    assertError(await request('/api/v1/complaints?status=lost'), 400, 'invalid_parameter', 'status');
    const csv = await request(`/api/v1/elections/${E}/complaints.csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    const lines = csv.text.trim().split('\n');
    assert.equal(lines.length, all.json.total + 1);
    assert.equal(lines[0].split(',').length, 16);
    for (const text of [all.text, csv.text, (await request(`/api/v1/elections/${E}/complaints/dashboard`)).text]) {
      assert.ok(!text.includes(VOTER), 'no PIN in public');
      if (name) assert.ok(!text.includes(name), 'no name in public');
    }
    assertError(await request(`/api/v1/elections/${TEST_ELECTION_MIN + 841}/complaints/dashboard`), 404, 'election_not_found');
  });
});
