// Complaints in the browser, end to end: a voter files a complaint with an
// attachment (a receipt with its number); the territorial commission's
// reviewer sets the hearing and forwards it to the district's commission,
// which decides it and uploads the decision's scan; the voter appeals; the
// CEC's reviewer decides the appeal and records a court's ruling; the public
// registry shows it all with its clock, and never the complainant's name.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/complaints.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, SHOTS, useBrowser, withPage as pageWith, ready, signIn } from './lib.mjs';
import { psql, psqlValue, dropElection, TEST_ELECTION_MIN } from '../api/lib.mjs';
import { pickVoters } from '../api/cabinet_lib.mjs';
import { makePdf } from '../api/files_lib.mjs';

const E = TEST_ELECTION_MIN + 850;
const REVIEWERS = { tec101: '11906198300017', district1: '20304197900026', cec: '11111197500039' };
const [VOTER] = pickVoters('browser complaints', 1, { commission: 101 });
const ME = /\/api\/v1\/me$/;
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: ME, status: 401 }] }, fn);
let dir;
let station;
let number; // the complaint's receipt number



const text = (page, sel) => page.locator(sel).textContent();

useBrowser();

before(async () => {
  dropElection(E);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date + 30, 'Жалобы в браузере', 'Браузердеги даттануулар', 'parliamentary', 'scheduled')`, { e: E });
  station = Number(psqlValue(`SELECT min(number) FROM stations WHERE commission_id = 101 AND district_number = 1`));
  // The pages list elections from /api/v1/elections, which nginx's microcache may keep a moment: wait for ours.
  for (const t0 = Date.now(); Date.now() - t0 < 8000; await new Promise((ok) => setTimeout(ok, 300))) {
    const all = await fetch(`${BASE}/api/v1/elections`).then((r) => r.json());
    if ((all.items || []).some((x) => x.id === E)) break;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complaints-'));
  fs.writeFileSync(path.join(dir, 'evidence.pdf'), makePdf(1, 'browser complaint evidence'));
  fs.writeFileSync(path.join(dir, 'decision.pdf'), makePdf(2, 'browser complaint decision'));
});

after(() => {
  dropElection(E);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const complaintId = () => Number(psqlValue(`SELECT id FROM complaints WHERE number = :'n'`, { n: number }));

test('a voter files a complaint with an attachment and gets its number', async () => {
  await withPage({}, async (page) => {
    await signIn(page, VOTER, '/complaints/file/');
    await page.selectOption('#c-election', String(E));
    await page.selectOption('#c-kind', 'voter');
    await page.selectOption('#c-subject', 'station');
    await page.fill('#c-station', String(station));
    await page.fill('#c-happened', '2026-11-20T10:00');
    await page.fill('#c-summary', 'Председатель УИК не допустил наблюдателя к подсчёту голосов');
    await page.setInputFiles('#c-file', path.join(dir, 'evidence.pdf'));
    await page.click('#complaint-form button[type=submit]');
    await page.waitForFunction(() => /Жалоба подана: № Ж-/.test(document.querySelector('#new-status').textContent));
    number = (await text(page, '#new-status')).match(/Ж-\d+-\d+/)[0];
    await page.locator('#detail:not([hidden])').waitFor();
    assert.match(await text(page, '#detail-body'), /ТИК/);
    assert.match(await text(page, '#detail-body'), /Приложение v1/);
    assert.match(await text(page, '#mine-table'), new RegExp(number));
    await page.screenshot({ path: path.join(SHOTS, 'complaints-file.png'), fullPage: true });
  });
});

test('the territorial commission sets the hearing and forwards it to the district\'s commission', async () => {
  await withPage({}, async (page) => {
    await signIn(page, REVIEWERS.tec101, '/complaints/review/');
    await page.locator('#queue-table tr', { hasText: number }).locator('button').click();
    await page.locator('#detail:not([hidden])').waitFor();
    assert.match(await text(page, '#detail-body'), /Приложение v1/, 'the reviewer sees the attachment');
    await page.fill('#hearing-at', new Date(Date.now() + 86400e3 + 6 * 3600e3).toISOString().slice(0, 16));
    await page.fill('#hearing-place', 'ТИК, зал заседаний');
    await page.click('#hearing-form button[type=submit]');
    await page.waitForFunction(() => /Заседание назначено/.test(document.querySelector('#detail-status').textContent));
    await page.selectOption('#forward-to', '3001');
    await page.fill('#forward-reason', 'касается одномандатного округа № 1');
    await page.click('#forward-form button[type=submit]');
    await page.waitForFunction(() => /Жалоба передана/.test(document.querySelector('#detail-status').textContent));
    assert.ok(await page.locator('#acts').isHidden(), 'no longer this commission\'s to act on');
  });
});

test('the district\'s commission decides and uploads the decision\'s scan', async () => {
  await withPage({}, async (page) => {
    await signIn(page, REVIEWERS.district1, '/complaints/review/');
    await page.locator('#queue-table tr', { hasText: number }).locator('button').click();
    await page.locator('#acts:not([hidden])').waitFor();
    await page.selectOption('#decision-outcome', 'rejected');
    await page.fill('#decision-text', 'Наблюдатель был допущен; доводы не подтвердились');
    await page.click('#decision-form button[type=submit]');
    await page.waitForFunction(() => /Решение принято/.test(document.querySelector('#detail-status').textContent));
    assert.match(await text(page, '#detail-body'), /в срок/);
    await page.selectOption('#scan-kind', 'decision');
    await page.setInputFiles('#scan-file', path.join(dir, 'decision.pdf'));
    await page.click('#scan-form button[type=submit]');
    await page.waitForFunction(() => /Документ загружен/.test(document.querySelector('#detail-status').textContent));
    assert.match(await text(page, '#detail-body'), /Решение комиссии v1/);
  });
});

test('the voter appeals; the CEC decides and records a court\'s ruling', async () => {
  await withPage({}, async (page) => {
    await signIn(page, VOTER, '/complaints/file/');
    await page.locator('#mine-table tr', { hasText: number }).locator('button').click();
    await page.locator('#appeal:not([hidden])').waitFor();
    await page.click('#appeal');
    await page.locator('#appeal-note:not([hidden])').waitFor();
    await page.fill('#c-happened', '2026-11-21T12:00');
    await page.fill('#c-summary', 'Не согласен с решением окружной комиссии: свидетели не опрошены');
    await page.click('#complaint-form button[type=submit]');
    await page.waitForFunction(() => /Жалоба подана/.test(document.querySelector('#new-status').textContent));
    // The page opens the appeal: before the CEC, naming the decision it appeals.
    await page.waitForFunction(() => /Центральная комиссия/.test(document.querySelector('#detail-body').textContent));
    assert.match(await text(page, '#detail-body'), /Обжалует решение по жалобе/);
  });
  const appeal = psqlValue(`SELECT number FROM complaints WHERE appeal_of = :'i'::bigint`, { i: complaintId() });
  await withPage({}, async (page) => {
    await signIn(page, REVIEWERS.cec, '/complaints/review/');
    await page.locator('#queue-table tr', { hasText: appeal }).locator('button').click();
    await page.locator('#acts:not([hidden])').waitFor();
    await page.selectOption('#decision-outcome', 'upheld');
    await page.selectOption('#decision-ordered', 'recount');
    await page.fill('#decision-note', `участок № ${station}`);
    await page.fill('#decision-text', 'Пересчитать голоса на участке');
    await page.click('#decision-form button[type=submit]');
    await page.waitForFunction(() => /Решение принято/.test(document.querySelector('#detail-status').textContent));
    await page.fill('#ruling-court', 'Административный суд г. Бишкек');
    await page.selectOption('#ruling-instance', 'first');
    await page.fill('#ruling-date', psqlValue('SELECT current_date::text'));
    await page.selectOption('#ruling-outcome', 'upheld');
    await page.click('#ruling-form button[type=submit]');
    await page.waitForFunction(() => /Решение суда записано/.test(document.querySelector('#detail-status').textContent));
    assert.match(await text(page, '#detail-body'), /Административный суд/);
  });
});

test('the public registry shows it all, with its clock, and never the complainant', async () => {
  const name = psqlValue(`SELECT complainant_name FROM complaints WHERE number = :'n'`, { n: number });
  await withPage({}, async (page) => {
    await page.goto(`${BASE}/complaints/?election=${E}`);
    await ready(page);
    await page.locator('#registry-table tr', { hasText: number }).waitFor();
    assert.match(await text(page, '#dashboard-facts'), /Поступило\s*2/);
    await page.locator('#registry-table tr', { hasText: number }).locator('button').click();
    await page.waitForFunction((n) => document.querySelector('#detail-heading').textContent.includes(n), number);
    const card = await text(page, '#detail');
    assert.match(card, /отказано/);
    assert.match(card, /в срок/);
    assert.match(card, /Решение комиссии v1/);
    assert.match(card, /Обжалования/);
    assert.match(card, /передана/);
    assert.doesNotMatch(card, /Приложение v1/, 'the attachment is not public');
    const all = await page.locator('main').textContent();
    assert.ok(!all.includes(name), 'the complainant is never named');
    assert.ok(!all.includes(VOTER), 'no PIN');
    await page.screenshot({ path: path.join(SHOTS, 'complaints-registry.png'), fullPage: true });
  });
});

test('the results of an election say how many of its complaints are still open', async () => {
  // The demo's 2021 parliamentary election: some of its complaints were never decided (overdue).
  const open = Number(psqlValue(`SELECT count(*) FROM complaints WHERE election_id = 202104 AND status <> 'decided'`));
  assert.ok(open > 0, 'the demo has open complaints in 2021');
  await withPage({}, async (page) => {
    await page.goto(`${BASE}/results/?election=202104`);
    await ready(page);
    await page.locator('#complaints-open:not([hidden])').waitFor();
    const notice = await text(page, '#complaints-open');
    assert.match(notice, new RegExp(`на рассмотрении: ${open} \\(срок истёк: ${open}\\)`));
    assert.equal(await page.getAttribute('#complaints-open a', 'href'), '/complaints/?election=202104');
  });
});
