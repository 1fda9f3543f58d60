// Every page has the one header (static/partials/header.html through nginx SSI): the
// same navigation links in the same order, its own marked aria-current, the staff links
// hidden from a visitor, and every link opens a page that loads without errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, useBrowser, withPage } from './lib.mjs';

const PAGES = ['/', '/tizme/', '/results/', '/candidates/', '/cabinet/', '/operator/', '/tec/', '/party/', '/review/',
  '/complaints/', '/protocols/', '/complaints/review/'];
const STAFF = ['/operator/', '/tec/', '/review/', '/protocols/', '/complaints/review/'];
// Signed-in pages ask "who am I?" first: a visitor gets 401.
// The results page may pick a test election another browser test is dropping at that moment: 404.
const allow = [{ url: /\/api\/v1\/me$/, status: 401 }, { url: /\/api\/v1\/elections\/99\d{4}$/, status: 404 }];

useBrowser();

describe('one header on every page', () => {
  for (const p of PAGES) {
    test(`${p}: the same links, its own marked`, async () => {
      await withPage({ allow }, async (page) => {
        await page.goto(BASE + p);
        await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
        const links = await page.$$eval('nav.site-nav a', (as) => as.map((a) => ({
          href: a.getAttribute('href'), current: a.getAttribute('aria-current'), hidden: a.hidden,
          text: a.textContent.trim(), role: a.dataset.role || null,
        })));
        assert.deepEqual(links.map((l) => l.href), PAGES, 'the links and their order');
        assert.deepEqual(links.filter((l) => l.current === 'page').map((l) => l.href), [p], 'its own link is marked');
        for (const l of links) {
          if (l.href === p) continue;
          assert.equal(l.hidden, STAFF.includes(l.href), `${l.href}: ${STAFF.includes(l.href) ? 'a staff link is hidden from a visitor' : 'shown'}`);
        }
        for (const l of links.filter((x) => !x.hidden)) assert.ok(l.text.length > 0, `${l.href} has its translated text`);
        assert.equal(await page.locator('header.site-header').count(), 1);
        assert.equal(await page.locator('.lang-switch button').count(), 3);
      });
    });
  }

  test('the header and the signed-in frame are shared, not pages of their own', async () => {
    for (const partial of ['header', 'signin', 'footer']) assert.equal((await fetch(`${BASE}/partials/${partial}.html`)).status, 404);
  });

  test('/complaints/file/ (reached from the registry) marks the complaints link', async () => {
    await withPage({ allow }, async (page) => {
      await page.goto(`${BASE}/complaints/file/`);
      await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
      assert.deepEqual(await page.$$eval('nav.site-nav a[aria-current=page]', (as) => as.map((a) => a.getAttribute('href'))), ['/complaints/']);
      await page.locator('#signin:not([hidden])').waitFor();
      assert.equal(await page.getAttribute('#signin-link', 'href'), '/auth/esia/login?next=/complaints/file/');
    });
  });
});
