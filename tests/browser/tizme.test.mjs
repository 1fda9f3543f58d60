// Browser tests of the Tizme pages: Debian's Chromium driven by playwright-core
// against a running Shailoo (nginx + app + database).
//   SHAILOO_URL=http://127.0.0.1:8080 node --test tests/browser/
// Every test fails on an uncaught page error or a console error, except the
// failed loads of map tiles (there is no internet here) and the HTTP errors a
// test provokes on purpose. Requests that leave this machine are aborted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, SHOTS, sleep, digits, useBrowser, api, withPage as pageWith } from './lib.mjs';

const LOOKUP = /\/api\/v1\/tizme\/voters\/[^/]*$/;
// A 429 of the PIN lookup is waited out by checkPin.
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: LOOKUP, status: 429 }] }, fn);

const PIN_ON_LIST = '21505199000011'; // station 1001, Bishkek
const PIN_NOT_ON_LIST = '21505199000012';
const PIN_REMOVED = '20202196000055';


useBrowser();





async function openTizme(page, hash = '') {
  await page.goto(`${BASE}/tizme/${hash}`);
  // the translations are applied once this class is gone
  await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
}

/* Types pin and submits. For a well-formed PIN, returns the API's answer;
 * a 429 (other test files may run alongside and reach the per-address
 * lookup limit) is waited out and the form submitted again. */
async function checkPin(page, pin, { retry = true } = {}) {
  await page.fill('#pin', pin);
  if (!/^\d{14}$/.test(pin) || !retry) {
    await page.click('#check-form button[type=submit]');
    return null;
  }
  for (let i = 1; ; i += 1) {
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tizme/voters/${pin}`));
    await page.click('#check-form button[type=submit]');
    const res = await answer;
    if (res.status() !== 429 || i >= 5) return res;
    await sleep(1000 * Math.max(1, Number(res.headers()['retry-after']) || 1));
  }
}

test('a voter on the list sees the station, its address and a map marker', async () => {
  const expected = (await api(`/api/v1/tizme/voters/${PIN_ON_LIST}`)).voter;
  assert.equal(expected.station.number, 1001);
  await withPage({}, async (page) => {
    await openTizme(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    assert.equal(await page.getAttribute('#pin', 'inputmode'), 'numeric');
    await checkPin(page, PIN_ON_LIST);
    const card = page.locator('#check-voter');
    await card.waitFor();
    assert.equal((await card.locator('.station-number').textContent()).trim(), '1001');
    assert.equal((await card.locator('.station-address').textContent()).trim(), expected.station.address);
    assert.equal((await card.locator('.initials').textContent()).trim(), expected.initials);
    assert.match(await card.locator('.card__title').textContent(), /включены в список/);
    assert.equal(digits(await card.locator('.station-voters').textContent()), String(expected.station.voters));
    // the map: a container with exactly one marker, labelled with the station number
    const marker = page.locator('#check-map .leaflet-marker-icon');
    await marker.waitFor();
    assert.equal(await marker.count(), 1);
    assert.equal((await marker.textContent()).trim(), '1001');
    // no tile server configured: the regions' shapes are the background, with their attribution, and nothing is "offline"
    await page.locator('#check-map .leaflet-control-attribution a[href="/vendor/geodata/LICENSE"]').waitFor();
    assert.equal(await page.locator('#check-map .leaflet-tile').count(), 0);
    assert.equal(await page.locator('#check-map .map-note:visible').count(), 0);
    // the result is announced
    assert.equal(await page.getAttribute('#check-result', 'aria-live'), 'polite');
  });
});

test('a malformed PIN is explained before any request is sent', async () => {
  await withPage({}, async (page) => {
    await openTizme(page);
    const lookups = [];
    page.on('request', (r) => {
      if (LOOKUP.test(r.url())) lookups.push(r.url());
    });
    await checkPin(page, '2150519900001');
    const error = page.locator('#pin-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /ровно 14 цифр.*13/);
    assert.equal(await page.getAttribute('#pin', 'aria-invalid'), 'true');
    await checkPin(page, '2150519900001a');
    assert.match(await error.textContent(), /только из цифр/);
    await checkPin(page, '');
    assert.match(await error.textContent(), /Введите ПИН/);
    assert.deepEqual(lookups, []);
    assert.equal(await page.locator('#check-voter').count(), 0);
    // typing again clears the complaint
    await page.fill('#pin', '2');
    await error.waitFor({ state: 'hidden' });
    assert.equal(await page.getAttribute('#pin', 'aria-invalid'), 'false');
  });
});

test('a PIN that is not on the list, or was removed, gets the not-on-list message', async () => {
  await withPage({ allow: [{ url: LOOKUP, status: 404 }] }, async (page) => {
    await openTizme(page);
    for (const pin of [PIN_NOT_ON_LIST, PIN_REMOVED]) {
      await page.evaluate(() => document.getElementById('check-result').replaceChildren());
      const answer = await checkPin(page, pin);
      assert.equal(answer.status(), 404, `the API should not know ${pin}`);
      const notice = page.locator('#check-not-on-list');
      await notice.waitFor();
      assert.match(await notice.textContent(), /Вас нет в списке избирателей/);
      assert.equal(await page.locator('#check-voter').count(), 0);
    }
  });
});

test('server refusals, rate limits, outages and lost connections are told apart', async () => {
  const cases = [
    { status: 400, body: { error: { code: 'invalid_pin', message: 'a PIN is exactly 14 digits', field: 'pin' } }, where: '#pin-error', text: /Сервер не принял ПИН/ },
    { status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'too_many_requests', message: 'slow down' } }, where: '#check-status', text: /Слишком много запросов.*7/ },
    { status: 503, body: { error: { code: 'unavailable', message: 'down' } }, where: '#check-status', text: /временно недоступен.*503/ },
    { status: 502, raw: '<html>Bad Gateway</html>', where: '#check-status', text: /временно недоступен.*502/ },
    { status: 0, where: '#check-status', text: /Нет связи с сервером/ },
  ];
  const allow = [400, 429, 503, 502, 0].map((status) => ({ url: LOOKUP, status }));
  await withPage({ allow }, async (page) => {
    await openTizme(page);
    for (const c of cases) {
      await page.unroute(LOOKUP).catch(() => {});
      await page.route(LOOKUP, (route) =>
        c.status === 0
          ? route.abort('connectionrefused')
          : route.fulfill({
              status: c.status,
              headers: c.headers,
              contentType: c.raw ? 'text/html' : 'application/json',
              body: c.raw || JSON.stringify(c.body),
            }),
      );
      await checkPin(page, PIN_ON_LIST, { retry: false });
      const where = page.locator(c.where);
      await page.waitForFunction(
        ([sel, re]) => new RegExp(re).test(document.querySelector(sel).textContent),
        [c.where, c.text.source],
      );
      assert.ok(await where.isVisible(), `${c.status}: ${c.where} visible`);
      assert.equal(await page.locator('#check-voter').count(), 0, `${c.status}: no result card`);
    }
  });
});

test('switching to Kyrgyz translates the page, sets <html lang> and is remembered', async () => {
  await withPage({}, async (page) => {
    await openTizme(page);
    assert.equal((await page.textContent('#check-form button[type=submit]')).trim(), 'Проверить');
    await page.click('button[data-lang="ky"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ky');
    assert.equal((await page.textContent('#check-form button[type=submit]')).trim(), 'Текшерүү');
    assert.equal((await page.textContent('#tab-stations')).trim(), 'Участокту табуу');
    assert.equal(await page.getAttribute('button[data-lang="ky"]', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('button[data-lang="ru"]', 'aria-pressed'), 'false');
    // results drawn afterwards are in Kyrgyz as well
    await checkPin(page, PIN_ON_LIST);
    await page.locator('#check-voter').waitFor();
    assert.match(await page.textContent('#check-voter .card__title'), /шайлоочулардын тизмесине киргизилгенсиз/);
    // remembered across a reload
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === 'ky' && !document.documentElement.classList.contains('i18n-pending'));
    assert.equal((await page.textContent('#check-form button[type=submit]')).trim(), 'Текшерүү');
    assert.equal(await page.title(), 'Тизме — шайлоочулардын тизмеси');
    // and back
    await page.click('button[data-lang="ru"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ru');
    assert.equal((await page.textContent('#check-form button[type=submit]')).trim(), 'Проверить');
  });
});

test('statistics show the API total, tables and charts; the region filter works', async () => {
  const stats = await api('/api/v1/tizme/stats');
  const bishkek = await api('/api/v1/tizme/stats?region=1');
  await withPage({}, async (page) => {
    await openTizme(page);
    await page.click('#tab-stats');
    assert.equal(await page.getAttribute('#tab-stats', 'aria-selected'), 'true');
    assert.ok(await page.isVisible('#stats'));
    assert.ok(page.url().endsWith('#stats'));
    const total = page.locator('#stats-total');
    await total.waitFor();
    const shown = (await total.textContent()).trim();
    assert.equal(digits(shown), String(stats.total));
    assert.match(shown, /^\d{1,3}([\u00a0 ]\d{3})*$/, `thousands separated by spaces: ${shown}`);
    assert.match(await page.textContent('#stats-updated'), new RegExp(stats.as_of.split('-').reverse().join('\\.')));
    // tables: one row per age group and per area, totals in the footers
    assert.equal(await page.locator('#table-age tbody tr').count(), stats.by_age.length);
    assert.equal(await page.locator('#table-region tbody tr').count(), stats.by_region.length);
    assert.equal(digits(await page.textContent('#table-age tfoot td:nth-child(4)')), String(stats.total));
    assert.equal(await page.locator('#table-sex caption').count(), 1);
    // charts drawn by Chart.js, each an image with a name
    for (const id of ['chart-sex', 'chart-age', 'chart-region']) {
      assert.ok(await page.evaluate((i) => Boolean(window.Chart && window.Chart.getChart(document.getElementById(i))), id), `${id} drawn`);
      assert.equal(await page.getAttribute(`#${id}`, 'role'), 'img');
    }
    // filter: Bishkek
    const answer = page.waitForResponse((r) => /\/api\/v1\/tizme\/stats\?region=1$/.test(r.url()));
    await page.selectOption('#stats-region', '1');
    await answer;
    await page.waitForFunction((want) => document.getElementById('stats-total').textContent.replace(/\s/g, '') === want, String(bishkek.total));
    assert.match(await page.textContent('#stats-updated'), /г\. Бишкек/);
    assert.ok(await page.isHidden('#block-region'), 'no breakdown by region for one region');
  });
});

test('dynamics show the monthly series as a chart and a table', async () => {
  const dyn = await api('/api/v1/tizme/stats/dynamics');
  await withPage({}, async (page) => {
    await openTizme(page, '#dynamics');
    assert.equal(await page.getAttribute('#tab-dynamics', 'aria-selected'), 'true');
    await page.locator('#table-dynamics tbody tr').first().waitFor();
    assert.equal(await page.locator('#table-dynamics tbody tr').count(), dyn.series.length);
    const last = dyn.series[dyn.series.length - 1];
    const lastRow = page.locator('#table-dynamics tbody tr').last();
    assert.equal(digits(await lastRow.locator('td:nth-child(4)').textContent()), String(last.total));
    assert.ok(await page.evaluate(() => Boolean(window.Chart && window.Chart.getChart(document.getElementById('chart-dynamics')))));
  });
});

test('station search for "1001" lists station 1001; its details and marker appear', async () => {
  const station = (await api('/api/v1/stations/1001')).station;
  await withPage({}, async (page) => {
    await openTizme(page);
    await page.click('#tab-stations');
    await page.locator('#station-list .station-item').first().waitFor();
    await page.fill('#station-q', '1001');
    const answer = page.waitForResponse((r) => /\/api\/v1\/stations\?q=1001$/.test(r.url()));
    await page.click('#station-form button[type=submit]');
    const body = await (await answer).json();
    assert.ok(body.items.some((s) => s.number === 1001), 'the API finds 1001');
    const item = page.locator('#station-list .station-item[data-number="1001"]');
    await item.waitFor();
    assert.match(await item.textContent(), /1001/);
    assert.match(await page.textContent('#station-status'), /Найдено участков/);
    // the marker of 1001 on the map of this page
    await page.locator('#stations-map .leaflet-marker-icon', { hasText: '1001' }).waitFor();
    // details with the voters count
    await item.click();
    const detail = page.locator('#station-detail');
    await detail.locator('.station-voters').waitFor();
    assert.equal(digits(await detail.locator('.station-voters').textContent()), String(station.voters));
    assert.equal((await detail.locator('.station-address').textContent()).trim(), station.address);
    assert.equal(await item.getAttribute('aria-current'), 'true');
    // a search that finds nothing says so
    await page.fill('#station-q', 'zzzz-no-such-station');
    await page.click('#station-form button[type=submit]');
    await page.waitForFunction(() => /не найдены/.test(document.getElementById('station-status').textContent));
    assert.equal(await page.locator('#station-list .station-item').count(), 0);
  });
});

test('tabs work from the keyboard with a visible focus', async () => {
  await withPage({}, async (page) => {
    await openTizme(page);
    await page.focus('#tab-check');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-stations');
    assert.equal(await page.getAttribute('#tab-stations', 'aria-selected'), 'true');
    assert.ok(await page.isHidden('#check'));
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-dynamics');
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-check');
    // Tab moves into the form; the focused field shows an outline
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pin');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.type(PIN_ON_LIST);
    const answer = page.waitForResponse((r) => LOOKUP.test(r.url()));
    await page.keyboard.press('Enter');
    if ((await answer).status() === 429) await checkPin(page, PIN_ON_LIST);
    await page.locator('#check-voter').waitFor();
  });
});

test('the pages fit a 360 px phone screen and a desktop (screenshots)', async () => {
  for (const [name, width, height] of [
    ['phone', 360, 740],
    ['desktop', 1280, 900],
  ]) {
    await withPage({ width, height }, async (page) => {
      await openTizme(page);
      await checkPin(page, PIN_ON_LIST);
      await page.locator('#check-map .leaflet-marker-icon').waitFor();
      for (const tab of ['check', 'stations', 'stats', 'dynamics']) {
        await page.click(`#tab-${tab}`);
        if (tab === 'stations') await page.locator('#station-list .station-item').first().waitFor();
        if (tab === 'stats') await page.locator('#stats-total').waitFor();
        if (tab === 'dynamics') await page.locator('#table-dynamics tbody tr').first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} ${tab}: the page scrolls sideways by ${overflow}px`);
        await page.screenshot({ path: path.join(SHOTS, `tizme-${tab}-${name}.png`), fullPage: true });
      }
      await page.goto(`${BASE}/`);
      await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
      await page.locator('a[href="/tizme/"]').first().waitFor();
      await page.waitForFunction(() => document.querySelector('#elections table, #elections-status:not(.status--busy)'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} landing: the page scrolls sideways by ${overflow}px`);
      assert.equal(await page.locator('#elections-status.status--error').count(), 0, 'elections loaded');
      await page.screenshot({ path: path.join(SHOTS, `shailoo-home-${name}.png`), fullPage: true });
    });
  }
});
