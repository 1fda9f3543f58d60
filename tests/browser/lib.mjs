// The browser tests' one set of helpers: the browser (Debian's chromium through
// playwright-core), a fresh context per test that fails on any page error or
// unexpected console error, the API read outside the page, and small text helpers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { chromium } from 'playwright-core';

export const BASE = (process.env.SHAILOO_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.SHAILOO_SHOTS || os.tmpdir();
export const TILE = /^https?:\/\/([a-z0-9-]+\.)*tile\.openstreetmap\.org\//i;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/* Digits only: "3 703 420" (any kind of space) -> "3703420". */
export const digits = (s) => String(s).replace(/[\s\u00a0\u202f]/g, '');

let browser = null;

/* Launches the browser before the file's tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    if (browser) await browser.close();
    browser = null;
  });
}

/* GET p of the API (outside the page), retrying a 429; the body of its 200. */
export async function api(p) {
  let res;
  for (let i = 1; ; i += 1) {
    res = await fetch(BASE + p, { headers: { Accept: 'application/json' } });
    if (res.status !== 429 || i >= 5) break;
    await sleep(1000 * Math.max(1, Number(res.headers.get('retry-after')) || 1));
  }
  const body = await res.json();
  assert.equal(res.status, 200, `GET ${p}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/*
 * A fresh browser context (its own cookies and storage), fn(page, context),
 * then a failure on any page error or unexpected console error. Nothing
 * leaves this machine: other hosts are aborted, and the map tiles' failures
 * are expected (but a Content-Security-Policy that blocks them is a fault).
 * allow: [{url: RegExp, status}] failed loads that are expected (status 0: no
 * answer at all; no status: any).
 */
export async function withPage({ width = 1280, height = 900, allow = [] } = {}, fn) {
  assert.ok(browser, 'useBrowser() first');
  // reduced motion: charts are drawn at once, so screenshots show them whole
  const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU', serviceWorkers: 'block', reducedMotion: 'reduce' });
  const problems = [];
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => route.abort('internetdisconnected'),
  );
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => problems.push(`uncaught page error: ${e.stack || e.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = (msg.location() && msg.location().url) || '';
    if (/^Failed to load resource/.test(text)) {
      if (TILE.test(url) || /ERR_INTERNET_DISCONNECTED/.test(text)) return;
      const m = /status of (\d{3})/.exec(text);
      if (allow.some((a) => a.url.test(url) && (a.status == null || (m && Number(m[1]) === a.status) || (!m && a.status === 0)))) return;
    }
    if (/Content Security Policy/.test(text) && TILE.test((/'([^']+)'/.exec(text) || [])[1] || '')) {
      const line = `the pages' Content-Security-Policy blocks the map tiles: its img-src must allow the TILE_URL host of static/js/map.js`;
      if (!problems.includes(line)) problems.push(line);
      return;
    }
    // one line per kind of problem, not one per map tile
    const line = `console error: ${text} (${url})`.replace(/\/\d+\/\d+\/\d+\.png/g, '/{z}/{x}/{y}.png');
    if (!problems.includes(line)) problems.push(line);
  });
  try {
    await fn(page, context);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], 'the page logged errors');
}

/* No horizontal scrolling at the page's width. */
export async function noSideScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: the page scrolls sideways by ${overflow}px`);
}

/* The page's translations applied; busy: and its status line no longer busy. */
export async function ready(page, { busy = false } = {}) {
  await page.waitForFunction(() => !document.documentElement.classList.contains('i18n-pending'));
  if (busy) await page.waitForFunction(() => !document.querySelector('#page-status.status--busy'));
}

/* Signs in through the ESIA stand-in (login_hint picks the person at once) and lands on next (a path, maybe a query). */
export async function signIn(page, pin, next, opts = {}) {
  await page.goto(`${BASE}/auth/esia/login?next=${encodeURIComponent(next)}&login_hint=${pin}`);
  const back = new URL(page.url());
  assert.equal(back.pathname + back.search, next, `signed in as ${pin}, back on ${next}`);
  await ready(page, opts);
  await page.locator('#userbar').waitFor();
}
