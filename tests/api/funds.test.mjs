// Election funds (cgi/api/funds.c, cgi/rules/finance.c, sql/functions/024_funds.sql):
// lines one by one and as CSV (all or nothing, every bad row named), the law's
// limits and forbidden sources with their articles, reports (late ones flagged),
// public totals kept by the writes, keyset pages, CSV; no donor's PIN in public.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlValue, dropElection, TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, pickVoters, STAFF } from './cabinet_lib.mjs';

const E = TEST_ELECTION_MIN + 820;
const [CANDIDATE, STRANGER, DONOR] = pickVoters('funds', 3);
let me, stranger, fund, draft;

async function send(c, method, path, body, type = 'application/json') {
  return request(path, {
    method,
    headers: { Cookie: c.cookie, 'X-CSRF-Token': c.csrf, 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const line = (l) => send(me, 'POST', `/api/v1/nominations/${fund}/fund/lines`, l);
const csv = (text, who = me) => send(who, 'POST', `/api/v1/nominations/${fund}/fund/lines.csv`, text, 'text/csv');
const today = () => psqlValue('SELECT current_date::text');
const lineCount = () => Number(psqlValue(`SELECT count(*) FROM fund_lines WHERE nomination_id = :'n'::bigint`, { n: fund }));

// A self-nominated district candidate whose nomination is submitted (its way there is talapker.test.mjs's).
function nomination(status) {
  return Number(psqlValue(`WITH n AS (
      INSERT INTO nominations (election_id, kind, district_number, status, created_by, submitted_at, receipt)
      VALUES (:'e'::integer, 'district', 3, :'s', :'pin', CASE WHEN :'s' = 'draft' THEN NULL ELSE now() END,
              CASE WHEN :'s' = 'draft' THEN NULL ELSE '{}'::jsonb END) RETURNING id)
    SELECT id FROM n`, { e: E, s: status, pin: CANDIDATE }));
}

before(async () => {
  dropElection(E);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date + 60, 'Фонды', 'Фонддор', 'parliamentary', 'scheduled');
        INSERT INTO fund_limits VALUES (:'e'::integer, 100000, 500000, 100000000, 1000000)`, { e: E });
  fund = nomination('submitted');
  draft = nomination('draft');
  psql(`UPDATE nominations SET created_at = now() - interval '30 days' WHERE id IN (:'a'::bigint, :'b'::bigint)`, { a: fund, b: draft });
  [me, stranger] = await Promise.all([signIn(CANDIDATE), signIn(STRANGER)]);
});
after(() => dropElection(E));

describe('a fund takes lines under the law', () => {
  test('own money and a citizen\'s donation: totals kept, the donor\'s PIN never public', async () => {
    let r = await line({ direction: 'income', category: 'own', amount: '5000', date: today() });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.added, 1);
    r = await line({ direction: 'income', category: 'citizen', counterparty: 'Асанов Бакыт', donor_id: DONOR, amount: '600.50', date: today() });
    assert.equal(r.status, 201, r.text);
    const f = (await request(`/api/v1/funds/${fund}`)).json;
    assert.equal(f.income, 5600.5);
    assert.deepEqual(f.by_source, { citizen: 600.5, own: 5000 });
    const page = await request(`/api/v1/funds/${fund}/lines`);
    assert.equal(page.json.items.length, 2);
    assert.ok(!page.text.includes(DONOR), 'no donor PIN in public');
    assert.ok(!(await request(`/api/v1/funds/${fund}/lines.csv`)).text.includes(DONOR));
  });

  test('every rule refuses with its article; nothing is added', async () => {
    const n = lineCount();
    const refused = async (l, rule) => {
      const r = await line({ date: today(), ...l });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'fund_rules');
      assert.deepEqual(r.json.error.rows.map((x) => x.rule), [rule].flat());
      assert.ok(r.json.error.rows.every((x) => /art\. 41/.test(x.article)));
      return r.json.error.rows;
    };
    await refused({ direction: 'income', category: 'citizen', counterparty: 'Некто', amount: '10' }, 'anonymous_donor');
    await refused({ direction: 'income', category: 'foreign', counterparty: 'Foreign Ltd', donor_id: 'F-1', amount: '10' }, 'forbidden_source');
    const rows = await refused({ direction: 'income', category: 'citizen', counterparty: 'Асанов Бакыт', donor_id: DONOR, amount: '400' }, 'citizen_max');
    assert.match(rows[0].message, /at most 1 000\.00 som \(given before: 600\.50\)/);
    await refused({ direction: 'income', category: 'own', amount: '1', date: '2020-01-01' }, 'date');
    await refused({ direction: 'expense', category: 'media', counterparty: 'ТВ', amount: '6000' }, 'overspend');
    await refused({ direction: 'income', category: 'own', amount: '5000' }, 'fund_max');
    for (const [l, field] of [[{ category: 'gift', amount: '1' }, 'category'], [{ category: 'own', amount: '1,5' }, 'amount']]) {
      const r = await line({ direction: 'income', date: today(), ...l });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'invalid_rows');
      assert.deepEqual(r.json.error.rows.map((x) => [x.line, x.field]), [[1, field]]);
    }
    assertError(await line({ direction: 'income', category: 'own', amount: '1', date: '2026-02-30' }), 400, 'invalid_field', 'date');
    assert.equal(lineCount(), n);
  });

  test('a CSV file: every bad row named by its line, nothing added; a good file all at once', async () => {
    const head = 'direction,category,counterparty,donor_id,amount,date,description\n';
    const d = today();
    let r = await csv(`${head}expense,print,Типография,,100,${d},листовки\nexpense,food,Кафе,,10,${d},\nincome,own,,,abc,${d},\n`);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'invalid_rows');
    assert.deepEqual(r.json.error.rows.map((x) => [x.line, x.field]), [[3, 'category'], [4, 'amount']]);
    r = await csv(`${head}expense,print,Типография,,100,${d},листовки\nexpense,media,"ТВ, канал 1",,5600,${d},"ролик ""Голос"""\n`);
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.rows.map((x) => [x.line, x.rule]), [[3, 'overspend']]);
    assertError(await csv('a,b\n1,2\n'), 400, 'invalid_csv');
    assertError(await send(me, 'POST', `/api/v1/nominations/${fund}/fund/lines.csv`, head, 'text/plain'), 415, 'unsupported_media_type');
    const n = lineCount();
    const good = Array.from({ length: 50 }, (_, i) => `expense,${['media', 'print', 'events', 'staff', 'transport', 'other'][i % 6]},Поставщик ${i},,${(i + 1)}.25,${d},"строка ${i}"`);
    r = await csv(head + good.join('\r\n') + '\r\n');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.added, 50);
    assert.equal(lineCount(), n + 50);
    const f = (await request(`/api/v1/funds/${fund}`)).json;
    assert.equal(f.expenses, Array.from({ length: 50 }, (_, i) => i + 1.25).reduce((a, b) => a + b, 0));
    assert.equal(f.lines, 52);
    assertError(await csv(head + good[0] + '\n', stranger), 404, 'nomination_not_found');
  });

  test('keyset pages: every line once, in order, without counting', async () => {
    const seen = [];
    let after = 0;
    for (let i = 0; i < 10; i++) {
      const r = (await request(`/api/v1/funds/${fund}/lines?limit=20&after=${after}`)).json;
      seen.push(...r.items.map((x) => x.id));
      if (r.next == null) break;
      after = r.next;
    }
    assert.equal(seen.length, 52);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    const income = (await request(`/api/v1/funds/${fund}/lines?direction=income`)).json.items;
    assert.equal(income.length, 2);
    const lines = (await request(`/api/v1/funds/${fund}/lines.csv`)).text.trim().split('\n');
    assert.equal(lines[0], 'id,direction,category,counterparty,amount,date,description');
    assert.equal(lines.length, 53);
    assert.ok(lines.some((l) => l.includes('"ТВ') === false && l.includes('Поставщик 7')));
  });

  test('the CEC sets an election\'s amounts; the rules use them at once', async () => {
    const limits = { citizen_max: 700, legal_entity_max: 5000, list_fund_max: 1000000, district_fund_max: 20000 };
    assertError(await send(me, 'PUT', `/api/v1/elections/${E}/fund-limits`, limits), 403, 'forbidden');
    const cec = await signIn(STAFF.cec);
    let r = await send(cec, 'PUT', `/api/v1/elections/${E}/fund-limits`, limits);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.set, r.json.citizen_max, r.json.district_fund_max], [true, 700, 20000]);
    assertError(await send(cec, 'PUT', `/api/v1/elections/${E}/fund-limits`, { ...limits, citizen_max: 0 }), 400, 'invalid_field', 'citizen_max');
    assertError(await send(cec, 'PUT', '/api/v1/elections/999999/fund-limits', limits), 404, 'election_not_found');
    // The donor gave 600.50 before: 100 more is over 700.
    r = await line({ direction: 'income', category: 'citizen', counterparty: 'Асанов Бакыт', donor_id: DONOR, amount: '100', date: today() });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.rows[0].rule, 'citizen_max');
    assert.match(r.json.error.rows[0].message, /700\.00 som/);
  });

  test('reports: interim and final, once each; the final closes the fund; a draft has no public fund', async () => {
    let r = await send(me, 'POST', `/api/v1/nominations/${fund}/fund/reports`, { kind: 'interim' });
    assert.equal(r.status, 201, r.text);
    const interim = r.json.reports.find((x) => x.kind === 'interim');
    assert.equal(interim.late, false);
    assert.equal(interim.lines, 52);
    assertError(await send(me, 'POST', `/api/v1/nominations/${fund}/fund/reports`, { kind: 'interim' }), 409, 'report_filed', 'kind');
    assertError(await send(stranger, 'POST', `/api/v1/nominations/${fund}/fund/reports`, { kind: 'final' }), 404, 'nomination_not_found');
    r = await send(me, 'POST', `/api/v1/nominations/${fund}/fund/reports`, { kind: 'final' });
    assert.equal(r.status, 201, r.text);
    assertError(await line({ direction: 'income', category: 'own', amount: '1', date: today() }), 409, 'fund_closed');
    assertError(await request(`/api/v1/funds/${draft}`), 404, 'fund_not_found');
    // (nginx's microcache may answer /api/v1/elections/... from a second or two ago, or older while refreshing)
    let all;
    for (const t0 = Date.now(); Date.now() - t0 < 6000; await new Promise((ok) => setTimeout(ok, 250))) {
      all = (await request(`/api/v1/elections/${E}/funds`)).json.items;
      if (all.length === 1 && all[0].nomination_id === fund && all[0].reports[1].filed_at) break;
    }
    assert.deepEqual(all.map((x) => x.nomination_id), [fund], JSON.stringify(all));
    assert.equal(all[0].reports[1].late, false);
    assertError(await request(`/api/v1/nominations/${fund}/fund/lines`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 401, 'unauthenticated');
  });
});
