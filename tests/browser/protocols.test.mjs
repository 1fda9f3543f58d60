// The manual count in the browser, end to end: the territorial commission
// makes a secretary; the secretary enters the station's protocol (the
// control relations checked as typed and refused when broken), corrects it
// (refused without a reason, then a new version) and uploads its scan; the
// station's ASU reports other figures; the public station page shows both
// counts with the differing lines marked, every version with what it
// changed, the scan, and the national list of discrepancies names it.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/protocols.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, useBrowser, withPage as pageWith, ready, signIn } from './lib.mjs';
import { psql, psqlValue, TEST_ELECTION_MIN } from '../api/lib.mjs';
import { pickVoters } from '../api/cabinet_lib.mjs';
import { makePdf } from '../api/files_lib.mjs';
import { setupElection, dropElection, ballot, registerDevice, signAs, postReport, finalPayload, fresh } from '../api/asu_lib.mjs';

const E = TEST_ELECTION_MIN + 910;
const TEC101 = '20101195000044';
const [SECRETARY] = pickVoters('browser protocols', 1, { commission: 101 });
const ME = /\/api\/v1\/me$/;
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: ME, status: 401 }, { url: /\/api\/v1\/protocols\//, status: 422 }] }, fn);
let dir, S, b, voters;



const text = (page, sel) => page.locator(sel).textContent();

/* The figures of a contest: 100 ballots issued, 4 invalid, the rest to the first two entries and against all. */
function lines(n, votesFirst) {
  const votes = Array(n).fill(0);
  votes[0] = votesFirst;
  votes[1] = 80 - votesFirst;
  return { voters, received: voters, issued: 100, cancelled: voters - 100, in_boxes: 100, invalid: 4, valid: 96, against_all: 16, votes };
}

async function fillContest(page, i, f) {
  for (const k of ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all']) await page.fill(`#c${i}-${k}`, String(f[k]));
  for (let k = 0; k < f.votes.length; k++) await page.fill(`#c${i}-v${k}`, String(f.votes[k]));
}

useBrowser();

before(async () => {
  setupElection(E);
  b = ballot(E);
  S = Number(psqlValue(`SELECT min(number) FROM stations WHERE commission_id = 101 AND NOT abroad`));
  voters = Number(psqlValue(`SELECT voters FROM stations WHERE number = :'s'::integer`, { s: S }));
  assert.ok(voters > 100, 'a station with more than 100 voters');
  psql(`DELETE FROM staff_roles WHERE role = 'station_secretary' AND pin = :'p'`, { p: SECRETARY });
  for (const t0 = Date.now(); Date.now() - t0 < 8000; await new Promise((ok) => setTimeout(ok, 300))) {
    const all = await fetch(`${BASE}/api/v1/elections`).then((r) => r.json());
    if ((all.items || []).some((x) => x.id === E)) break;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocols-'));
  fs.writeFileSync(path.join(dir, 'protocol.pdf'), makePdf(2, 'browser manual count protocol'));
});

after(() => {
  psql(`DELETE FROM staff_roles WHERE role = 'station_secretary' AND pin = :'p'`, { p: SECRETARY });
  dropElection(E);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the territorial commission makes a secretary of its station', async () => {
  await withPage({}, async (page) => {
    await signIn(page, TEC101, '/protocols/');
    await page.locator('#secretaries:not([hidden])').waitFor();
    await page.fill('#grant-station', String(S));
    await page.fill('#grant-pin', SECRETARY);
    await page.click('#grant-form button[type=submit]');
    await page.locator(`#secretary-list li[data-pin="${SECRETARY}"]`).waitFor();
    assert.match(await text(page, '#grant-status'), /Назначен/);
  });
});

test('the secretary enters the protocol: a broken relation is shown and refused, then version 1', async () => {
  await withPage({}, async (page) => {
    await signIn(page, SECRETARY, '/protocols/');
    assert.equal(await page.inputValue('#station'), String(S), 'the secretary\'s own station');
    assert.equal(await page.locator('#secretaries').isHidden(), true, 'a secretary grants nobody');
    await page.selectOption('#election', String(E));
    await page.click('#choose-form button[type=submit]');
    await page.locator(`#protocol[data-election="${E}"]:not([hidden])`).waitFor();
    assert.match(await text(page, '#protocol-state'), /версия 1/);
    const list = lines(b.list.entries, 50);
    await fillContest(page, 0, { ...list, valid: 95 }); // valid is not the sum of the votes
    await fillContest(page, 1, lines(b.districts[Number(psqlValue(`SELECT district_number FROM stations WHERE number = :'s'::integer`, { s: S }))].entries, 40));
    assert.ok(await page.locator('#checks .check--bad').count() >= 1, 'the broken relation is shown as typed');
    await page.click('#submit');
    assert.match(await text(page, '#protocol-status'), /Контрольные соотношения не выполняются/);
    assert.equal(psqlValue(`SELECT count(*) FROM protocol_versions WHERE election_id = :'e'::integer`, { e: E }), '0');
    await page.fill('#c0-valid', '96');
    assert.equal(await page.locator('#checks .check--bad').count(), 0, await text(page, '#checks'));
    await page.click('#submit');
    await page.waitForFunction(() => /Версия 1 внесена/.test(document.querySelector('#protocol-status').textContent));
    assert.match(await text(page, '#protocol-state'), /Действует версия 1/);
  });
});

test('a correction is refused without a reason, then entered as version 2; the scan is uploaded', async () => {
  await withPage({}, async (page) => {
    await signIn(page, SECRETARY, '/protocols/');
    await page.selectOption('#election', String(E));
    await page.click('#choose-form button[type=submit]');
    await page.locator(`#protocol[data-election="${E}"] #correction:not([hidden])`).waitFor();
    assert.equal(await page.inputValue('#c0-v0'), '50', 'the form starts from the version in force');
    await page.fill('#c0-v0', '52');
    await page.fill('#c0-v1', '28');
    await page.click('#submit');
    await page.waitForFunction(() => /нужна причина/.test(document.querySelector('#protocol-status').textContent));
    await page.fill('#reason', 'Пересчёт: два бюллетеня отнесены не к той партии');
    await page.click('#submit');
    await page.waitForFunction(() => /Версия 2 внесена/.test(document.querySelector('#protocol-status').textContent));
    await page.selectOption('#scan-kind', 'manual_count_protocol');
    await page.setInputFiles('#scan-file', path.join(dir, 'protocol.pdf'));
    await page.click('#scan-form button[type=submit]');
    await page.locator('#scan-list li[data-kind="manual_count_protocol"]').waitFor();
  });
  assert.deepEqual(psql(`SELECT version, reason IS NOT NULL FROM protocol_versions WHERE election_id = :'e'::integer ORDER BY version`, { e: E }),
    [['1', 'f'], ['2', 't']]);
});

test('the public station page shows both counts, the differing lines, the versions and the scan; the national list names it', async () => {
  // The ASU counted the first version's figures.
  const dev = await registerDevice(E, S);
  const district = Number(psqlValue(`SELECT district_number FROM stations WHERE number = :'s'::integer`, { s: S }));
  const list = { kind: 'list', ...lines(b.list.entries, 50), preferences: b.list.shape.map((n) => Array(n).fill(0)) };
  const dist = { kind: 'district', district, ...lines(b.districts[district].entries, 40) };
  const r = await postReport(signAs(dev, finalPayload(dev, 1, [list, dist])));
  assert.equal(r.status, 201, r.text);
  await withPage({}, async (page) => {
    await page.goto(`${BASE}/results/?election=${E}&station=${S}`);
    await ready(page);
    await page.locator('#versions li[data-version="2"]').waitFor();
    const row = page.locator('#protocol-list tr[data-position="1"]');
    assert.match(await row.textContent(), /50/);
    assert.match(await row.locator('.votes--official').textContent(), /52/);
    assert.equal(await row.locator('.differs').count(), 1, 'the differing line is marked');
    assert.equal(await page.locator('#protocol-list tr[data-line="voters"] .differs').count(), 0);
    assert.match(await text(page, '#versions li[data-version="2"]'), /Пересчёт: два бюллетеня/);
    assert.equal(await page.locator('#versions li[data-version="2"] .version__changes li').count(), 2);
    assert.equal(await page.locator('#documents li[data-kind="manual_count_protocol"] a').count(), 1);
    assert.ok(await page.locator('#flags tbody tr').count() >= 2);
    // The national list is published with the exports (every PUBLISH_EXPORT_MS): wait until it names the station.
    await fresh(`/api/v1/results/elections/${E}/discrepancies`, (x) => (x.json?.items || []).some((i) => i.station === S),
      { timeoutMs: 25000 });
    await page.click('#flags a[href*="discrepancies=1"]');
    await page.locator('#discrepancies').waitFor();
    assert.ok(await page.locator(`#discrepancies tr[data-station="${S}"]`).count() >= 2, 'the national list names the station');
    assert.match(await text(page, '#discrepancies-count'), /на 1 участках/);
  });
});
