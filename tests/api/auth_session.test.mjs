// Our session tokens (cgi/core/session.c, ES256) and what the guard makes of
// them (cgi/api/auth.c): forged tokens, revoked and expired sessions, CSRF on
// logout, renewal of a session close to its end.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { assertError, request, psql } from './lib.mjs';
import {
  VOTER, PEOPLE, now, signIn, me, logout, cookieNamed, decodeJwt, b64u, signES256, signHS256, unsigned,
  verifyES256, insertSession, claimsFor, sessionRow, randomId, SESSION_PRIVATE, SESSION_PUBLIC, KEY_FILE, PUB_FILE,
} from './auth_lib.mjs';

const OPERATOR = PEOPLE.find((p) => p.role === 'operator');
const noKey = SESSION_PRIVATE === null && `cannot read ${KEY_FILE} (run as root)`;
const noPub = SESSION_PUBLIC === null && `cannot read ${PUB_FILE}`;

// A refused token: 401 unauthenticated, and the bad cookie is cleared.
async function assertRefused(token, what) {
  const res = await me(`shailoo_session=${token}`);
  assertError(res, 401, 'unauthenticated');
  const given = cookieNamed(res, 'shailoo_session');
  assert.ok(given.every((c) => c.value === ''), `${what}: no session handed out: ${res.headers['set-cookie']}`);
  return res;
}

describe('forged session tokens are refused', () => {
  let s; // a real session, whose sid/sub/csrf the forgeries reuse
  before(async () => {
    s = await signIn(VOTER.pin);
  });

  test('the real token works (control)', async () => {
    assert.equal((await me(s.cookie)).status, 200);
  });

  test('a random string', async () => {
    await assertRefused(crypto.randomBytes(48).toString('base64url'), 'random');
  });

  test('three random base64url parts', async () => {
    await assertRefused(`${randomId()}.${randomId()}.${randomId()}`, 'random JWS-shaped');
  });

  test('the real token with a changed payload (another sub)', async () => {
    const [h, , sig] = s.token.split('.');
    const p = { ...s.claims, sub: OPERATOR.pin };
    await assertRefused(`${h}.${b64u(p)}.${sig}`, 'changed sub');
  });

  test('the real token with a changed payload (exp a day later)', async () => {
    const [h, , sig] = s.token.split('.');
    await assertRefused(`${h}.${b64u({ ...s.claims, exp: s.claims.exp + 86400 })}.${sig}`, 'changed exp');
  });

  test('the real token with its signature cut, flipped or dropped', async () => {
    const [h, p, sig] = s.token.split('.');
    const bytes = Buffer.from(sig, 'base64url');
    bytes[10] ^= 1;
    await assertRefused(`${h}.${p}.${bytes.toString('base64url')}`, 'flipped bit');
    await assertRefused(`${h}.${p}.${sig.slice(0, 40)}`, 'short signature');
    await assertRefused(`${h}.${p}.`, 'no signature');
    await assertRefused(`${h}.${p}`, 'two parts');
  });

  test('signed by another ES256 key', async () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await assertRefused(signES256(s.claims, privateKey), 'foreign ES256 key');
  });

  test('HS256 with the server public key as the HMAC secret (algorithm confusion)', { skip: noPub }, async () => {
    await assertRefused(signHS256(s.claims, SESSION_PUBLIC), 'HS256 + public PEM');
    await assertRefused(signHS256(s.claims, SESSION_PUBLIC.toString().trim()), 'HS256 + trimmed public PEM');
  });

  test('alg none', async () => {
    await assertRefused(unsigned(s.claims), 'alg none');
    await assertRefused(`${b64u({ alg: 'NONE', typ: 'JWT' })}.${b64u(s.claims)}.`, 'alg NONE');
    await assertRefused(`${b64u({ alg: 'none' })}.${b64u(s.claims)}.${s.token.split('.')[2]}`, 'alg none, old signature');
  });

  test('ES256 with the real key but the header saying ES384 / RS256', { skip: noKey }, async () => {
    for (const alg of ['ES384', 'ES512', 'RS256', 'PS256']) {
      await assertRefused(signES256(s.claims, SESSION_PRIVATE, { alg, typ: 'JWT' }), `header alg ${alg}`);
    }
  });

  test('real key, exp in the past', { skip: noKey }, async () => {
    const t = now();
    const base = { sid: s.claims.sid, pin: VOTER.pin, csrf: s.csrf };
    await assertRefused(signES256(claimsFor(base, { iat: t - 3600, exp: t - 1 }), SESSION_PRIVATE), 'expired');
    await assertRefused(signES256(claimsFor(base, { iat: t - 3600, exp: t }), SESSION_PRIVATE), 'exp = now');
  });

  test('real key, another iss', { skip: noKey }, async () => {
    const base = { sid: s.claims.sid, pin: VOTER.pin, csrf: s.csrf };
    await assertRefused(signES256(claimsFor(base, { iss: 'evil' }), SESSION_PRIVATE), 'iss evil');
    await assertRefused(signES256(claimsFor(base, { iss: 'shailoo ' }), SESSION_PRIVATE), 'iss with a space');
    const { iss, ...noIss } = claimsFor(base);
    await assertRefused(signES256(noIss, SESSION_PRIVATE), 'no iss');
  });

  test('real key, iat far in the future', { skip: noKey }, async () => {
    const base = { sid: s.claims.sid, pin: VOTER.pin, csrf: s.csrf };
    await assertRefused(signES256(claimsFor(base, { iat: now() + 3600, exp: now() + 5400 }), SESSION_PRIVATE), 'iat +1h');
  });

  test('real key, a claim missing or of the wrong type', { skip: noKey }, async () => {
    const good = claimsFor({ sid: s.claims.sid, pin: VOTER.pin, csrf: s.csrf });
    // the control: this very token is good
    assert.equal((await me(`shailoo_session=${signES256(good, SESSION_PRIVATE)}`)).status, 200, 'control token');
    for (const k of ['sid', 'sub', 'csrf', 'exp', 'iat']) {
      const { [k]: _, ...c } = good;
      await assertRefused(signES256(c, SESSION_PRIVATE), `no ${k}`);
    }
    await assertRefused(signES256({ ...good, exp: String(good.exp) }, SESSION_PRIVATE), 'exp a string');
    await assertRefused(signES256({ ...good, sid: 12345 }, SESSION_PRIVATE), 'sid a number');
    await assertRefused(signES256({ ...good, sid: '' }, SESSION_PRIVATE), 'sid empty');
  });

  test('real key, a session id that does not exist', { skip: noKey }, async () => {
    await assertRefused(signES256(claimsFor({ sid: randomId(), pin: VOTER.pin, csrf: s.csrf }), SESSION_PRIVATE), 'unknown sid');
  });

  test('real key, a subject that is not the session id (a PIN, as tokens once had)', { skip: noKey }, async () => {
    const c = claimsFor({ sid: s.claims.sid, csrf: s.csrf });
    await assertRefused(signES256({ ...c, sub: VOTER.pin }, SESSION_PRIVATE), 'sub the PIN');
    await assertRefused(signES256({ ...c, sub: OPERATOR.pin }, SESSION_PRIVATE), 'sub another PIN');
    await assertRefused(signES256({ ...c, sub: randomId() }, SESSION_PRIVATE), 'sub another id');
  });

  test('an overlong cookie', async () => {
    await assertRefused(`${s.token}${'A'.repeat(2000)}`, 'overlong');
  });

  test('the real session still works after all that', async () => {
    assert.equal((await me(s.cookie)).status, 200);
  });
});

describe('revoked and expired sessions', () => {
  test('a valid token whose row was revoked: 401', async () => {
    const s = await signIn(VOTER.pin);
    psql(`UPDATE sessions SET revoked_at = now() WHERE id = :'sid'`, { sid: s.claims.sid });
    await assertRefused(s.token, 'revoked row');
  });

  test('a valid token whose row has expired: 401', async () => {
    const s = await signIn(VOTER.pin);
    psql(`UPDATE sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '1 hour'
           WHERE id = :'sid'`, { sid: s.claims.sid });
    await assertRefused(s.token, 'expired row');
  });

  test('a valid token whose row is gone: 401', async () => {
    const s = await signIn(VOTER.pin);
    psql(`DELETE FROM sessions WHERE id = :'sid'`, { sid: s.claims.sid });
    await assertRefused(s.token, 'deleted row');
  });

  test('a revoked session close to its end is not renewed back to life', { skip: noKey }, async () => {
    const row = insertSession(VOTER.pin, 300);
    psql(`UPDATE sessions SET revoked_at = now() WHERE id = :'sid'`, { sid: row.sid });
    const token = signES256(claimsFor(row, { exp: now() + 300 }), SESSION_PRIVATE);
    await assertRefused(token, 'revoked, renewable');
    const r = sessionRow(row.sid);
    assert.ok(r.expires <= now() + 301, 'expires_at not moved');
  });
});

describe('logout and CSRF', () => {
  test('logout without X-CSRF-Token: 403, and the session still works', async () => {
    const s = await signIn(VOTER.pin);
    const res = await logout(s.cookie);
    assertError(res, 403);
    assert.equal(cookieNamed(res, 'shailoo_session').length, 0, 'the cookie is left alone');
    assert.equal((await me(s.cookie)).status, 200);
    assert.equal(sessionRow(s.claims.sid).revoked, false);
  });

  test('logout with an empty, wrong or foreign X-CSRF-Token: 403', async () => {
    const s = await signIn(VOTER.pin);
    const other = await signIn(VOTER.pin);
    for (const [label, t] of [
      ['empty', ''],
      ['wrong', randomId()],
      ['one character off', s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A')],
      ['a prefix', s.csrf.slice(0, 20)],
      ['longer', `${s.csrf}A`],
      ["another session's", other.csrf],
      ['the session id', s.claims.sid],
    ]) {
      const res = await logout(s.cookie, t);
      assertError(res, 403, undefined);
      assert.equal((await me(s.cookie)).status, 200, `${label}: the session still works`);
    }
    assert.equal(sessionRow(s.claims.sid).revoked, false);
  });

  test('logout with the right token: 200, cookie cleared, session revoked; the old cookie is then 401', async () => {
    const s = await signIn(VOTER.pin);
    const res = await logout(s.cookie, s.csrf);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { signed_out: true });
    const c = cookieNamed(res, 'shailoo_session');
    assert.equal(c.length, 1, `one Set-Cookie for the session: ${res.headers['set-cookie']}`);
    assert.equal(c[0].value, '');
    assert.equal(c[0].attrs['max-age'], '0');
    assert.equal(c[0].attrs.path, '/');
    assert.equal(sessionRow(s.claims.sid).revoked, true, 'the row is revoked');

    await assertRefused(s.token, 'after logout');
    const again = await logout(s.cookie, s.csrf);
    assertError(again, 401, 'unauthenticated');
  });

  test("logout ends only that session, not the person's others", async () => {
    const a = await signIn(VOTER.pin);
    const b = await signIn(VOTER.pin);
    assert.equal((await logout(a.cookie, a.csrf)).status, 200);
    assert.equal((await me(a.cookie)).status, 401);
    assert.equal((await me(b.cookie)).status, 200);
  });

  test('GET /auth/logout is not a way to sign someone out (405)', async () => {
    const s = await signIn(VOTER.pin);
    const res = await request('/auth/logout', { headers: { Cookie: s.cookie } });
    assertError(res, 405);
    assert.equal((await me(s.cookie)).status, 200);
  });
});

describe('renewal', () => {
  test('a token 5 minutes from its end is renewed for 30 minutes, and the row moves with it', { skip: noKey }, async () => {
    const row = insertSession(VOTER.pin, 300, 'Продление Тест');
    const t0 = now();
    const old = claimsFor(row, { iat: t0 - 1500, exp: t0 + 300 });
    const token = signES256(old, SESSION_PRIVATE);
    const res = await me(`shailoo_session=${token}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.name, 'Продление Тест');
    assert.equal(res.json.csrf_token, row.csrf);

    const c = cookieNamed(res, 'shailoo_session');
    assert.equal(c.length, 1, `a fresh session cookie: ${res.headers['set-cookie']}`);
    const fresh = c[0];
    assert.equal(fresh.attrs.path, '/');
    assert.equal(fresh.attrs.httponly, true);
    assert.equal(fresh.attrs.samesite, 'Lax');
    assert.equal(fresh.attrs['max-age'], '1800');
    assert.ok(!('secure' in fresh.attrs));
    assert.notEqual(fresh.value, token);

    const { header, payload } = decodeJwt(fresh.value);
    assert.equal(header.alg, 'ES256');
    if (SESSION_PUBLIC) assert.ok(verifyES256(fresh.value, SESSION_PUBLIC), 'signed by the session key');
    assert.equal(payload.iss, 'shailoo');
    assert.equal(payload.sid, row.sid, 'the same session');
    assert.equal(payload.sub, row.sid, 'the subject is the session id, not the PIN');
    assert.equal(payload.csrf, row.csrf, 'the same CSRF token');
    assert.ok(Math.abs(payload.exp - (t0 + 1800)) <= 5, `exp ${payload.exp - t0}s from now, ~1800`);
    assert.ok(Math.abs(payload.iat - t0) <= 5, 'iat now');
    assert.equal(res.json.expires_at, payload.exp, '/me tells the new end');

    const r = sessionRow(row.sid);
    assert.ok(Math.abs(r.expires - payload.exp) <= 1, `the row expires at the new exp (${r.expires} vs ${payload.exp})`);

    // The fresh token works, and is not renewed again.
    const again = await me(`shailoo_session=${fresh.value}`);
    assert.equal(again.status, 200);
    assert.equal(cookieNamed(again, 'shailoo_session').length, 0, 'no renewal with 30 minutes left');
  });

  test('a token with more than 15 minutes left is not renewed', { skip: noKey }, async () => {
    const row = insertSession(VOTER.pin, 1200);
    const token = signES256(claimsFor(row, { exp: now() + 1200 }), SESSION_PRIVATE);
    const res = await me(`shailoo_session=${token}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(cookieNamed(res, 'shailoo_session').length, 0);
    assert.ok(Math.abs(sessionRow(row.sid).expires - (now() + 1200)) <= 3, 'the row is untouched');
  });

  test('a logout near the end still ends the session (renewal does not undo it)', { skip: noKey }, async () => {
    const row = insertSession(VOTER.pin, 300);
    const cookie = `shailoo_session=${signES256(claimsFor(row, { exp: now() + 300 }), SESSION_PRIVATE)}`;
    const res = await logout(cookie, row.csrf);
    assert.equal(res.status, 200, res.text);
    // whatever was set, the last word on the session cookie clears it
    const c = cookieNamed(res, 'shailoo_session');
    assert.ok(c.length >= 1);
    assert.equal(c[c.length - 1].value, '', `the last Set-Cookie clears the session: ${res.headers['set-cookie']}`);
    assert.equal(sessionRow(row.sid).revoked, true);
    assert.equal((await me(cookie)).status, 401);
  });
});
