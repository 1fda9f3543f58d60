// Talapker in the browser, end to end: a party's head notifies the CEC and
// names a representative; the representative nominates a man in a district
// and is refused him in another, builds a list that breaks each list rule
// (explained on the page; submitted so, refused; under 25 and without higher
// education refused at the door), fixes it, pays the deposit, uploads the
// package; the candidates consent in their cabinets; the list is submitted
// with a receipt; the CEC's reviewer sees the checks through Tunduk, records a
// deficiency, the party corrects it, the commission registers; the public sees
// the party and its candidates; a fund's CSV is published.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/talapker.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, SHOTS, useBrowser, withPage as pageWith, ready, signIn } from './lib.mjs';
import { psql, psqlValue, dropElection, TEST_ELECTION_MIN } from '../api/lib.mjs';
import { signIn as apiSignIn, TUNDUK, fetchAbs, STAFF } from '../api/cabinet_lib.mjs';
import { makePdf } from '../api/files_lib.mjs';

const E = TEST_ELECTION_MIN + 830;
const REG = 'T990830-3301-PP';
const ME = /\/api\/v1\/me$/;
// "Am I signed in?" answers 401 before signing in; refusals the story provokes on purpose.
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: ME, status: 401 }, { url: /\/api\/v1\//, status: 422 }, { url: /\/api\/v1\//, status: 409 }] }, fn);

// People of the demo country, picked by what they are (voters of commission 101's stations not used elsewhere).
function people(salt, n, sex, from, to) {
  return psql(`SELECT v.pin FROM voters v WHERE v.status = 'active' AND substr(v.pin, 10, 5) >= '00100'
      AND v.sex = :'sex' AND v.birth_date BETWEEN :'from'::date AND :'to'::date
      AND NOT EXISTS (SELECT 1 FROM candidates k WHERE k.pin = v.pin)
    ORDER BY md5(v.pin || :'salt') LIMIT :'n'::integer`, { sex, from, to, salt, n }).map((r) => r[0]);
}
const years = (y) => new Date(Date.now() + y * 365.25 * 86400e3).toISOString().slice(0, 10);
const [HEAD, REP] = people('browser talapker staff', 2, 'M', '1960-01-01', '1980-01-01');
const MEN = people('browser talapker men', 4, 'M', '1955-01-01', '1985-01-01').filter((p) => p !== HEAD && p !== REP).slice(0, 3);
const WOMEN = people('browser talapker women', 2, 'F', '1955-01-01', '1985-01-01');
const YOUNG = people('browser talapker young', 2, 'F', years(-34), years(-27));
const TOO_YOUNG = people('browser talapker too young', 1, 'M', years(-24), years(-19))[0];
const UNSCHOOLED = people('browser talapker unschooled', 1, 'F', '1960-01-01', '1985-01-01').find((p) => !WOMEN.includes(p));
const DISTRICT_MAN = people('browser talapker district', 6, 'M', '1960-01-01', '1980-01-01').find((p) => ![HEAD, REP, ...MEN].includes(p));
let dir;

async function hook(p, body) {
  const r = await fetchAbs(`${TUNDUK}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, r.text);
}



const status = (page, id) => page.locator(`#${id}`).textContent();

useBrowser();

before(async () => {
  assert.equal(MEN.length, 3);
  dropElection(E);
  psql(`DELETE FROM parties WHERE registration_number = :'r'`, { r: REG });
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date + 60, 'Выборы в браузере', 'Браузердеги шайлоо', 'parliamentary', 'scheduled')`, { e: E });
  await hook('/_test/entity', { registration_number: REG, name: 'Партия Браузера', short_name: 'Браузер', legal_form: 'political_party',
    status: 'active', head: { pin: HEAD, last_name: 'Глава', first_name: 'Браузер' } });
  for (const pin of [...MEN, ...WOMEN, ...YOUNG, UNSCHOOLED, DISTRICT_MAN]) await hook('/_test/person', { pin, convictions: [], citizenships: ['KG'], disabled: false });
  for (const pin of [WOMEN[1], MEN[2]]) await hook('/_test/person', { pin, disabled: true });
  // The pages list elections from /api/v1/elections, which nginx's microcache may keep a moment: wait for ours.
  for (const t0 = Date.now(); Date.now() - t0 < 8000; await new Promise((ok) => setTimeout(ok, 300))) {
    const all = await fetch(`${BASE}/api/v1/elections`).then((r) => r.json());
    if ((all.items || []).some((x) => x.id === E)) break;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'talapker-'));
  fs.writeFileSync(path.join(dir, 'doc.pdf'), makePdf(1, 'browser story'));
  fs.writeFileSync(path.join(dir, 'doc2.pdf'), makePdf(2, 'browser story, corrected'));
});

after(() => {
  dropElection(E);
  psql(`DELETE FROM parties WHERE registration_number = :'r'`, { r: REG });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let nomination;

test('the head notifies the CEC and names a representative', async () => {
  await withPage({}, async (page) => {
    await signIn(page, HEAD, '/party/');
    await page.selectOption('#notify-election', String(E));
    await page.fill('#notify-number', 'T990830-NONE');
    await page.click('#notify-form button[type=submit]');
    await page.waitForFunction(() => /нет организации с таким номером/.test(document.querySelector('#notify-status').textContent));
    await page.fill('#notify-number', REG);
    await page.click('#notify-form button[type=submit]');
    await page.locator('#office:not([hidden])').waitFor();
    assert.match(await page.locator('#office-heading').textContent(), /Браузер/);
    await page.fill('#rep-pin', REP);
    await page.click('#rep-form button[type=submit]');
    await page.locator('#reps-table td', { hasText: 'действует' }).waitFor();
    assert.match(await page.locator('#office-history').textContent(), /назначен представитель/);
  });
});

test('the representative builds a list that breaks each rule, fixes it, pays, uploads, and it is refused until consented', async () => {
  await withPage({}, async (page) => {
    await signIn(page, REP, '/party/');
    await page.locator('#mine-table button', { hasText: 'Открыть' }).first().click();
    // One district per candidate per election: the party's man in one district, and then not in another.
    const districts = await page.locator('#district-number option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(districts.length >= 2, 'the districts to choose from');
    await page.selectOption('#district-number', districts[0]);
    await page.fill('#district-pin', DISTRICT_MAN);
    await page.click('#district-form button[type=submit]');
    await page.locator('#nomination:not([hidden])').waitFor();
    await page.selectOption('#district-number', districts[1]);
    await page.fill('#district-pin', DISTRICT_MAN);
    await page.click('#district-form button[type=submit]');
    await page.waitForFunction(() => /уже выдвинут в другом округе/.test(document.querySelector('#office-status').textContent));
    await page.click('#new-list');
    await page.locator('#nomination:not([hidden])').waitFor();
    // Three men in a row, then the women: the rules say what is wrong as the list is built.
    const add = async (pin, { ethnicity = false, disability = false } = {}) => {
      await page.fill('#add-pin', pin);
      await page.setChecked('#add-ethnicity', ethnicity);
      await page.setChecked('#add-disability', disability);
      await page.click('#add-form button[type=submit]');
      await page.waitForFunction(() => /добавлен/.test(document.querySelector('#nomination-status').textContent)
        || document.querySelector('#nomination-status').classList.contains('status--error'));
      assert.match(await status(page, 'nomination-status'), /добавлен/, `adding ${pin}`);
      await page.evaluate(() => { document.querySelector('#nomination-status').textContent = ''; });
    };
    for (const pin of MEN) await add(pin, { disability: pin === MEN[2] });
    // Three men: too many of one sex, nobody under 35, nobody of other ethnicity, one disability of two.
    await page.locator('#nomination-rules li').first().waitFor();
    const three = await page.locator('#nomination-rules').textContent();
    for (const rule of [/одного пола больше 70% \(номера 1, 2, 3\)/, /младше 35 лет меньше 15%/, /другой национальности меньше 15%/, /меньше двух кандидатов с инвалидностью/])
      assert.match(three, rule);
    // Submitted as it is: refused, and the page says why.
    await page.click('#submit');
    await page.waitForFunction(() => /Список не подан: он нарушает требования/.test(document.querySelector('#nomination-status').textContent));
    // Under 25 on election day: refused at the door by the population register's birth date.
    await page.fill('#add-pin', TOO_YOUNG);
    await page.click('#add-form button[type=submit]');
    await page.locator('#nomination-status.status--error').waitFor();
    assert.match(await status(page, 'nomination-status'), /меньше 25 лет/);
    await page.evaluate(() => { document.querySelector('#nomination-status').textContent = ''; document.querySelector('#nomination-status').className = 'status'; });
    // No higher education: refused at the door too.
    await page.setChecked('#add-education', false);
    await page.fill('#add-pin', UNSCHOOLED);
    await page.click('#add-form button[type=submit]');
    await page.waitForFunction(() => /нет высшего образования/.test(document.querySelector('#nomination-status').textContent));
    await page.setChecked('#add-education', true);
    await page.evaluate(() => { document.querySelector('#nomination-status').textContent = ''; document.querySelector('#nomination-status').className = 'status'; });
    assert.equal(await page.locator('#nomination-candidates tbody tr').count(), 3);
    for (const pin of WOMEN) await add(pin, { ethnicity: true, disability: pin === WOMEN[1] });
    await page.locator('#nomination-rules li').first().waitFor();
    assert.match(await page.locator('#nomination-rules').textContent(), /младше 35/);
    nomination = Number(psqlValue(`SELECT id FROM nominations WHERE election_id = :'e'::integer AND kind = 'list'`, { e: E }));
    // The young women after the women: four women in a row.
    for (const pin of YOUNG) await add(pin);
    assert.equal(await page.locator('#nomination-candidates tbody tr').count(), 7);
    const rules = await page.locator('#nomination-rules').textContent();
    assert.match(rules, /одного пола подряд: номера 4, 5, 6, 7/);
    assert.doesNotMatch(rules, /младше 35/);
    // Reordered by an arrow: the first woman goes up a place, and the list keeps every rule.
    await page.locator('#nomination-candidates tbody tr').nth(3).locator('button[aria-label="Выше"]').click();
    await page.waitForFunction(() => /соответствует/.test(document.querySelector('#nomination-rules').textContent));
    // The deposit, through the treasury.
    await page.fill('#deposit-ref', 'TRE-1000000-990830');
    await page.click('#deposit-form button[type=submit]');
    await page.waitForFunction(() => /подтверждён/.test(document.querySelector('#deposit').textContent));
    // The package: every required document.
    for (;;) {
      const inputs = page.locator('#package tr:has(.badge--late) input[type=file]');
      if ((await inputs.count()) === 0) break;
      await inputs.first().setInputFiles(path.join(dir, 'doc.pdf'));
      await page.waitForFunction(() => /загружен/.test(document.querySelector('#nomination-status').textContent));
      await page.evaluate(() => { document.querySelector('#nomination-status').textContent = ''; });
    }
    assert.match(await page.locator('#package').textContent(), /Все обязательные документы на месте/);
    await page.screenshot({ path: path.join(SHOTS, 'talapker-party.png'), fullPage: true });
    const rulesNow = await page.locator('#nomination-rules').textContent();
    if (!/соответствует/.test(rulesNow)) assert.fail(`the list should keep the rules now: ${rulesNow}`);
    await page.click('#submit');
    await page.waitForFunction(() => /не все кандидаты подтвердили согласие/i.test(document.querySelector('#nomination-status').textContent));
  });
});

test('a candidate consents in the cabinet; the others too; the list goes in with a receipt', async () => {
  await withPage({}, async (page) => {
    await signIn(page, WOMEN[0], '/cabinet/');
    await page.locator('#nominations:not([hidden])').waitFor();
    await page.locator('#nominations button', { hasText: 'Согласен' }).click();
    await page.waitForFunction(() => /записано/.test(document.querySelector('#nominations-status').textContent));
  });
  for (const pin of [...MEN, WOMEN[1], ...YOUNG]) {
    const c = await apiSignIn(pin);
    const r = await c.post(`/api/v1/cabinet/nominations/${nomination}/consent`, { consent: true });
    assert.equal(r.status, 200, r.text);
  }
  await withPage({}, async (page) => {
    await signIn(page, REP, `/party/?nomination=${nomination}`);
    await page.locator('#nomination:not([hidden])').waitFor();
    await page.click('#submit');
    await page.locator('#receipt summary').waitFor();
    assert.match(await page.locator('#receipt summary').textContent(), new RegExp(`${E}-L-`));
  });
});

test('the CEC reviews: the checks with their evidence, a deficiency, the correction, the registration', async () => {
  await withPage({}, async (page) => {
    page.on('dialog', (d) => d.accept('нет подписи'));
    await signIn(page, STAFF.cec, '/review/');
    await page.selectOption('#queue-election', String(E));
    // The amounts of the election's funds: the law's until the CEC sets them (shown for this election, not the one before).
    await page.locator(`#limits[data-election="${E}"]`).waitFor();
    assert.match(await page.locator('#limits-state').textContent(), /ещё не устанавливала/);
    await page.fill('#limit-citizen', '250000');
    await page.click('#limits-form button[type=submit]');
    await page.waitForFunction(() => /установлены ЦИК/.test(document.querySelector('#limits-state').textContent));
    assert.equal(await page.inputValue('#limit-citizen'), '250000');
    assert.equal(psqlValue(`SELECT citizen_max FROM fund_limits WHERE election_id = :'e'::integer`, { e: E }), '25000000');
    await page.locator('#queue-table tr', { hasText: 'Браузер' }).locator('button').click();
    await page.locator('#detail:not([hidden])').waitFor();
    assert.match(await page.locator('#checks').textContent(), /X-Road-Id [0-9a-f-]{36}/);
    await page.click('#start');
    await page.locator('#documents button', { hasText: 'Замечание' }).first().waitFor();
    await page.locator('#documents button', { hasText: 'Замечание' }).first().click();
    await page.waitForFunction(() => /Замечание записано/.test(document.querySelector('#detail-status').textContent));
    await page.click('#deficiencies');
    await page.waitForFunction(() => /направлены/.test(document.querySelector('#detail-status').textContent));
  });
  await withPage({}, async (page) => {
    await signIn(page, REP, `/party/?nomination=${nomination}`);
    await page.locator('#nomination:not([hidden])').waitFor();
    assert.match(await page.locator('#package').textContent(), /нет подписи/);
    await page.locator('#package tr:has(.badge--deficient) input[type=file]').first().setInputFiles(path.join(dir, 'doc2.pdf'));
    await page.waitForFunction(() => /загружен/.test(document.querySelector('#nomination-status').textContent));
    await page.click('#resubmit');
    await page.waitForFunction(() => /на проверке/.test(document.querySelector('#nomination-facts').textContent));
  });
  await withPage({}, async (page) => {
    await signIn(page, STAFF.cec, '/review/');
    await page.selectOption('#queue-election', String(E));
    await page.locator('#queue-table tr', { hasText: 'Браузер' }).locator('button').click();
    await page.locator('#detail:not([hidden])').waitFor();
    for (;;) {
      const accept = page.locator('#documents tr:not(:has(.badge--accepted)) button', { hasText: 'Принять' });
      if ((await accept.count()) === 0) break;
      await accept.first().click();
      await page.waitForFunction(() => /принят/.test(document.querySelector('#detail-status').textContent));
      await page.evaluate(() => { document.querySelector('#detail-status').textContent = ''; });
    }
    await page.click('#register');
    await page.waitForFunction(() => /зарегистрировано/i.test(document.querySelector('#detail-status').textContent));
    await page.screenshot({ path: path.join(SHOTS, 'talapker-review.png'), fullPage: true });
  });
});

test('the public sees the party, its candidates and a published fund', async () => {
  // The fund: a CSV from the party's office.
  // Today in Bishkek (UTC+6): after 18:00 UTC the UTC date is the day before the nomination's, outside the campaign.
  const today = new Date(Date.now() + 6 * 3600e3).toISOString().slice(0, 10);
  fs.writeFileSync(path.join(dir, 'fund.csv'), 'direction,category,counterparty,donor_id,amount,date,description\n'
    + `income,own,,,250000,${today},взнос партии\n`
    + `expense,print,Типография,,12000.50,${today},листовки\n`);
  await withPage({}, async (page) => {
    await signIn(page, REP, `/party/?nomination=${nomination}`);
    await page.locator('#csv-form:not([hidden])').waitFor();
    await page.setInputFiles('#csv-file', path.join(dir, 'fund.csv'));
    await page.click('#csv-form button[type=submit]');
    await page.waitForFunction(() => /Добавлено операций: 2/.test(document.querySelector('#nomination-status').textContent));
  });
  // nginx's microcache keeps public answers a second or two (and serves the old one while refreshing):
  // wait until this run's party is what it answers, then open the page.
  const party = Number(psqlValue(`SELECT id FROM parties WHERE registration_number = :'r'`, { r: REG }));
  for (const t0 = Date.now(); Date.now() - t0 < 8000; await new Promise((ok) => setTimeout(ok, 300))) {
    const [p, c, f] = await Promise.all([fetch(`${BASE}/api/v1/elections/${E}/parties`).then((r) => r.json()),
      fetch(`${BASE}/api/v1/elections/${E}/candidates?party=${party}`).then((r) => r.json()),
      fetch(`${BASE}/api/v1/elections/${E}/funds`).then((r) => r.json())]);
    if (p.items.some((x) => x.id === party && x.list?.status === 'registered') && c.total === 7
        && f.items.some((x) => x.nomination_id === nomination && x.lines === 2)) break;
  }
  await withPage({}, async (page) => {
    await page.goto(`${BASE}/candidates/?election=${E}&tab=parties`);
    await ready(page);
    await page.locator('#parties-table tr', { hasText: 'Партия Браузера' }).locator('td', { hasText: 'зарегистрирован' }).waitFor();
    await page.locator('#parties-table button', { hasText: 'Партия Браузера' }).click();
    await page.locator('#candidates-table tbody tr').first().waitFor();
    assert.equal(await page.locator('#candidates-table tbody tr').count(), 7);
    const text = await page.locator('#candidates-table').textContent();
    for (const pin of [...MEN, ...WOMEN, ...YOUNG]) assert.ok(!text.includes(pin), 'no PIN in public');
    await page.locator('#candidates-table tbody tr button').first().click();
    await page.locator('#card:not([hidden]) img.candidate__photo, #card:not([hidden]) a').first().waitFor();
    await page.click('#tab-funds');
    await page.locator('#funds-table button').first().click();
    await page.locator('#fund-body tbody tr').nth(1).waitFor();
    assert.match(await page.locator('#fund-body').textContent(), /Типография/);
    await page.screenshot({ path: path.join(SHOTS, 'talapker-public.png'), fullPage: true });
  });
});
