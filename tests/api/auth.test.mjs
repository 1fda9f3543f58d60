// Signing in through ESIA (the stand-in, tests/fakes/esia.mjs): the login
// redirect, the whole flow to a session cookie, /api/v1/me and the roles of
// the demo staff, and the routes that need a session.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { request, assertError, psql, sleep, VAR } from './lib.mjs';
import {
  ESIA, CALLBACK, PEOPLE, VOTER, fullName, now, startLogin, signIn, me, logout,
  cookieNamed, decodeJwt, sessionRow,
} from './auth_lib.mjs';

describe('GET /auth/esia/login', () => {
  test('302 to ESIA /authorize with the full OIDC + PKCE request and a login cookie', async () => {
    const l = await startLogin({ next: '/x', login_hint: VOTER.pin });
    assert.equal(l.res.status, 302, l.res.text);
    const u = l.location;
    assert.equal(`${u.origin}${u.pathname}`, `${ESIA}/authorize`, `Location ${u}`);
    const p = u.searchParams;
    for (const k of new Set(p.keys())) assert.equal(p.getAll(k).length, 1, `${k} given once`);
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), 'shailoo');
    assert.equal(p.get('redirect_uri'), CALLBACK);
    assert.ok(p.get('scope').split(' ').includes('openid'), `scope "${p.get('scope')}"`);
    assert.match(p.get('state'), /^[A-Za-z0-9_-]{43,}$/, 'state: at least 32 random bytes, base64url');
    assert.match(p.get('nonce'), /^[A-Za-z0-9_-]{43,}$/, 'nonce: at least 32 random bytes, base64url');
    assert.match(p.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/, 'code_challenge: 43 chars base64url');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.equal(p.get('login_hint'), VOTER.pin);
    assert.equal(l.res.headers['cache-control'], 'no-store');

    // The browser is tied to this login: the state in an HttpOnly cookie for the callback's path only.
    const c = l.loginCookie;
    assert.ok(c, `a shailoo_login cookie (${l.res.headers['set-cookie']})`);
    assert.equal(c.value, p.get('state'));
    assert.equal(c.attrs.path, '/auth/esia');
    assert.equal(c.attrs.httponly, true, 'HttpOnly');
    assert.equal(c.attrs.samesite, 'Lax');
    assert.ok(Number(c.attrs['max-age']) > 0 && Number(c.attrs['max-age']) <= 600, `Max-Age ${c.attrs['max-age']}`);
    assert.ok(!('secure' in c.attrs), 'no Secure over plain HTTP');
    assertNoSessionCookie(l.res);

    // The login in flight: our nonce, a verifier whose S256 is the challenge, next.
    const rows = psql(`SELECT nonce, code_verifier, next_path, used_at IS NULL FROM esia_logins WHERE state = :'s'`,
      { s: p.get('state') });
    assert.equal(rows.length, 1, 'one esia_logins row for the state');
    const [nonce, verifier, next, unused] = rows[0];
    assert.equal(nonce, p.get('nonce'));
    assert.match(verifier, /^[A-Za-z0-9\-._~]{43,128}$/, 'code_verifier per RFC 7636');
    assert.equal(crypto.createHash('sha256').update(verifier).digest('base64url'), p.get('code_challenge'),
      'code_challenge = base64url(SHA-256(code_verifier))');
    assert.notEqual(verifier, p.get('code_challenge'));
    assert.equal(next, '/x');
    assert.equal(unused, 't');
  });

  test('without login_hint: no login_hint sent to ESIA', async () => {
    const l = await startLogin({ next: '/x' });
    assert.equal(l.res.status, 302, l.res.text);
    assert.equal(l.location.searchParams.get('login_hint'), null);
  });

  test('a fresh state, nonce and PKCE challenge each time', async () => {
    const seen = { state: new Set(), nonce: new Set(), code_challenge: new Set() };
    for (let i = 0; i < 5; i++) {
      const l = await startLogin({ next: '/x', login_hint: VOTER.pin });
      assert.equal(l.res.status, 302);
      for (const k of Object.keys(seen)) seen[k].add(l.location.searchParams.get(k));
    }
    for (const [k, set] of Object.entries(seen)) assert.equal(set.size, 5, `${k} repeated`);
    // and never the same value for two roles
    const all = [...seen.state, ...seen.nonce, ...seen.code_challenge];
    assert.equal(new Set(all).size, all.length, 'state, nonce and challenge differ from each other');
  });

  const badNext = [
    ['//evil.example', 'protocol-relative URL'],
    ['//evil.example/x', 'protocol-relative URL with a path'],
    ['http://evil', 'absolute URL'],
    ['https://evil.example/', 'absolute https URL'],
    ['\\\\evil', 'backslashes'],
    ['/\\evil.example', 'slash backslash (browsers read it as //)'],
    ['javascript:alert(1)', 'javascript: URL'],
    ['JavaScript:alert(1)//', 'javascript: URL, mixed case'],
    ['evil.example', 'relative, no leading slash'],
    ['/\t/evil.example', 'a tab (browsers drop it: //evil.example)'],
    ['/x\r\nSet-Cookie: a=b', 'CR LF (header splitting)'],
    ['/' + 'a'.repeat(300), 'overlong'],
    ['/x ', 'a space'],
    ['/ä', 'non-ASCII'],
  ];
  for (const [next, why] of badNext) {
    test(`next refused: ${why} (${JSON.stringify(next.slice(0, 40))})`, async () => {
      const res = await request(`/auth/esia/login?next=${encodeURIComponent(next)}&login_hint=${VOTER.pin}`);
      assertError(res, 400, undefined, 'next');
      assert.equal(res.headers.location, undefined, 'no redirect');
      assert.equal(cookieNamed(res, 'shailoo_login').length, 0, 'no login cookie');
    });
  }

  test('next at the length limit (200) is accepted', async () => {
    const next = '/' + 'a'.repeat(199);
    const l = await startLogin({ next, login_hint: VOTER.pin });
    assert.equal(l.res.status, 302, l.res.text);
  });

  test('next "%2F%2Fevil" (decoded to //evil) refused', async () => {
    const res = await request(`/auth/esia/login?next=%2F%2Fevil.example&login_hint=${VOTER.pin}`);
    assertError(res, 400, undefined, 'next');
  });

  for (const hint of ['123', '2150519900001', '215051990000111', 'abcdefghijklmn', '2150519900001x', '-2150519900001']) {
    test(`login_hint malformed: ${hint}`, async () => {
      const res = await request(`/auth/esia/login?next=/x&login_hint=${encodeURIComponent(hint)}`);
      assertError(res, 400, undefined, 'login_hint');
      assert.equal(cookieNamed(res, 'shailoo_login').length, 0);
    });
  }

  test('unknown query parameters refused', async () => {
    for (const q of ['foo=1', 'next=/x&redirect_uri=http://evil', 'next=/x&state=abc', 'client_id=x']) {
      const res = await request(`/auth/esia/login?${q}`);
      assertError(res, 400, 'unknown_parameter');
      assert.equal(cookieNamed(res, 'shailoo_login').length, 0, q);
    }
  });

  test('a parameter given twice refused', async () => {
    const res = await request('/auth/esia/login?next=/x&next=//evil.example');
    assertError(res, 400, undefined, 'next');
  });

  test("the login_hint PIN is not written in clear to nginx's access log", async () => {
    const pin = '20909199012321'; // this test's own
    const l = await startLogin({ next: '/x', login_hint: pin });
    assert.equal(l.res.status, 302);
    const id = l.res.headers['x-request-id'];
    const file = `${VAR}/log/nginx-access.log`;
    let line;
    for (let i = 0; i < 40 && !line; i++) { // the access log is buffered (flush=1s)
      line = fs.readFileSync(file, 'utf8').split('\n').find((x) => x.includes(id));
      if (!line) await sleep(100);
    }
    assert.ok(line, `the access log has a line for request ${id}`);
    assert.ok(!line.includes(pin), `PIN in clear in the access log: ${line}`);
    const app = fs.readFileSync(`${VAR}/log/shailoo.log`, 'utf8');
    assert.ok(!app.includes(pin), 'PIN in clear in the application log');
  });

  test('POST is not a way in (405)', async () => {
    const res = await request('/auth/esia/login', { method: 'POST', body: '' });
    assertError(res, 405);
  });
});

function assertNoSessionCookie(res) {
  assert.equal(cookieNamed(res, 'shailoo_session').filter((c) => c.value !== '').length, 0,
    `no session cookie: ${res.headers['set-cookie']}`);
}

describe('the whole sign-in flow', () => {
  test('a voter signs in: 303 to next with a session cookie; /api/v1/me knows them', async () => {
    const t0 = now();
    const s = await signIn(VOTER.pin, '/x');
    const res = s.callbackRes;
    assert.equal(res.headers['cache-control'], 'no-store');

    // The session cookie.
    const [c] = cookieNamed(res, 'shailoo_session');
    assert.equal(c.attrs.path, '/', 'Path=/');
    assert.equal(c.attrs.httponly, true, 'HttpOnly');
    assert.equal(c.attrs.samesite, 'Lax', 'SameSite=Lax');
    assert.equal(c.attrs['max-age'], '1800', 'Max-Age=1800');
    assert.ok(!('secure' in c.attrs), 'no Secure over plain HTTP');
    assert.ok(!('domain' in c.attrs), 'host-only (no Domain)');
    // The login cookie is spent.
    const login = cookieNamed(res, 'shailoo_login');
    assert.equal(login.length, 1, 'the login cookie is cleared');
    assert.equal(login[0].value, '');
    assert.equal(login[0].attrs['max-age'], '0');
    assert.equal(login[0].attrs.path, '/auth/esia');

    // The token: ES256, our claims, 30 minutes.
    const { header, payload } = decodeJwt(s.token);
    assert.equal(header.alg, 'ES256');
    assert.equal(payload.iss, 'shailoo');
    assert.equal(payload.sub, payload.sid, 'the subject is opaque: the session id');
    assert.match(payload.sid, /^[A-Za-z0-9_-]{43}$/);
    assert.match(payload.csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(payload.sid, payload.csrf);
    assert.ok(Math.abs(payload.exp - (t0 + 1800)) <= 5, `exp ${payload.exp} ~ now+1800`);
    assert.ok(payload.iat >= t0 - 2 && payload.iat <= now() + 2, 'iat ~ now');

    // /api/v1/me
    const m = s.me;
    assert.deepEqual(Object.keys(m).sort(), ['csrf_token', 'expires_at', 'name', 'pin_masked', 'roles'].sort());
    assert.equal(m.pin_masked, `${VOTER.pin.slice(0, 4)}******${VOTER.pin.slice(10)}`);
    assert.ok(!JSON.stringify(m).includes(VOTER.pin), 'the full PIN is never sent back');
    assert.equal(m.name, fullName(VOTER));
    assert.deepEqual(m.roles.map((r) => r.role), ['voter']);
    assert.equal(m.csrf_token, payload.csrf);
    assert.equal(m.expires_at, payload.exp);

    // The session row.
    const row = sessionRow(payload.sid);
    assert.ok(row, 'a sessions row with the token sid');
    assert.equal(row.pin, VOTER.pin);
    assert.equal(row.name, fullName(VOTER));
    assert.equal(row.revoked, false);
    assert.ok(Math.abs(row.expires - payload.exp) <= 1, 'the row expires with the token');
    // The login was spent.
    assert.equal(psql(`SELECT used_at IS NOT NULL FROM esia_logins WHERE state = :'s'`, { s: s.flow.state })[0][0], 't');
  });

  test('/api/v1/me is private and not cached', async () => {
    const s = await signIn(VOTER.pin);
    const res = await me(s.cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.match(res.headers['cache-control'] ?? '', /no-store/);
    assert.equal(cookieNamed(res, 'shailoo_session').length, 0, 'a fresh session is not renewed at once');
  });

  test('without next: back to /cabinet/', async () => {
    const l = await startLogin({ login_hint: VOTER.pin });
    assert.equal(l.res.status, 302);
    const rows = psql(`SELECT next_path FROM esia_logins WHERE state = :'s'`, { s: l.state });
    assert.deepEqual(rows, [['/cabinet/']]);
  });

  test('next with a query string comes back as it was', async () => {
    const next = '/cabinet/?tab=applications&x=1';
    const s = await signIn(VOTER.pin, next);
    assert.equal(s.callbackRes.headers.location, next);
  });

  test('next "/" is a path of ours', async () => {
    const s = await signIn(VOTER.pin, '/');
    assert.equal(s.callbackRes.headers.location, '/');
  });

  test('/api/v1/me takes no query parameters', async () => {
    const s = await signIn(VOTER.pin);
    const res = await request('/api/v1/me?pin=21111197000066', { headers: { Cookie: s.cookie } });
    assertError(res, 400, 'unknown_parameter');
  });

  test('two sign-ins of one person are two sessions', async () => {
    const a = await signIn(VOTER.pin);
    const b = await signIn(VOTER.pin);
    assert.notEqual(a.claims.sid, b.claims.sid);
    assert.notEqual(a.csrf, b.csrf);
    assert.equal((await me(a.cookie)).status, 200);
    assert.equal((await me(b.cookie)).status, 200);
  });

  test('a PIN ESIA knows but not in our demo list signs in as a plain voter', async () => {
    const pin = '21505199000012';
    const s = await signIn(pin);
    assert.equal(s.me.pin_masked, '2150******0012');
    assert.equal(s.me.name, 'Демо Пользователь');
    assert.deepEqual(s.me.roles, [{ role: 'voter' }]);
  });
});

describe('roles in /api/v1/me', () => {
  const staff = new Map(psql(`SELECT pin, role, coalesce(commission_id::text, '') FROM staff_roles ORDER BY pin, role`)
    .reduce((m, [pin, role, cid]) => m.set(pin, [...(m.get(pin) ?? []), { role, commission_id: cid === '' ? null : Number(cid) }]), new Map()));

  for (const p of PEOPLE) {
    test(`${p.role} ${p.pin} (${fullName(p)})`, async () => {
      const expected = [{ role: 'voter' }];
      const party = /^party_/.test(p.role) ? /party (\d+)\b.* (\d{6})$/.exec(p.scope) : null;
      if (party) {
        // a party's head or representative in an election (Talapker), not a staff role
        expected.push({ role: p.role, party_id: Number(party[1]), election_id: Number(party[2]) });
        assert.equal(staff.get(p.pin), undefined, 'a party role is no staff role');
      } else if (p.role !== 'voter' && p.role !== 'candidate') {
        const m = /commission (\d+)/.exec(p.scope ?? '');
        expected.push({ role: p.role, commission_id: p.role === 'cec_admin' ? null : Number(m[1]) });
        // demo-people.json and the staff table agree
        assert.deepEqual(staff.get(p.pin), expected.slice(1), 'staff_roles has the role of demo-people.json');
      } else {
        assert.equal(staff.get(p.pin), undefined, 'a voter has no staff role');
      }
      const s = await signIn(p.pin);
      assert.deepEqual(s.me.roles, expected);
      assert.equal(s.me.name, fullName(p));
      assert.equal(s.me.pin_masked, `${p.pin.slice(0, 4)}******${p.pin.slice(10)}`);
    });
  }

  test('a role granted while signed in shows at once; revoked, it goes', async () => {
    const pin = '20707199099991'; // nobody else's: no other test sees this grant
    const s = await signIn(pin);
    assert.deepEqual(s.me.roles, [{ role: 'voter' }]);
    try {
      psql(`INSERT INTO staff_roles (pin, role, commission_id) VALUES (:'pin', 'operator', 101)`, { pin });
      const r1 = await me(s.cookie);
      assert.deepEqual(r1.json.roles, [{ role: 'voter' }, { role: 'operator', commission_id: 101 }]);
      psql(`INSERT INTO staff_roles (pin, role, commission_id) VALUES (:'pin', 'tec_admin', 201), (:'pin', 'cec_admin', NULL)`, { pin });
      const r2 = await me(s.cookie);
      assert.deepEqual(r2.json.roles, [{ role: 'voter' }, { role: 'cec_admin', commission_id: null },
        { role: 'operator', commission_id: 101 }, { role: 'tec_admin', commission_id: 201 }], 'all three roles');
    } finally {
      psql(`DELETE FROM staff_roles WHERE pin = :'pin'`, { pin });
    }
    const r3 = await me(s.cookie);
    assert.deepEqual(r3.json.roles, [{ role: 'voter' }]);
  });
});

describe('routes that need a session answer 401 without one', () => {
  const cases = [
    ['GET /api/v1/me', () => me()],
    ['GET /api/v1/me, empty cookie', () => me('shailoo_session=')],
    ['GET /api/v1/me, other cookies only', () => me('shailoo_login=abc; session=xyz')],
    ['HEAD /api/v1/me', () => request('/api/v1/me', { method: 'HEAD' })],
    ['POST /auth/logout', () => logout()],
    ['POST /auth/logout with some X-CSRF-Token', () => logout(undefined, 'x'.repeat(43))],
  ];
  for (const [label, go] of cases) {
    test(label, async () => {
      const res = await go();
      if (label.startsWith('HEAD')) {
        assert.equal(res.status, 401);
        return;
      }
      assertError(res, 401, 'unauthenticated');
      assertNoSessionCookie(res);
    });
  }
  test('the 401 is not cached', async () => {
    const res = await me();
    assert.match(res.headers['cache-control'] ?? '', /no-store/);
  });
});
