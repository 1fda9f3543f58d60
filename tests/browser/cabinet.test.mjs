// Browser tests of the signed-in pages: the voter's cabinet, the biometric
// identification operator's desk and the TEC administrator's desk, driven
// through the real pages by Debian's Chromium (playwright-core) against a
// running Shailoo (nginx + app + database + the ESIA and Tunduk stand-ins).
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/cabinet.test.mjs
// The whole story: a voter applies to move from station 1001 to 1002, the
// operator of commission 101 records the biometric identification and sends
// the register, the TEC administrator approves, and the voter (and Tizme)
// then see station 1002. The story changes the database: before and after,
// the voter's pending applications are closed and the voter is put back at
// station 1001 with psql (SHAILOO_VAR/run is the PostgreSQL socket directory).
// Every page fails the test on an uncaught error or a console error, except
// map tiles (no internet here) and the HTTP errors a test expects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BASE, SHOTS, useBrowser, api, withPage as pageWith, noSideScroll, ready as readyPage, signIn as signInAs } from './lib.mjs';

const VAR = path.resolve(process.env.SHAILOO_VAR || 'var');
const ME = /\/api\/v1\/me$/;
// "Am I signed in?" answers 401 before signing in.
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: ME, status: 401 }] }, fn);

const VOTER = '21505199000011'; // Асанов Бакыт Жумабекович, station 1001, commission 101
const OPERATOR = '10803198500022'; // Иванова Елена Петровна, operator of commission 101
const TEC_ADMIN = '20101195000044'; // Сыдыков Эрмек Токтосунович, TEC admin of commission 101
const FROM = 1001;
const TO = 1002;
// A working device of commission 101 (sql/demo/biometric_devices.sql); UNREGISTERED is none.
const DEVICE = '00010100000000000001';
const UNREGISTERED = '12345678901234567890';


// ---- the database, put in a known state ----

function psql(sql) {
  return execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-h', path.join(VAR, 'run'), '-U', 'shailoo', '-d', 'shailoo', '-c', sql], {
    encoding: 'utf8',
  }).trim();
}

/* No pending application of the voter, the voter at station 1001, no applications counted. */
function resetVoter() {
  psql(
    `UPDATE applications SET status = 'rejected', decision_reason = 'closed by the browser test', updated_at = now()
      WHERE pin = '${VOTER}' AND status IN ('awaiting_identification', 'identified', 'in_register')`,
  );
  psql(`UPDATE voters SET station_number = ${FROM}, updated_at = now() WHERE pin = '${VOTER}' AND station_number <> ${FROM}`);
  psql(`DELETE FROM person_rate_limits WHERE pin = '${VOTER}'`);   // the application limit: a demo person, runs add up
  assert.equal(psql(`SELECT station_number FROM voters WHERE pin = '${VOTER}'`), String(FROM));
}

/* Registers take every identified application of the commission: before
 * identifying ours, wait until no other test (tests/api run alongside) has an
 * identified application of commission 101 waiting to be sent, so that
 * neither register carries the other's away (as tests/api/cabinet_lib.mjs). */
async function quietCommission(timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const n = Number(psql(`SELECT count(*) FROM applications WHERE commission_id = 101 AND status = 'identified' AND pin <> '${VOTER}'`));
    if (n === 0 || Date.now() - t0 > timeoutMs) return n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

useBrowser();
before(() => {
  assert.ok(fs.existsSync(path.join(VAR, 'run')), `no database socket directory ${path.join(VAR, 'run')}: set SHAILOO_VAR`);
  resetVoter();
});

after(() => resetVoter());



// The cabinet's pages load their data under a busy status line: wait for it too.
const ready = (page) => readyPage(page, { busy: true });
const signIn = (page, pin, next) => signInAs(page, pin, next, { busy: true });

async function signOut(page) {
  await page.click('#signout');
  await page.locator('#signin').waitFor();
  assert.ok(await page.isHidden('#content'));
  assert.ok(await page.isHidden('#userbar'));
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401, 'the session is gone');
}


async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// ---- tests ----

test('not signed in: each page invites to sign in; a voter is refused the staff pages', async () => {
  await withPage({ allow: [{ url: /\/api\/v1\/(biometrics|tec)\//, status: 403 }] }, async (page) => {
    for (const [p, next] of [
      ['/cabinet/', '/cabinet/'],
      ['/operator/', '/operator/'],
      ['/tec/', '/tec/'],
    ]) {
      await page.goto(BASE + p);
      await ready(page);
      await page.locator('#signin').waitFor();
      assert.ok(await page.isHidden('#content'), `${p}: no content before signing in`);
      assert.equal(await page.getAttribute('#signin-link', 'href'), `/auth/esia/login?next=${next}`);
      assert.match(await page.textContent('#signin-link'), /Войти через ЕСИА/);
      await shot(page, `${p.replace(/\//g, '')}-signin-desktop`);
    }
    await signIn(page, VOTER, '/cabinet/');
    assert.match(await page.textContent('#userbar-name'), /Асанов Бакыт Жумабекович/);
    // the staff pages say the role is missing
    for (const p of ['/operator/', '/tec/']) {
      await page.goto(BASE + p);
      await ready(page);
      await page.locator('#norole').waitFor();
      assert.ok(await page.isHidden('#content'));
      assert.ok(await page.isHidden('#signin'));
      assert.match(await page.textContent('#norole'), /Нет доступа/);
      await shot(page, `${p.replace(/\//g, '')}-norole-desktop`);
    }
    // and their links are not offered to a voter
    assert.ok(await page.locator('.site-nav a[data-role="operator"]').isHidden());
  });
});

test('the form explains refusals by code, and the registry outage is told plainly', async () => {
  const refusals = [
    { code: 'deadline_passed', field: 'election_id', text: /Срок подачи заявлений по этим выборам истёк/ },
    { code: 'applications_not_yet_open', field: 'election_id', text: /ещё не начался/ },
    { code: 'same_station', field: 'station_number', text: /уже в списке этого участка/, fieldBox: '#apply-station-error' },
    { code: 'wrong_station_kind', field: 'station_number', text: /Участок не подходит/, fieldBox: '#apply-station-error' },
    { code: 'application_pending', text: /уже есть заявление/ },
    { code: 'not_on_list', text: /нет в списке избирателей/ },
  ];
  const APPS = /\/api\/v1\/cabinet\/applications$/;
  await withPage({ allow: [{ url: APPS, status: 422 }] }, async (page) => {
    await signIn(page, VOTER, '/cabinet/');
    await page.locator('#my-station').waitFor();
    // nothing leaves the browser without a station for a move
    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && APPS.test(r.url())) posts.push(r.postDataJSON());
    });
    await page.locator('#apply-election option:checked').waitFor({ state: 'attached' });
    assert.notEqual(await page.inputValue('#apply-election'), '', 'the open election is chosen');
    await page.click('#apply-submit');
    await page.locator('#apply-station-error').waitFor();
    assert.match(await page.textContent('#apply-station-error'), /Выберите новый участок/);
    assert.equal(posts.length, 0);
    // choose 1002, then let the "server" refuse with each code
    // from the keyboard: Enter in the search box searches (it does not send),
    // Tab reaches the results, Enter chooses, the focus moves to "choose another"
    await page.fill('#apply-station-q', String(TO));
    await page.press('#apply-station-q', 'Enter');
    await page.locator(`#apply-station-list .station-item[data-number="${TO}"]`).waitFor();
    assert.equal(posts.length, 0, 'Enter in the search box sends nothing');
    await page.keyboard.press('Tab'); // the Find button
    await page.keyboard.press('Tab'); // the first result
    assert.equal(await page.evaluate(() => document.activeElement.dataset.number), String(TO));
    await page.keyboard.press('Enter');
    await page.locator('#apply-chosen').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'apply-station-change');
    for (const r of refusals) {
      await page.unroute(APPS).catch(() => {});
      await page.route(APPS, (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: r.code, message: 'refused', field: r.field } }) })
          : route.continue(),
      );
      await page.click('#apply-submit');
      await page.waitForFunction((code) => document.querySelector('#apply-error') && document.querySelector('#apply-error').dataset.code === code, r.code);
      assert.match(await page.textContent('#apply-error'), r.text, r.code);
      if (r.fieldBox) assert.match(await page.textContent(r.fieldBox), r.text, `${r.code} next to its field`);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'apply-result', 'the refusal takes the focus');
    }
    assert.equal(posts.length, refusals.length);
    assert.deepEqual(Object.keys(posts[0]).sort(), ['election_id', 'kind', 'station_number']);
    assert.equal(posts[0].station_number, TO);
    await page.unroute(APPS);
  });
  // Tunduk down: the profile says so, the rest is there
  await withPage({}, async (page) => {
    await page.route(/\/api\/v1\/cabinet$/, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.profile = { name: body.profile.name, registry_status: 'unavailable', registry: null };
      await route.fulfill({ response: res, json: body });
    });
    await signIn(page, VOTER, '/cabinet/');
    await page.locator('#registry-unavailable').waitFor();
    assert.match(await page.textContent('#registry-unavailable'), /Тундук.*недоступен/s);
    await page.locator('#my-station').waitFor();
    assert.equal((await page.textContent('#my-station .station-number')).trim(), String(FROM));
    assert.ok(await page.isEnabled('#apply-submit'));
  });
  // A kept registry answer 7 minutes old: its age is shown under the profile
  await withPage({}, async (page) => {
    await page.route(/\/api\/v1\/cabinet$/, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.profile.registry_age_s = 420;
      body.profile.registry_checked_at = new Date(Date.now() - 420000).toISOString();
      await route.fulfill({ response: res, json: body });
    });
    await signIn(page, VOTER, '/cabinet/');
    await page.locator('#registry-age').waitFor();
    assert.match(await page.textContent('#registry-age'), /получены из реестра 7 мин назад/);
  });
});

test('the whole story: apply, identify, register, approve; the voter is moved', async () => {
  const cabinet = await (async () => {
    // the id of the scheduled election, from the cabinet itself
    let data = null;
    await withPage({}, async (page) => {
      await signIn(page, VOTER, '/cabinet/');
      data = await page.evaluate(async () => (await fetch('/api/v1/cabinet')).json());
    });
    return data;
  })();
  const election = cabinet.elections.find((e) => e.status === 'scheduled' && e.applications_open);
  assert.ok(election, `an open scheduled election in ${JSON.stringify(cabinet.elections)}`);
  let appId = null;
  let registerId = null;
  try {
    // 1. the voter applies to move to 1002
    await withPage({}, async (page) => {
      await page.goto(`${BASE}/cabinet/`);
      await ready(page);
      await page.locator('#signin').waitFor();
      await signIn(page, VOTER, '/cabinet/');
      assert.match(await page.textContent('#userbar-name'), /Асанов Бакыт Жумабекович/);
      await page.locator('#profile-body .profile-name').waitFor();
      assert.match(await page.textContent('#profile-body'), /Асанов Бакыт Жумабекович/);
      assert.match(await page.textContent('#registry-age'), /получены из реестра (только что|\d+ мин назад)/);
      assert.equal((await page.textContent('#my-station .station-number')).trim(), String(FROM));
      await page.locator('#station-map .leaflet-marker-icon').waitFor();
      assert.match(await page.textContent('#elections-body'), new RegExp(election.application_deadline.split('-').reverse().join('\\.')));
      await page.locator('#memo').waitFor();
      assert.match(await page.textContent('#memo'), /70 дней/);

      await page.selectOption('#apply-election', String(election.id));
      await page.check('#apply-kind input[value="move_home"]');
      await page.fill('#apply-station-q', String(TO));
      await page.click('#apply-station-find');
      await page.click(`#apply-station-list .station-item[data-number="${TO}"]`);
      await page.locator('#apply-chosen').waitFor();
      await page.fill('#apply-reason', 'Переехал на ул. Шопокова (браузерный тест)');
      await noSideScroll(page, 'cabinet form');
      await shot(page, 'cabinet-form-desktop');
      const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/cabinet\/applications$/.test(r.url()));
      await page.click('#apply-submit');
      const res = await answer;
      const body = await res.json();
      assert.equal(res.status(), 201, JSON.stringify(body));
      appId = body.application.id;
      assert.deepEqual(res.request().postDataJSON(), { election_id: election.id, kind: 'move_home', station_number: TO, reason: 'Переехал на ул. Шопокова (браузерный тест)' });
      await page.locator('#apply-ok').waitFor();
      assert.match(await page.textContent('#apply-ok'), new RegExp(`№ ${appId}`));
      const card = page.locator(`#app-${appId}`);
      await card.waitFor();
      assert.equal(await card.getAttribute('data-status'), 'awaiting_identification');
      assert.match(await card.locator('.app__title').textContent(), /ожидает идентификации/);
      assert.match(await card.locator('.timeline').textContent(), /подано онлайн/);
      // one pending application at a time: the form says so
      await page.locator('#apply-blocked').waitFor();
      assert.match(await page.textContent('#apply-blocked'), new RegExp(`№ ${appId} ещё рассматривается`));
      assert.ok(await page.isHidden('#apply-form'));
      await shot(page, 'cabinet-applied-desktop');
      await signOut(page);
    });

    // 2. the operator finds it by PIN, records the identification, sends the register
    await withPage({ allow: [{ url: /\/api\/v1\/biometrics\/registers$/, status: 422 },
      { url: /\/api\/v1\/biometrics\/identifications$/, status: 422 }] }, async (page) => {
      await page.goto(`${BASE}/operator/`);
      await ready(page);
      await page.locator('#signin').waitFor();
      await signIn(page, OPERATOR, '/operator/');
      assert.match(await page.textContent('#userbar'), /Иванова Елена Петровна/);
      assert.match(await page.textContent('#userbar-scope'), /101/);
      await page.fill('#find-q', VOTER);
      await page.click('#find-form button[type=submit]');
      const card = page.locator(`#app-${appId}`);
      await card.waitFor();
      assert.match(await card.textContent(), /Асанов Бакыт Жумабекович/);
      // a short device id is explained, not sent
      await card.locator('input[name="device_id"]').fill('123');
      await card.locator('input[name="matched"][value="yes"]').check();
      await card.locator('button[type=submit]').click();
      await card.locator(`#device-${appId}-error`).waitFor();
      assert.match(await card.locator(`#device-${appId}-error`).textContent(), /ровно 20 цифр/);
      // a device not registered to the commission: refused (422), said under the field
      await card.locator('input[name="device_id"]').fill(UNREGISTERED);
      const refused = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/biometrics\/identifications$/.test(r.url()));
      await card.locator('button[type=submit]').click();
      assert.equal((await refused).status(), 422);
      await page.waitForFunction((id) => /не зарегистрировано/.test(document.getElementById(`device-${id}-error`).textContent), appId);
      assert.equal(await card.locator('input[name="device_id"]').getAttribute('aria-invalid'), 'true');
      await card.locator('input[name="device_id"]').fill(DEVICE);
      await quietCommission();
      const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/biometrics\/identifications$/.test(r.url()));
      await card.locator('button[type=submit]').click();
      const res = await answer;
      assert.equal(res.status(), 201, await res.text());
      assert.deepEqual(res.request().postDataJSON(), { application_id: appId, device_id: DEVICE, matched: true });
      await page.waitForFunction((id) => document.getElementById(`app-${id}`).dataset.status === 'identified', appId);
      assert.match(await page.locator(`#app-${appId} .ident-note`).textContent(), /записана/);
      // the day's register shows the identification
      const row = page.locator('#register-table tbody tr', { has: page.locator(`.reg-app[data-app="${appId}"]`) });
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(DEVICE));
      await shot(page, 'operator-identified-desktop');
      // form and send the summary register
      const sent = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/biometrics\/registers$/.test(r.url()));
      await page.click('#send-register');
      const sres = await sent;
      const sbody = await sres.json();
      assert.equal(sres.status(), 201, JSON.stringify(sbody));
      await page.locator('#send-ok').waitFor();
      assert.match(await page.textContent('#send-ok'), new RegExp(`№ ${sbody.register.id}`));
      // the register that carries ours (another test's register could have, in a race)
      registerId = Number(psql(`SELECT register_id FROM identifications WHERE application_id = ${appId} AND matched`));
      assert.ok(registerId > 0, 'the application went in a register');
      if (registerId === sbody.register.id) assert.ok(sbody.register.applications.includes(appId));
      await page.waitForFunction((id) => /в ТИК/.test(document.querySelector(`#register-table .reg-app[data-app="${id}"]`).closest('tr').textContent), appId);
      // nothing left to send: said plainly (the answer is played, so as not to take another test's applications)
      await page.route(/\/api\/v1\/biometrics\/registers$/, (route) =>
        route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: 'nothing_to_send', message: 'nothing' } }) }),
      );
      await page.click('#send-register');
      await page.locator('#send-nothing').waitFor();
      assert.match(await page.textContent('#send-nothing'), /Отправлять нечего/);
      await noSideScroll(page, 'operator');
      await shot(page, 'operator-sent-desktop');
      await signOut(page);
    });

    // 3. the TEC administrator opens the register and approves
    await withPage({}, async (page) => {
      await signIn(page, TEC_ADMIN, '/tec/');
      assert.match(await page.textContent('#userbar'), /Сыдыков Эрмек Токтосунович/);
      const open = page.locator(`#registers-table button[data-register="${registerId}"]`);
      await open.waitFor();
      await open.click();
      const card = page.locator(`#register-apps #app-${appId}`);
      await card.waitFor();
      assert.equal(await card.getAttribute('data-status'), 'in_register');
      assert.match(await card.textContent(), new RegExp(DEVICE));
      // rejecting needs a reason: said, not sent
      await card.locator('button[data-action="reject"]').click();
      await card.locator(`#reason-${appId}-error`).waitFor();
      assert.match(await card.locator(`#reason-${appId}-error`).textContent(), /Укажите причину/);
      await shot(page, 'tec-register-desktop');
      const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/decision$/.test(r.url()));
      await card.locator('button[data-action="approve"]').click();
      const res = await answer;
      assert.equal(res.status(), 200, await res.text());
      assert.deepEqual(res.request().postDataJSON(), { approve: true });
      await page.waitForFunction((id) => document.getElementById(`app-${id}`).dataset.status === 'approved', appId);
      assert.match(await page.locator(`#app-${appId} .decision-note`).textContent(), /одобрено/);
      await noSideScroll(page, 'tec');
      await shot(page, 'tec-approved-desktop');
      await signOut(page);
    });

    // 4. the voter sees the decision, the new station and the move
    await withPage({}, async (page) => {
      await signIn(page, VOTER, '/cabinet/');
      const card = page.locator(`#app-${appId}`);
      await card.waitFor();
      assert.equal(await card.getAttribute('data-status'), 'approved');
      assert.match(await card.locator('.app__title').textContent(), /одобрено/);
      const history = await card.locator('.timeline').textContent();
      for (const step of [/подано онлайн/, /личность подтверждена/, new RegExp(`реестре № ${registerId}`), /администратор ТИК/]) assert.match(history, step);
      assert.equal((await page.textContent('#my-station .station-number')).trim(), String(TO));
      const move = page.locator('#moves-body tbody tr', { hasText: `№ ${appId}` });
      await move.waitFor();
      assert.match(await move.textContent(), new RegExp(`${FROM}.*${TO}`, 's'));
      await noSideScroll(page, 'cabinet');
      await shot(page, 'cabinet-approved-desktop');
    });
    const tizme = await api(`/api/v1/tizme/voters/${VOTER}`);
    assert.equal(tizme.voter.station.number, TO, 'Tizme shows the new station');
  } finally {
    // back to station 1001 at once: other tests look this voter up
    resetVoter();
  }
});

test('the pages fit a 360 px phone screen (screenshots), in Kyrgyz too', async () => {
  for (const [pin, p, name] of [
    [VOTER, '/cabinet/', 'cabinet'],
    [OPERATOR, '/operator/', 'operator'],
    [TEC_ADMIN, '/tec/', 'tec'],
  ]) {
    await withPage({ width: 360, height: 740 }, async (page) => {
      await signIn(page, pin, p);
      if (name === 'cabinet') await page.locator('#my-station').waitFor();
      if (name === 'operator') {
        await page.fill('#find-q', VOTER);
        await page.click('#find-form button[type=submit]');
        await page.waitForFunction(() => !document.querySelector('#find-status.status--busy') && document.getElementById('find-status').textContent);
        await page.waitForFunction(() => !document.querySelector('#register-status.status--busy'));
      }
      if (name === 'tec') {
        const open = page.locator('#registers-table button[data-register]').first();
        await open.waitFor();
        await open.click();
        await page.locator('#register-apps .app').first().waitFor();
      }
      await noSideScroll(page, `${name} phone`);
      await shot(page, `${name}-phone`);
      await page.click('button[data-lang="ky"]');
      await page.waitForFunction(() => document.documentElement.lang === 'ky');
      assert.equal((await page.textContent('#signout')).trim(), 'Чыгуу');
      await noSideScroll(page, `${name} phone ky`);
      await shot(page, `${name}-phone-ky`);
    });
  }
});
