// Self-test of the ESIA and Tunduk stand-ins: both started on free ports,
// their protocols checked end to end from outside, as our C server sees them.
//
//   node --test tests/fakes/
//
// The Tunduk cases that read the demo database run when SHAILOO_VAR is set
// and $SHAILOO_VAR/run holds the PostgreSQL socket; otherwise they are skipped.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PEOPLE = JSON.parse(fs.readFileSync(path.join(HERE, 'demo-people.json'), 'utf8'));
const ASANOV = PEOPLE[0];

const VAR = process.env.SHAILOO_VAR;
const PGHOST = VAR ? path.join(VAR, 'run') : null;
const HAVE_DB = !!PGHOST && fs.existsSync(path.join(PGHOST, '.s.PGSQL.5432'));
const NO_DB = HAVE_DB ? false : 'no database: set SHAILOO_VAR to an instance whose $SHAILOO_VAR/run has the PostgreSQL socket';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shailoo-fakes-'));
const children = [];

// Starts a fake; resolves once it has printed its "listening" line.
function start(script, args) {
  return new Promise((resolve, reject) => {
    // Our end of its stdin closes however this process ends: the fake follows.
    const child = spawn(process.execPath, [path.join(HERE, script), ...args, '--exit-on-stdin-close'], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}`, line: out.trim() });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.kill('SIGTERM');
  });
}

process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
after(async () => {
  for (const c of children) await stop(c);
  fs.rmSync(tmp, { recursive: true, force: true });
});

// One request, the path sent as written.  { status, headers, text, json }.
function request(port, method, pathname, { headers = {}, body } = {}) {
  if (body !== undefined) headers = { 'Content-Length': Buffer.byteLength(body), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64u = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

// ==================================================================== ESIA

describe('ESIA stand-in (OpenID Connect, code flow with PKCE)', () => {
  const keyDir = path.join(tmp, 'keys');
  const CLIENT = { id: 'shailoo', secret: 's3cret:with:colons', redirect: 'http://127.0.0.1:18080/api/v1/auth/esia/callback' };
  let esia;
  let pubPem;
  let pubKey;

  before(async () => {
    esia = await start('esia.mjs', [
      '--port', '0', '--key-dir', keyDir,
      '--client', `${CLIENT.id}:${CLIENT.secret}:${CLIENT.redirect}`,
      '--client', 'other:othersecret:http://127.0.0.1:9/cb',
      '--people', path.join(HERE, 'demo-people.json'), '--test-hooks',
    ]);
    pubPem = fs.readFileSync(path.join(keyDir, 'esia-public.pem'), 'utf8');
    pubKey = crypto.createPublicKey(pubPem);
  });

  const get = (p, o) => request(esia.port, 'GET', p, o);
  const post = (p, o) => request(esia.port, 'POST', p, o);

  function pkce() {
    const verifier = b64u(crypto.randomBytes(32));
    return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
  }

  function authorizeQuery(over = {}) {
    const q = {
      response_type: 'code', client_id: CLIENT.id, redirect_uri: CLIENT.redirect, scope: 'openid profile',
      state: b64u(crypto.randomBytes(12)), nonce: b64u(crypto.randomBytes(12)),
      code_challenge_method: 'S256', ...over,
    };
    for (const k of Object.keys(q)) if (q[k] === undefined) delete q[k];
    return q;
  }

  // authorize (signing in pin at once) -> { code, state, nonce, verifier }
  async function authorize(pin = ASANOV.pin, over = {}) {
    const { verifier, challenge } = pkce();
    const q = authorizeQuery({ code_challenge: challenge, login_hint: pin, ...over });
    const r = await get(`/authorize?${new URLSearchParams(q)}`);
    assert.equal(r.status, 302, r.text);
    const loc = new URL(r.headers.location);
    assert.equal(`${loc.origin}${loc.pathname}`, CLIENT.redirect);
    assert.equal(loc.searchParams.get('state'), q.state);
    return { code: loc.searchParams.get('code'), state: q.state, nonce: q.nonce, verifier };
  }

  function token(form, { basic = true, client = CLIENT } = {}) {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const f = { grant_type: 'authorization_code', redirect_uri: client.redirect, ...form };
    if (basic) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
    else Object.assign(f, { client_id: client.id, client_secret: client.secret });
    for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
    return post('/token', { headers, body: new URLSearchParams(f).toString() });
  }

  async function signIn(pin, over) {
    const a = await authorize(pin, over);
    const r = await token({ code: a.code, code_verifier: a.verifier });
    return { a, r };
  }

  function parseJwt(t) {
    const [h, p, s] = t.split('.');
    return { header: unb64u(h), claims: unb64u(p), input: `${h}.${p}`, sig: Buffer.from(s, 'base64url') };
  }
  const rsOk = (j) => j.sig.length > 0 && crypto.verify('sha256', Buffer.from(j.input), pubKey, j.sig);

  test('keys: private 0600 PKCS#8, public SPKI PEM, JWKS the same key', async () => {
    const st = fs.statSync(path.join(keyDir, 'esia-private.pem'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.match(fs.readFileSync(path.join(keyDir, 'esia-private.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(pubPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(pubKey.asymmetricKeyDetails.modulusLength, 2048);
    const r = await get('/jwks');
    assert.equal(r.status, 200);
    assert.equal(r.json.keys.length, 1);
    const k = r.json.keys[0];
    assert.deepEqual([k.kty, k.alg, k.use], ['RSA', 'RS256', 'sig']);
    assert.ok(k.kid);
    const fromJwk = crypto.createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' });
    assert.equal(fromJwk.export({ type: 'spki', format: 'pem' }), pubPem);
  });

  test('discovery document', async () => {
    const r = await get('/.well-known/openid-configuration');
    assert.equal(r.status, 200);
    const d = r.json;
    assert.equal(d.issuer, esia.base);
    assert.equal(d.authorization_endpoint, `${esia.base}/authorize`);
    assert.equal(d.token_endpoint, `${esia.base}/token`);
    assert.equal(d.jwks_uri, `${esia.base}/jwks`);
    assert.deepEqual(d.response_types_supported, ['code']);
    assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(d.scopes_supported, ['openid', 'profile']);
  });

  test('full flow: authorize -> token (client_secret_basic) -> id_token verified with esia-public.pem', async () => {
    const { a, r } = await signIn(ASANOV.pin);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(r.json.expires_in, 300);
    assert.equal(r.json.scope, 'openid profile');
    assert.ok(r.json.access_token.length >= 32);
    const j = parseJwt(r.json.id_token);
    assert.deepEqual(j.header, { alg: 'RS256', typ: 'JWT', kid: (await get('/jwks')).json.keys[0].kid });
    assert.ok(rsOk(j), 'RS256 signature verifies with esia-public.pem');
    const c = j.claims;
    const t = Math.floor(Date.now() / 1000);
    assert.equal(c.iss, esia.base);
    assert.equal(c.aud, CLIENT.id);
    assert.equal(c.sub, ASANOV.pin);
    assert.equal(c.pin, ASANOV.pin);
    assert.equal(c.nonce, a.nonce);
    assert.ok(Math.abs(c.iat - t) <= 5);
    assert.equal(c.nbf, c.iat);
    assert.equal(c.exp, c.iat + 300);
    assert.ok(c.auth_time <= c.iat);
    assert.equal(c.family_name, ASANOV.last_name);
    assert.equal(c.given_name, ASANOV.first_name);
    assert.equal(c.middle_name, ASANOV.patronymic);
    assert.equal(c.name, `${ASANOV.last_name} ${ASANOV.first_name} ${ASANOV.patronymic}`);
    const u = await get('/userinfo', { headers: { Authorization: `Bearer ${r.json.access_token}` } });
    assert.equal(u.status, 200);
    assert.equal(u.json.pin, ASANOV.pin);
  });

  test('client_secret_post works; a PIN not in the people file is "Демо Пользователь"', async () => {
    const a = await authorize('21505199000012');
    const r = await token({ code: a.code, code_verifier: a.verifier }, { basic: false });
    assert.equal(r.status, 200, r.text);
    const c = parseJwt(r.json.id_token).claims;
    assert.equal(c.pin, '21505199000012');
    assert.equal(c.family_name, 'Демо');
    assert.equal(c.given_name, 'Пользователь');
  });

  test('authorize page lists the demo people; a button signs in', async () => {
    const { challenge } = pkce();
    const q = authorizeQuery({ code_challenge: challenge, state: '"><script>alert(1)</script>' });
    const r = await get(`/authorize?${new URLSearchParams(q)}`);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.match(r.headers['content-security-policy'], /default-src 'none'/);
    assert.match(r.text, /<html lang="ru">/);
    for (const p of PEOPLE) assert.ok(r.text.includes(`value="${p.pin}"`), p.pin);
    assert.ok(r.text.includes('Асанов Бакыт Жумабекович'));
    assert.match(r.text, /<label for="pin">/);
    assert.ok(!r.text.includes('<script>'), 'parameters are escaped');
    assert.ok(!/(src|href)="?https?:/.test(r.text), 'no external resources');
    const c = await get(`/authorize/confirm?${new URLSearchParams({ ...q, pin: PEOPLE[1].pin })}`);
    assert.equal(c.status, 302);
    const loc = new URL(c.headers.location);
    assert.equal(loc.searchParams.get('state'), q.state);
    assert.ok(loc.searchParams.get('code'));
    const bad = await get(`/authorize/confirm?${new URLSearchParams({ ...q, pin: '123' })}`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /role="alert"/);
  });

  test('authorize: unknown client or redirect_uri -> 400 page, no redirect', async () => {
    const { challenge } = pkce();
    for (const over of [{ client_id: 'nobody' }, { redirect_uri: `${CLIENT.redirect}x` }, { redirect_uri: undefined }, { client_id: 'other' }]) {
      const r = await get(`/authorize?${new URLSearchParams(authorizeQuery({ code_challenge: challenge, login_hint: ASANOV.pin, ...over }))}`);
      assert.equal(r.status, 400, JSON.stringify(over));
      assert.equal(r.headers.location, undefined);
      assert.match(r.headers['content-type'], /^text\/html/);
    }
  });

  test('authorize: bad requests come back to the client as error=...&state=...', async () => {
    const { challenge } = pkce();
    const cases = [
      [{ scope: 'profile' }, 'invalid_request'],
      [{ nonce: undefined }, 'invalid_request'],
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge: 'short' }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
    ];
    for (const [over, error] of cases) {
      const q = authorizeQuery({ code_challenge: challenge, login_hint: ASANOV.pin, ...over });
      const r = await get(`/authorize?${new URLSearchParams(q)}`);
      assert.equal(r.status, 302, JSON.stringify(over));
      const loc = new URL(r.headers.location);
      assert.equal(loc.searchParams.get('error'), error, JSON.stringify(over));
      assert.equal(loc.searchParams.get('state'), q.state);
      assert.equal(loc.searchParams.get('code'), null);
    }
    const q = authorizeQuery({ code_challenge: challenge, state: undefined, login_hint: ASANOV.pin });
    const r = await get(`/authorize?${new URLSearchParams(q)}`);
    assert.equal(new URL(r.headers.location).searchParams.get('error'), 'invalid_request');
  });

  test('token: wrong client secret -> 401 invalid_client', async () => {
    const a = await authorize();
    const r = await token({ code: a.code, code_verifier: a.verifier }, { client: { ...CLIENT, secret: 'wrong' } });
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    assert.ok(r.json.error_description);
    assert.match(r.headers['www-authenticate'], /^Basic /);
    const r2 = await token({ code: a.code, code_verifier: a.verifier }, { basic: false, client: { ...CLIENT, secret: 'wrong' } });
    assert.equal(r2.status, 401);
  });

  test('token: PKCE mismatch refused', async () => {
    const a = await authorize();
    const r = await token({ code: a.code, code_verifier: pkce().verifier });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
    assert.equal(r.json.id_token, undefined);
  });

  test('token: a code works once; the replay is refused and issues nothing', async () => {
    const a = await authorize();
    const r1 = await token({ code: a.code, code_verifier: a.verifier });
    assert.equal(r1.status, 200);
    const r2 = await token({ code: a.code, code_verifier: a.verifier });
    assert.equal(r2.status, 400);
    assert.deepEqual(Object.keys(r2.json).sort(), ['error', 'error_description']);
    assert.equal(r2.json.error, 'invalid_grant');
    // RFC 6749 4.1.2: what the code gave is revoked too.
    const u = await get('/userinfo', { headers: { Authorization: `Bearer ${r1.json.access_token}` } });
    assert.equal(u.status, 401);
    const codes = (await get('/_test/codes')).json;
    const row = codes.find((c) => c.code === a.code);
    assert.equal(row.used, true);
    assert.equal(row.pin, ASANOV.pin);
  });

  test('token: wrong redirect_uri, another client, unknown code, bad grant_type, bad content type', async () => {
    let a = await authorize();
    let r = await token({ code: a.code, code_verifier: a.verifier, redirect_uri: 'http://127.0.0.1:18080/elsewhere' });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_grant']);
    a = await authorize();
    r = await token({ code: a.code, code_verifier: a.verifier }, { client: { id: 'other', secret: 'othersecret', redirect: 'http://127.0.0.1:9/cb' } });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_grant']);
    r = await token({ code: 'nope', code_verifier: a.verifier });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_grant']);
    r = await token({ code: a.code, code_verifier: a.verifier, grant_type: 'password' });
    assert.deepEqual([r.status, r.json.error], [400, 'unsupported_grant_type']);
    r = await token({ code: a.code });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_request']);
    r = await post('/token', { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_request']);
    // Still good after all that: the other client's attempt did not spend it.
    r = await token({ code: a.code, code_verifier: a.verifier });
    assert.equal(r.status, 200, r.text);
  });

  describe('spoiling hooks: each changes what it should, once', () => {
    const pemHmac = (input) => crypto.createHmac('sha256', pubPem).update(input).digest();

    async function spoiled(spoil) {
      const h = await post('/_test/next-token', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(spoil) });
      assert.equal(h.status, 200, h.text);
      const { a, r } = await signIn(ASANOV.pin);
      assert.equal(r.status, 200, r.text);
      const j = parseJwt(r.json.id_token);
      // The hook is one-shot: the next token is good again.
      const next = parseJwt((await signIn(ASANOV.pin)).r.json.id_token);
      assert.ok(rsOk(next));
      assert.equal(next.header.alg, 'RS256');
      assert.equal(next.claims.iss, esia.base);
      return { a, j, t: Math.floor(Date.now() / 1000) };
    }

    test('alg HS256 signed with the public key PEM as HMAC secret', async () => {
      const { j } = await spoiled({ alg: 'HS256' });
      assert.equal(j.header.alg, 'HS256');
      assert.ok(!rsOk(j));
      assert.ok(crypto.timingSafeEqual(j.sig, pemHmac(j.input)));
    });
    test('alg none: unsigned', async () => {
      const { j } = await spoiled({ alg: 'none' });
      assert.equal(j.header.alg, 'none');
      assert.equal(j.sig.length, 0);
    });
    test('tamper: payload changed after signing', async () => {
      const { j } = await spoiled({ tamper: true });
      assert.equal(j.header.alg, 'RS256');
      assert.ok(!rsOk(j));
      assert.notEqual(j.claims.pin, ASANOV.pin);
      assert.equal(j.claims.sub, j.claims.pin);
    });
    test('expired: exp and iat an hour ago (signature good)', async () => {
      const { j, t } = await spoiled({ expired: true });
      assert.ok(rsOk(j));
      assert.ok(j.claims.exp <= t - 3500);
      assert.ok(j.claims.iat < j.claims.exp);
    });
    test('nbf_future: nbf and iat ten minutes ahead', async () => {
      const { j, t } = await spoiled({ nbf_future: true });
      assert.ok(rsOk(j));
      assert.ok(j.claims.nbf >= t + 590);
      assert.equal(j.claims.iat, j.claims.nbf);
    });
    test('iss', async () => {
      const { j } = await spoiled({ iss: 'http://evil' });
      assert.ok(rsOk(j));
      assert.equal(j.claims.iss, 'http://evil');
    });
    test('aud', async () => {
      const { j } = await spoiled({ aud: 'someone-else' });
      assert.ok(rsOk(j));
      assert.equal(j.claims.aud, 'someone-else');
    });
    test('nonce missing', async () => {
      const { j } = await spoiled({ nonce: null });
      assert.ok(rsOk(j));
      assert.ok(!('nonce' in j.claims));
    });
    test('nonce wrong', async () => {
      const { a, j } = await spoiled({ nonce: 'wrong' });
      assert.ok(rsOk(j));
      assert.equal(j.claims.nonce, 'wrong');
      assert.notEqual(a.nonce, 'wrong');
    });
    test('pin malformed', async () => {
      const { j } = await spoiled({ pin: '123' });
      assert.ok(rsOk(j));
      assert.equal(j.claims.pin, '123');
      assert.equal(j.claims.sub, '123');
    });
    test('foreign key with another kid', async () => {
      const { j } = await spoiled({ kid: 'other', foreign_key: true });
      assert.equal(j.header.alg, 'RS256');
      assert.equal(j.header.kid, 'other');
      assert.ok(!rsOk(j));
    });
    test('reset clears a pending spoiler; a bad spoiler is refused', async () => {
      await post('/_test/next-token', { headers: { 'Content-Type': 'application/json' }, body: '{"alg":"none"}' });
      assert.equal((await post('/_test/reset')).status, 200);
      const j = parseJwt((await signIn(ASANOV.pin)).r.json.id_token);
      assert.ok(rsOk(j));
      for (const body of ['{"alg":"RS512"}', '{"unknown":1}', '[]', 'nope'])
        assert.equal((await post('/_test/next-token', { body })).status, 400, body);
    });
  });

  test('a code older than --code-ttl is refused; hooks absent without --test-hooks; same key reused; SIGTERM exits 0', async () => {
    const before = fs.readFileSync(path.join(keyDir, 'esia-private.pem'), 'utf8');
    const e2 = await start('esia.mjs', ['--port', '0', '--key-dir', keyDir, '--code-ttl', '1', '--client', `${CLIENT.id}:${CLIENT.secret}:${CLIENT.redirect}`]);
    assert.equal(fs.readFileSync(path.join(keyDir, 'esia-private.pem'), 'utf8'), before);
    assert.equal(fs.readFileSync(path.join(keyDir, 'esia-public.pem'), 'utf8'), pubPem);
    const { verifier, challenge } = pkce();
    const q = authorizeQuery({ code_challenge: challenge, login_hint: ASANOV.pin });
    const r = await request(e2.port, 'GET', `/authorize?${new URLSearchParams(q)}`);
    const code = new URL(r.headers.location).searchParams.get('code');
    await new Promise((res) => setTimeout(res, 2100));
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirect, code_verifier: verifier, client_id: CLIENT.id, client_secret: CLIENT.secret }).toString();
    const t = await request(e2.port, 'POST', '/token', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    assert.deepEqual([t.status, t.json.error], [400, 'invalid_grant']);
    assert.equal((await request(e2.port, 'GET', '/_test/codes')).status, 404);
    assert.deepEqual(await stop(e2.child), { code: 0, signal: null });
  });
});

// ==================================================================== Tunduk

describe('Tunduk stand-in (X-Road message protocol for REST r1)', () => {
  const CLIENT = 'central-server/GOV/70000001/shailoo';
  const SVC = '/r1/central-server/GOV/70000003/population/person';
  let tunduk;

  before(async () => {
    const pghost = HAVE_DB ? PGHOST : path.join(tmp, 'no-database');
    tunduk = await start('tunduk.mjs', ['--port', '0', '--pghost', pghost, '--test-hooks']);
  });

  const call = (p, headers = { 'X-Road-Client': CLIENT }, method = 'GET', body) => request(tunduk.port, method, p, { headers, body });
  const hook = (p, obj) => request(tunduk.port, 'POST', p, { headers: { 'Content-Type': 'application/json' }, body: obj === undefined ? undefined : JSON.stringify(obj) });

  function assertXRoadError(r, type, status) {
    assert.equal(r.status, status, r.text);
    assert.equal(r.headers['x-road-error'], type);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.deepEqual(Object.keys(r.json).sort(), ['detail', 'message', 'type']);
    assert.equal(r.json.type, type);
    assert.match(r.json.detail, UUID_RE);
    assert.ok(r.json.message);
  }

  function assertFraming(r) {
    assert.match(r.headers['x-road-id'], /./);
    assert.match(r.headers['x-road-request-id'], UUID_RE);
    assert.equal(Buffer.from(r.headers['x-road-request-hash'], 'base64').length, 64);
  }

  test('X-Road-Client missing or malformed -> 400 Client.BadRequest', async () => {
    const bad = [
      {},
      { 'X-Road-Client': '' },
      { 'X-Road-Client': 'central-server/GOV' },
      { 'X-Road-Client': 'central-server/GOV/70000001/shailoo/extra' },
      { 'X-Road-Client': 'central-server/GOV/7000;001/shailoo' },
      { 'X-Road-Client': 'central-server/GOV/70000001/sha%ZZ' },
      { 'X-Road-Client': 'other-instance/GOV/70000001/shailoo' },
      { 'X-Road-Client': 'central-server/ORG/70000001/shailoo' },
    ];
    for (const h of bad) {
      const r = await call(`${SVC}/${ASANOV.pin}`, h);
      assertXRoadError(r, 'Client.BadRequest', 400);
      assertFraming(r);
    }
  });

  test('malformed service path -> 400 Client.BadRequest; unknown member or service -> 500', async () => {
    for (const p of ['/', '/r2/central-server/GOV/70000003/population/person/1', '/r1/central-server/GOV/70000003/population', '/r1/central-server/GOV/70000003/popu*lation/person/1', '/r1/other/GOV/70000003/population/person/1'])
      assertXRoadError(await call(p), 'Client.BadRequest', 400);
    assertXRoadError(await call('/r1/central-server/GOV/70000099/population/person/1'), 'Server.ClientProxy.UnknownMember', 500);
    assertXRoadError(await call('/r1/central-server/GOV/70000003/population/family/1'), 'Server.ServerProxy.UnknownService', 500);
    assertXRoadError(await call('/r1/central-server/GOV/70000003/tax/person/1'), 'Server.ServerProxy.UnknownService', 500);
  });

  test('X-Road-Id echoed (or made up), X-Road-Client/-Service returned, request hash deterministic', async () => {
    const id = crypto.randomUUID();
    const h = { 'X-Road-Client': CLIENT, 'X-Road-Id': id, 'X-Road-UserId': 'KG21505199000011', 'X-Road-Issue': 'application-42' };
    const r1 = await call(`${SVC}/123`, h);
    assertFraming(r1);
    assert.equal(r1.headers['x-road-id'], id);
    assert.equal(r1.headers['x-road-client'], CLIENT);
    assert.equal(r1.headers['x-road-service'], 'central-server/GOV/70000003/population/person');
    const r2 = await call(`${SVC}/123`, h);
    assert.equal(r2.headers['x-road-request-hash'], r1.headers['x-road-request-hash']);
    assert.notEqual(r2.headers['x-road-request-id'], r1.headers['x-road-request-id']);
    const r3 = await call(`${SVC}/123`, { ...h, 'X-Road-Issue': 'application-43' });
    assert.notEqual(r3.headers['x-road-request-hash'], r1.headers['x-road-request-hash']);
    // The formula of README.md, recomputed here.
    const head = `GET ${SVC}/123 HTTP/1.1\r\nx-road-client: ${CLIENT}\r\nx-road-id: ${id}\r\nx-road-issue: application-42\r\nx-road-userid: KG21505199000011\r\n`;
    const hh = crypto.createHash('sha512').update(head).digest();
    assert.equal(r1.headers['x-road-request-hash'], crypto.createHash('sha512').update(hh).digest('base64'));
    const r4 = await call(`${SVC}/123`);
    assert.match(r4.headers['x-road-id'], UUID_RE);
  });

  test('service-level errors carry no X-Road-Error', async () => {
    let r = await call(`${SVC}/2150519900001X`);
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [400, { error: 'invalid_pin' }, undefined]);
    assertFraming(r);
    r = await call(`${SVC}/${ASANOV.pin}`, { 'X-Road-Client': CLIENT }, 'POST', '{}');
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [405, { error: 'method_not_allowed' }, undefined]);
    r = await call(`${SVC}/${ASANOV.pin}/family`);
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [404, { error: 'not_found' }, undefined]);
  });

  test('fault hook: the next N calls for a PIN fail with the X-Road error asked for', async () => {
    await hook('/_test/reset');
    const pin = PEOPLE[1].pin;
    assert.equal((await hook('/_test/fault', { pin, type: 'Server.ServerProxy.ServiceFailed', times: 2 })).status, 200);
    // Another PIN is not touched.
    assert.equal((await call(`${SVC}/${ASANOV.pin}`)).headers['x-road-error'], undefined);
    for (let i = 0; i < 2; i++) {
      const r = await call(`${SVC}/${pin}`);
      assertXRoadError(r, 'Server.ServerProxy.ServiceFailed', 500);
      assertFraming(r);
    }
    assert.equal((await call(`${SVC}/${pin}`)).headers['x-road-error'], undefined);
    // Without a PIN, any call; the status can be chosen.
    await hook('/_test/fault', { type: 'Server.ClientProxy.NetworkError', status: 504 });
    assertXRoadError(await call(`${SVC}/${ASANOV.pin}/actual-address`), 'Server.ClientProxy.NetworkError', 504);
    assert.equal((await call(`${SVC}/${ASANOV.pin}`)).headers['x-road-error'], undefined);
    // A client-side type defaults to 400.
    await hook('/_test/fault', { type: 'Client.InternalError' });
    assertXRoadError(await call(`${SVC}/${ASANOV.pin}`), 'Client.InternalError', 400);
    // A protocol error comes before any fault.
    await hook('/_test/fault', { type: 'Server.ServerProxy.ServiceFailed' });
    assertXRoadError(await call(`${SVC}/${ASANOV.pin}`, {}), 'Client.BadRequest', 400);
    await hook('/_test/reset');
    for (const bad of [{ type: 'Nonsense' }, { delay_ms: -1 }, { times: 0, type: 'Server.ServerProxy.ServiceFailed' }, { pin }, { extra: 1, type: 'Client.BadRequest' }, { status: 200, type: 'Client.BadRequest' }])
      assert.equal((await hook('/_test/fault', bad)).status, 400, JSON.stringify(bad));
  });

  test('delay hook: answers normally after delay_ms; with a type, fails after it', async () => {
    await hook('/_test/reset');
    await hook('/_test/fault', { delay_ms: 400 });
    let t0 = Date.now();
    let r = await call(`${SVC}/123`);
    assert.ok(Date.now() - t0 >= 390, `took ${Date.now() - t0} ms`);
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [400, { error: 'invalid_pin' }, undefined]);
    t0 = Date.now();
    await call(`${SVC}/123`);
    assert.ok(Date.now() - t0 < 390, 'only once');
    await hook('/_test/fault', { delay_ms: 300, type: 'Server.ServerProxy.NetworkError' });
    t0 = Date.now();
    r = await call(`${SVC}/123`);
    assert.ok(Date.now() - t0 >= 290);
    assertXRoadError(r, 'Server.ServerProxy.NetworkError', 500);
  });

  test('log hook: what our client sent; reset empties it', async () => {
    await hook('/_test/reset');
    const id = crypto.randomUUID();
    await call(`${SVC}/${ASANOV.pin}`, { 'X-Road-Client': CLIENT, 'X-Road-Id': id, 'X-Road-UserId': 'KG10803198500022', 'X-Road-Issue': 'app-7', Accept: 'application/json' });
    const log = (await request(tunduk.port, 'GET', '/_test/log')).json;
    assert.equal(log.length, 1);
    assert.equal(log[0].method, 'GET');
    assert.equal(log[0].path, `${SVC}/${ASANOV.pin}`);
    assert.deepEqual(log[0].headers, { 'x-road-client': CLIENT, 'x-road-id': id, 'x-road-userid': 'KG10803198500022', 'x-road-issue': 'app-7' });
    assert.equal(typeof log[0].status, 'number');
    await hook('/_test/reset');
    assert.deepEqual((await request(tunduk.port, 'GET', '/_test/log')).json, []);
  });

  test('person by PIN from the demo database', { skip: NO_DB }, async () => {
    const psql = (sql) =>
      execFileSync('psql', ['-X', '-qAt', '-h', PGHOST, '-U', 'shailoo', '-d', 'shailoo', '-F', '|', '-c', sql], { encoding: 'utf8' }).trim();
    for (const p of PEOPLE.slice(0, 4)) {
      const r = await call(`${SVC}/${p.pin}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers['x-road-error'], undefined);
      assertFraming(r);
      const b = r.json;
      assert.deepEqual(Object.keys(b), ['pin', 'last_name', 'first_name', 'patronymic', 'birth_date', 'sex', 'registered_address', 'passport', 'deceased']);
      assert.deepEqual([b.pin, b.last_name, b.first_name, b.patronymic], [p.pin, p.last_name, p.first_name, p.patronymic]);
      const [birth, sex, addr] = psql(`SELECT to_char(birth_date, 'YYYY-MM-DD'), sex, address FROM voters WHERE pin = '${p.pin}'`).split('|');
      assert.deepEqual([b.birth_date, b.sex, b.registered_address.street_address], [birth, sex, addr]);
      assert.ok(b.registered_address.region && b.registered_address.settlement);
      assert.equal(b.passport.series, 'ID');
      assert.match(b.passport.number, /^[0-9]{7}$/);
      assert.match(b.passport.valid_until, /^20[0-9]{2}-[0-9]{2}-[0-9]{2}$/);
      assert.equal(b.deceased, false);
      const again = await call(`${SVC}/${p.pin}`);
      assert.deepEqual(again.json.passport, b.passport);
      const aa = await call(`${SVC}/${p.pin}/actual-address`);
      assert.deepEqual(aa.json, { pin: p.pin, actual_address: b.registered_address });
    }
    const bishkek = (await call(`${SVC}/${ASANOV.pin}`)).json.registered_address;
    assert.deepEqual([bishkek.region, bishkek.settlement], ['г. Бишкек', 'Бишкек']);
    const abroad = (await call(`${SVC}/${PEOPLE.find((p) => p.pin === "12207200100033").pin}`)).json.registered_address;
    assert.equal(abroad.region, 'Россия');
  });

  test('a PIN not in the registry -> 404 {"error":"not_found"}, no X-Road-Error', { skip: NO_DB }, async () => {
    const r = await call(`${SVC}/21505199000012`);
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [404, { error: 'not_found' }, undefined]);
    // A PIN that would break a concatenated query is only ever a bad PIN.
    const q = await call(`${SVC}/${encodeURIComponent("1' OR '1'='1")}`);
    assert.deepEqual([q.status, q.json], [400, { error: 'invalid_pin' }]);
  });

  test('without the database the registry answers 500 {"error":"registry_unavailable"}', { skip: HAVE_DB ? 'the database is there' : false }, async () => {
    const r = await call(`${SVC}/${ASANOV.pin}`);
    assert.deepEqual([r.status, r.json, r.headers['x-road-error']], [500, { error: 'registry_unavailable' }, undefined]);
  });

  const CIVIL = '/r1/central-server/GOV/70000015/civil-registry/changes';
  const NEEDS = '/r1/central-server/GOV/70000011/disability/persons';

  test('civil registry feed: changes in order from a cursor; a change delivered again comes at the end', async () => {
    const empty = await call(`${CIVIL}?limit=10`);
    assert.equal(empty.status, 200, empty.text);
    assertFraming(empty);
    assert.deepEqual(empty.json.changes, []);
    assert.match(empty.json.next, /^[0-9]+$/);
    const a = { id: 'ZAGS-1', kind: 'death', pin: ASANOV.pin, date: '2026-12-01', record: { act_number: '1' } };
    const b = { id: 'ZAGS-2', kind: 'pin_change', pin: ASANOV.pin, new_pin: '21505199000019', date: '2026-12-02', record: {} };
    const pa = (await hook('/_test/civil-change', { change: a })).json.position;
    const pb = (await hook('/_test/civil-change', { changes: [b] })).json.position;
    assert.ok(BigInt(pb) > BigInt(pa));
    const first = await call(`${CIVIL}?after=${empty.json.next}&limit=1`);
    assert.deepEqual(first.json, { changes: [a], next: pa });
    const second = await call(`${CIVIL}?after=${pa}&limit=10`);
    assert.deepEqual(second.json, { changes: [b], next: pb });
    const end = await call(`${CIVIL}?after=${pb}`);
    assert.deepEqual(end.json, { changes: [], next: pb });
    const pr = (await hook('/_test/civil-change', { redeliver: 'ZAGS-1' })).json.position;
    assert.deepEqual((await call(`${CIVIL}?after=${pb}`)).json, { changes: [a], next: pr });
    assert.equal((await call(`${CIVIL}?after=x1`)).status, 400);
    assert.equal((await call(`${CIVIL}?limit=0`)).status, 400);
    assert.equal((await call(CIVIL, { 'X-Road-Client': CLIENT }, 'POST', '{}')).status, 405);
    assert.equal((await call(`${CIVIL}/x`)).status, 404);
    assert.equal((await hook('/_test/civil-change', { redeliver: 'nothing' })).status, 404);
    assert.equal((await hook('/_test/civil-change', {})).status, 400);
  });

  test('disability registry: persons needing access, by PIN order a page at a time; a test adds and removes', { skip: NO_DB }, async () => {
    const psql = (sql) =>
      execFileSync('psql', ['-X', '-qAt', '-h', PGHOST, '-U', 'shailoo', '-d', 'shailoo', '-c', sql], { encoding: 'utf8' }).trim();
    const all = [];
    let after = '';
    for (let page = 0; page < 1000; page++) {
      const r = await call(`${NEEDS}?limit=50${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assertFraming(r);
      all.push(...r.json.persons);
      if (r.json.next === null) break;
      assert.equal(r.json.next, r.json.persons[r.json.persons.length - 1].pin);
      after = r.json.next;
    }
    const pins = all.map((p) => p.pin);
    assert.deepEqual(pins, [...pins].sort(), 'in PIN order');
    assert.equal(new Set(pins).size, pins.length, 'each once');
    for (const p of all) assert.ok(['I', 'II', 'III'].includes(p.group), p.group);
    const voters = Number(psql('SELECT count(*) FROM voters'));
    assert.equal(all.length, Number(psql(`SELECT count(*) FROM voters WHERE get_byte(decode(md5('access:' || pin), 'hex'), 0) % 100 = 0`)));
    assert.ok(all.length > voters / 200 && all.length < voters / 50, `about 1 in 100: ${all.length} of ${voters}`);
    const again = await call(`${NEEDS}?limit=10000`);
    assert.deepEqual(again.json.persons, all, 'the same every read');
    // A test's person is listed; null takes one off.
    assert.equal((await hook('/_test/disability', { pin: ASANOV.pin, group: 'child' })).status, 200);
    assert.equal((await hook('/_test/disability', { pin: all[0].pin, group: null })).status, 200);
    const changed = (await call(`${NEEDS}?limit=10000`)).json.persons;
    assert.ok(changed.some((p) => p.pin === ASANOV.pin && p.group === 'child'));
    assert.ok(!changed.some((p) => p.pin === all[0].pin));
    assert.equal((await hook('/_test/disability', { pin: 'x', group: 'I' })).status, 400);
    assert.equal((await hook('/_test/disability', { pin: ASANOV.pin, group: 'IV' })).status, 400);
    assert.equal((await call(`${NEEDS}?after=1`)).status, 400);
  });

  test('SIGTERM: exits 0', async () => {
    assert.deepEqual(await stop(tunduk.child), { code: 0, signal: null });
  });
});
