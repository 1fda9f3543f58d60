// Attacks on the ESIA callback: a login not started by this browser, states
// unknown or reused, codes replayed or injected, ESIA's errors, and every
// spoiled id_token the stand-in can make (its test hook POST /_test/next-token).
// Each must end with a 4xx, no session cookie, and /api/v1/me still 401.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, psql } from './lib.mjs';
import {
  startLogin, callback, loginUntilCallback, signIn, me,
  cookieNamed, assertNoSession, esiaSpoil, esiaReset, esiaCodes, randomId,
} from './auth_lib.mjs';

const is4xx = (s) => s >= 400 && s < 500;
// PINs of this file alone (ESIA signs in any 14-digit PIN): other files sign
// the demo people in at the same time, so counting their sessions would race.
const VICTIM = { pin: '21212199000101' };
const ATTACKER = { pin: '11212199000202' };

// The callback refused the login: 4xx, no session, and the browser is still signed out.
async function assertLoginRefused(res, browserCookie, what) {
  assert.ok(is4xx(res.status), `${what}: callback answered ${res.status} ${res.text.slice(0, 200)} (expected 4xx)`);
  assert.equal(res.headers.location, undefined, `${what}: no redirect (Location ${res.headers.location})`);
  assertNoSession(res, what);
  assert.match(res.headers['cache-control'] ?? '', /no-store/, `${what}: no-store`);
  // What the browser would send next: its cookies, minus those cleared now.
  const cleared = new Set(cookieNamed(res, 'shailoo_login').filter((c) => c.value === '').map((c) => c.name));
  const jar = (browserCookie ?? '').split(';').map((x) => x.trim()).filter((x) => x && !cleared.has(x.split('=')[0]));
  const m = await me(jar.join('; ') || undefined);
  assertError(m, 401, 'unauthenticated');
}

const sessionsOf = (pin) => Number(psql(`SELECT count(*) FROM sessions WHERE pin = :'pin'`, { pin })[0][0]);

describe('callback attacks', () => {
  test('control: the same steps, done right, sign in', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const res = await callback(f.back, f.cookie);
    assert.equal(res.status, 303, res.text);
    assert.equal(cookieNamed(res, 'shailoo_session').filter((c) => c.value).length, 1);
  });

  test("a state that does not match the browser's shailoo_login cookie (login CSRF)", async () => {
    // The attacker's own login, finished at ESIA; the victim's browser holds its own login cookie.
    const attacker = await loginUntilCallback(ATTACKER.pin);
    const victim = await startLogin({ next: '/x', login_hint: VICTIM.pin });
    const victimCookie = `shailoo_login=${victim.loginCookie.value}`;
    const before = sessionsOf(ATTACKER.pin);
    const res = await callback(attacker.back, victimCookie);
    await assertLoginRefused(res, victimCookie, 'state mismatch');
    assert.equal(sessionsOf(ATTACKER.pin), before, 'no session made');
  });

  test('no login cookie at all', async () => {
    const f = await loginUntilCallback(ATTACKER.pin);
    const before = sessionsOf(ATTACKER.pin);
    const res = await callback(f.back, undefined);
    await assertLoginRefused(res, undefined, 'no cookie');
    assert.equal(sessionsOf(ATTACKER.pin), before);
  });

  test('an empty login cookie', async () => {
    const f = await loginUntilCallback(ATTACKER.pin);
    const res = await callback(f.back, 'shailoo_login=');
    await assertLoginRefused(res, 'shailoo_login=', 'empty cookie');
  });

  test('an unknown state (cookie and state agree, but we never issued it)', async () => {
    const f = await loginUntilCallback(ATTACKER.pin);
    const state = randomId();
    const cookie = `shailoo_login=${state}`;
    const res = await callback({ code: f.code, state }, cookie);
    await assertLoginRefused(res, cookie, 'unknown state');
  });

  test('a reused state: the second callback with the same state and code', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const first = await callback(f.back, f.cookie);
    assert.equal(first.status, 303, `first callback: ${first.status} ${first.text.slice(0, 200)}`);
    const before = sessionsOf(VICTIM.pin);
    const second = await callback(f.back, f.cookie);
    await assertLoginRefused(second, f.cookie, 'reused state');
    assert.equal(sessionsOf(VICTIM.pin), before, 'no second session');
  });

  test('a reused state after a refused callback (the state is spent whatever happened)', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const bad = await callback({ code: 'not-a-code', state: f.state }, f.cookie);
    await assertLoginRefused(bad, f.cookie, 'bad code');
    const again = await callback(f.back, f.cookie);
    await assertLoginRefused(again, f.cookie, 'state retried with the right code');
  });

  test('the same callback twice at once: one session at most', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const before = sessionsOf(VICTIM.pin);
    const all = await Promise.all([1, 2, 3, 4].map(() => callback(f.back, f.cookie)));
    const won = all.filter((r) => r.status === 303);
    assert.equal(won.length, 1, `statuses ${all.map((r) => r.status)}`);
    for (const r of all.filter((x) => x.status !== 303)) assertNoSession(r, 'a losing callback');
    assert.equal(sessionsOf(VICTIM.pin), before + 1);
  });

  test('a replayed code with a fresh login (the code was already redeemed)', async () => {
    const old = await loginUntilCallback(ATTACKER.pin);
    const ok = await callback(old.back, old.cookie);
    assert.equal(ok.status, 303, 'the first use signs in');
    const codes = await esiaCodes();
    assert.equal(codes.find((c) => c.code === old.code)?.used, true, 'the stand-in saw the code redeemed');

    const fresh = await startLogin({ next: '/x', login_hint: VICTIM.pin });
    const cookie = `shailoo_login=${fresh.loginCookie.value}`;
    const before = sessionsOf(ATTACKER.pin);
    const res = await callback({ code: old.code, state: fresh.state }, cookie);
    await assertLoginRefused(res, cookie, 'replayed code');
    assert.equal(sessionsOf(ATTACKER.pin), before);
  });

  test("code injection: another login's unredeemed code with this browser's state (PKCE refuses it)", async () => {
    const stolen = await loginUntilCallback(ATTACKER.pin); // never redeemed by its owner
    const mine = await startLogin({ next: '/x', login_hint: VICTIM.pin });
    const cookie = `shailoo_login=${mine.loginCookie.value}`;
    const before = sessionsOf(ATTACKER.pin);
    const res = await callback({ code: stolen.code, state: mine.state }, cookie);
    await assertLoginRefused(res, cookie, 'injected code');
    assert.equal(sessionsOf(ATTACKER.pin), before);
  });

  test('an unknown code', async () => {
    const l = await startLogin({ next: '/x', login_hint: VICTIM.pin });
    const cookie = `shailoo_login=${l.loginCookie.value}`;
    const res = await callback({ code: randomId(), state: l.state }, cookie);
    await assertLoginRefused(res, cookie, 'unknown code');
  });

  test('error=access_denied from ESIA', async () => {
    const l = await startLogin({ next: '/x', login_hint: VICTIM.pin });
    const cookie = `shailoo_login=${l.loginCookie.value}`;
    const res = await callback({ error: 'access_denied', error_description: 'the user said no', state: l.state }, cookie);
    await assertLoginRefused(res, cookie, 'access_denied');
  });

  test('error together with a valid code and state: the error wins', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const u = new URL(f.back);
    u.searchParams.set('error', 'access_denied');
    const res = await callback(u, f.cookie);
    await assertLoginRefused(res, f.cookie, 'error + code');
  });

  test('code or state missing', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    await assertLoginRefused(await callback({ state: f.state }, f.cookie), f.cookie, 'no code');
    await assertLoginRefused(await callback({ code: f.code }, f.cookie), f.cookie, 'no state');
    await assertLoginRefused(await callback({}, f.cookie), f.cookie, 'nothing');
  });

  test('unknown or repeated callback parameters refused', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    const res = await callback(new URL(`${f.back}&session_state=x`), f.cookie);
    assert.ok(is4xx(res.status), `unknown parameter: ${res.status}`);
    assertNoSession(res, 'unknown parameter');
    const res2 = await callback(new URL(`${f.back}&code=${f.code}`), f.cookie);
    assert.ok(is4xx(res2.status), `repeated code: ${res2.status}`);
    assertNoSession(res2, 'repeated code');
  });

  test('a login older than 10 minutes is refused', async () => {
    const f = await loginUntilCallback(VICTIM.pin);
    psql(`UPDATE esia_logins SET created_at = now() - interval '11 minutes' WHERE state = :'s'`, { s: f.state });
    const res = await callback(f.back, f.cookie);
    await assertLoginRefused(res, f.cookie, 'stale login');
  });
});

/*
 * Spoiled id_tokens.  The hook is global to the stand-in and other test files
 * sign people in at the same time: the spoiler is set only once ESIA has
 * sent the browser back, just before our callback redeems the code, and if
 * any other code was redeemed meanwhile (someone else may have got our
 * spoiled token) the attempt is made again.
 */
async function spoiledLogin(spoil) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const f = await loginUntilCallback(VICTIM.pin);
    const usedBefore = new Set((await esiaCodes()).filter((c) => c.used).map((c) => c.code));
    let res;
    try {
      await esiaSpoil(spoil);
      res = await callback(f.back, f.cookie);
    } finally {
      await esiaReset();
    }
    const raced = (await esiaCodes()).some((c) => c.used && c.code !== f.code && !usedBefore.has(c.code));
    if (!raced || is4xx(res.status)) return { res, f };
  }
  throw new Error('could not get the ESIA stand-in to myself: other tests kept redeeming codes');
}

describe('spoiled id_tokens from ESIA are refused', () => {
  after(esiaReset);

  const spoilers = [
    [{ alg: 'HS256' }, 'alg HS256 with the ESIA public key as the secret (algorithm confusion)'],
    [{ alg: 'none' }, 'alg none'],
    [{ tamper: true }, 'payload changed after signing (another PIN)'],
    [{ expired: true }, 'expired an hour ago'],
    [{ iss: 'http://evil' }, 'another issuer'],
    [{ aud: 'someone-else' }, 'another audience'],
    [{ nonce: null }, 'no nonce'],
    [{ nonce: 'wrong' }, 'a wrong nonce'],
    [{ pin: '123' }, 'a pin claim that is not 14 digits'],
    [{ pin: '2150519900001x' }, 'a pin claim with a letter'],
    [{ pin: '215051990000111' }, 'a pin claim of 15 digits'],
    [{ pin: '' }, 'an empty pin claim'],
    [{ kid: 'other', foreign_key: true }, 'signed by a foreign key'],
    [{ foreign_key: true }, 'signed by a foreign key, our kid'],
    [{ nbf_future: true }, 'nbf (and iat) 10 minutes in the future'],
  ];

  for (const [spoil, why] of spoilers) {
    test(`${why}: ${JSON.stringify(spoil)}`, async () => {
      const before = sessionsOf(VICTIM.pin);
      const { res, f } = await spoiledLogin(spoil);
      await assertLoginRefused(res, f.cookie, JSON.stringify(spoil));
      assert.equal(sessionsOf(VICTIM.pin), before, 'no session row made');
    });
  }

  test('control: after the spoilers, an unspoiled login still signs in', async () => {
    await esiaReset();
    const s = await signIn(VICTIM.pin);
    assert.equal(s.me.pin_masked, '2121******0101');
  });
});
