// Helpers of the sign-in tests (auth*.test.mjs): cookies kept by hand, the
// real ESIA flow through the stand-in (tests/fakes/esia.mjs), its test hooks,
// and JWTs made here (ES256 with the instance's key or another, HS256, none)
// to attack our session tokens.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { BASE, VAR, PORT, request, psql, b64u } from './lib.mjs';

export { b64u };

// The ESIA stand-in listens on PORT+400 (scripts/instance.sh).
export const ESIA = `http://127.0.0.1:${PORT + 400}`;
export const CALLBACK = `${BASE}/auth/esia/callback`;

export const PEOPLE = JSON.parse(
  fs.readFileSync(new URL('../fakes/demo-people.json', import.meta.url), 'utf8'),
);
export const VOTER = PEOPLE.find((p) => p.pin === '21505199000011');

export const fullName = (p) => [p.last_name, p.first_name, p.patronymic].filter(Boolean).join(' ');
export const now = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- HTTP to any host

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

// A request to an absolute URL (the stand-in), no redirect following.
export function fetchRaw(urlText, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(urlText);
  if (body !== undefined) headers = { 'Content-Length': Buffer.byteLength(body), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- cookies

/*
 * The Set-Cookie headers of a response, parsed:
 * [{ name, value, attrs: { path, 'max-age', httponly: true, ... } }] (attribute names lower-case).
 */
export function setCookies(res) {
  const raw = res.headers['set-cookie'] ?? [];
  return raw.map((line) => {
    const [pair, ...rest] = line.split(';');
    const eq = pair.indexOf('=');
    const attrs = {};
    for (const a of rest) {
      const t = a.trim();
      if (t === '') continue;
      const i = t.indexOf('=');
      if (i < 0) attrs[t.toLowerCase()] = true;
      else attrs[t.slice(0, i).trim().toLowerCase()] = t.slice(i + 1).trim();
    }
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs, line };
  });
}

export const cookieNamed = (res, name) => setCookies(res).filter((c) => c.name === name);

// A response must not hand out a (non-empty) session cookie.
export function assertNoSession(res, what) {
  const given = cookieNamed(res, 'shailoo_session').filter((c) => c.value !== '');
  assert.equal(given.length, 0, `${what}: a shailoo_session cookie was set: ${given.map((c) => c.line).join(' | ')}`);
}

// ---------------------------------------------------------------- the sign-in flow

/*
 * GET /auth/esia/login: returns { res, location (URL), state, loginCookie }.
 * query: an object of query parameters (sent in that order).
 */
export async function startLogin(query = {}) {
  const qs = new URLSearchParams(query).toString();
  const res = await request(`/auth/esia/login${qs ? `?${qs}` : ''}`);
  const out = { res };
  if (res.status === 302) {
    out.location = new URL(res.headers.location);
    const c = cookieNamed(res, 'shailoo_login');
    out.loginCookie = c.length === 1 ? c[0] : undefined;
    out.state = out.location.searchParams.get('state');
  }
  return out;
}

// The stand-in's /authorize with login_hint: its 302 back to our callback, as a URL.
export async function authorize(location) {
  const res = await fetchRaw(location.toString());
  assert.equal(res.status, 302, `ESIA /authorize answered ${res.status}: ${res.text.slice(0, 200)}`);
  const back = new URL(res.headers.location);
  assert.equal(`${back.origin}${back.pathname}`, CALLBACK, `ESIA sent us back to ${back}`);
  return back;
}

// Our callback, as a browser holding `cookie` (a Cookie header value or undefined) would call it.
export function callback(params, cookie) {
  const qs = params instanceof URL ? params.search : `?${new URLSearchParams(params)}`;
  return request(`/auth/esia/callback${qs}`, { headers: cookie ? { Cookie: cookie } : {} });
}

/*
 * Starts a login for pin and brings it to the point where ESIA sends the
 * browser back: { state, code, back (callback URL), cookie (Cookie header) }.
 */
export async function loginUntilCallback(pin, next = '/x') {
  const l = await startLogin({ next, login_hint: pin });
  assert.equal(l.res.status, 302, `login: ${l.res.status} ${l.res.text.slice(0, 200)}`);
  assert.ok(l.loginCookie, 'login: a shailoo_login cookie');
  const back = await authorize(l.location);
  return {
    state: back.searchParams.get('state'),
    code: back.searchParams.get('code'),
    back,
    cookie: `shailoo_login=${l.loginCookie.value}`,
    location: l.location,
  };
}

/*
 * Signs a person in through the real flow and checks each step.  Returns
 * { token, cookie (Cookie header), me (GET /api/v1/me body), csrf, claims }.
 */
export async function signIn(pin, next = '/x') {
  let f;
  let res;
  // The stand-in's spoiler (auth_attacks.test.mjs) is global: a login of
  // another test file may take it in the few milliseconds it is pending.
  // A refused sign-in is tried again; a real refusal stays a refusal.
  for (let attempt = 0; attempt < 3; attempt++) {
    f = await loginUntilCallback(pin, next);
    res = await callback(f.back, f.cookie);
    if (res.status !== 401) break;
  }
  assert.equal(res.status, 303, `callback: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.location, next, 'callback: back to next');
  const s = cookieNamed(res, 'shailoo_session');
  assert.equal(s.length, 1, `callback: one shailoo_session cookie (${res.headers['set-cookie']})`);
  const token = s[0].value;
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'callback: the session cookie is a JWS');
  const cookie = `shailoo_session=${token}`;
  const meRes = await request('/api/v1/me', { headers: { Cookie: cookie } });
  assert.equal(meRes.status, 200, `me after sign-in: ${meRes.status} ${meRes.text.slice(0, 200)}`);
  return { token, cookie, me: meRes.json, csrf: meRes.json.csrf_token, claims: decodeJwt(token).payload, callbackRes: res, flow: f };
}

export const me = (cookie) => request('/api/v1/me', { headers: cookie ? { Cookie: cookie } : {} });

export const logout = (cookie, csrf) =>
  request('/auth/logout', {
    method: 'POST',
    body: '',
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(csrf !== undefined ? { 'X-CSRF-Token': csrf } : {}) },
  });

// ---------------------------------------------------------------- the stand-in's hooks

export async function esiaSpoil(spoil) {
  const res = await fetchRaw(`${ESIA}/_test/next-token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(spoil),
  });
  assert.equal(res.status, 200, `ESIA hook next-token ${JSON.stringify(spoil)}: ${res.status} ${res.text}`);
}

export async function esiaReset() {
  const res = await fetchRaw(`${ESIA}/_test/reset`, { method: 'POST', body: '' });
  assert.equal(res.status, 200, `ESIA hook reset: ${res.status} ${res.text}`);
}

export async function esiaCodes() {
  const res = await fetchRaw(`${ESIA}/_test/codes`);
  assert.equal(res.status, 200, `ESIA hook codes: ${res.status} ${res.text}`);
  return res.json;
}

// ---------------------------------------------------------------- JWT


export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: Buffer.from(s ?? '', 'base64url'),
    input: `${h}.${p}`,
  };
}

export const KEY_FILE = `${VAR}/keys/session.pem`;
export const PUB_FILE = `${VAR}/keys/session.pub.pem`;

function readOrNull(f) {
  try {
    return fs.readFileSync(f);
  } catch {
    return null;
  }
}
// The instance's own keys (the private one is readable by root only).
export const SESSION_PRIVATE = readOrNull(KEY_FILE);
export const SESSION_PUBLIC = readOrNull(PUB_FILE);

// A compact JWS signed with ES256 (raw r||s, as JOSE wants) by keyPem (a PEM or a KeyObject).
export function signES256(payload, key, header = { alg: 'ES256', typ: 'JWT' }) {
  const input = `${b64u(header)}.${b64u(payload)}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

export function signHS256(payload, secret, header = { alg: 'HS256', typ: 'JWT' }) {
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const unsigned = (payload) => `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(payload)}.`;

export function verifyES256(token, publicPem) {
  const { input, signature } = decodeJwt(token);
  return crypto.verify('sha256', Buffer.from(input), { key: publicPem, dsaEncoding: 'ieee-p1363' }, signature);
}

export const randomId = () => crypto.randomBytes(32).toString('base64url');

/*
 * A session row of our own, as the callback would make it: returns
 * { sid, csrf, pin } (expires in `seconds`, may be negative).
 */
export function insertSession(pin, seconds, name = 'Тест Сессия') {
  const sid = randomId();
  psql(`INSERT INTO sessions (id, pin, name, created_at, expires_at)
        VALUES (:'sid', :'pin', :'name', now() - interval '1 hour', now() + make_interval(secs => :'secs'::int))`,
  { sid, pin, name, secs: seconds });
  return { sid, csrf: randomId(), pin };
}

// The claims of cgi/core/session.c (the subject is the session id, never the PIN).
export const claimsFor = ({ sid, csrf }, { iat = now(), exp = now() + 1800, iss = 'shailoo' } = {}) => ({
  iss, sid, sub: sid, csrf, iat, exp,
});

export const sessionRow = (sid) => {
  const rows = psql(`SELECT pin, name, extract(epoch FROM expires_at)::bigint, revoked_at IS NOT NULL
                       FROM sessions WHERE id = :'sid'`, { sid });
  if (rows.length === 0) return null;
  const [pin, name, expires, revoked] = rows[0];
  return { pin, name, expires: Number(expires), revoked: revoked === 't' };
};
