#!/usr/bin/env node
// A local stand-in for ESIA, the state identity provider: an OpenID Connect
// provider (authorization code flow with PKCE S256, RS256 id_tokens), used by
// `make run` (demo people sign in from a browser) and by the tests.  Our C
// server talks to it exactly as to the real one.  See README.md here.
//
//   node tests/fakes/esia.mjs --port 18481 --key-dir DIR
//        --client ID:SECRET:REDIRECT_URI [--client ...] [--people FILE]
//        [--issuer URL] [--code-ttl SECONDS] [--test-hooks]
//
// Node's standard library only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const CODE_TTL_DEFAULT = 60; // s, as the brief and common practice
const TOKEN_TTL = 300; // s, id_token and access_token
const MAX_BODY = 64 * 1024;
const PIN_RE = /^[0-9]{14}$/;
// RFC 7636 4.1: code_verifier = 43*128unreserved; the S256 challenge is 43 chars.
const PKCE_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

// ---------------------------------------------------------------- options

function usage(msg) {
  if (msg) process.stderr.write(`esia: ${msg}\n`);
  process.stderr.write(
    'usage: esia.mjs --port N --key-dir DIR --client ID:SECRET:REDIRECT_URI [--client ...]\n' +
      '                [--people FILE] [--issuer URL] [--code-ttl S] [--test-hooks] [--exit-on-stdin-close]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { port: 18481, keyDir: null, clients: new Map(), people: [], issuer: null, codeTtl: CODE_TTL_DEFAULT, testHooks: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') o.port = Number(val());
    else if (a === '--key-dir') o.keyDir = val();
    else if (a === '--issuer') o.issuer = val().replace(/\/+$/, '');
    else if (a === '--code-ttl') o.codeTtl = Number(val());
    else if (a === '--test-hooks') o.testHooks = true;
    else if (a === '--exit-on-stdin-close') o.exitOnStdinClose = true;
    else if (a === '--people') o.peopleFile = val();
    else if (a === '--client') {
      // The redirect URI has colons of its own (and a secret may too): the
      // ID ends at the first colon, the URI starts at ":http://" or ":https://".
      const s = val();
      const i1 = s.indexOf(':');
      const m = i1 < 0 ? null : /:(https?:\/\/.+)$/.exec(s.slice(i1));
      const i2 = m ? i1 + m.index : -1;
      if (i1 <= 0 || !m) usage(`bad --client ${s} (ID:SECRET:REDIRECT_URI)`);
      const id = s.slice(0, i1);
      const secret = s.slice(i1 + 1, i2);
      const redirectUri = m[1];
      if (secret === '') usage(`empty secret in --client ${s}`);
      try {
        new URL(redirectUri);
      } catch {
        usage(`bad redirect URI in --client ${s}`);
      }
      o.clients.set(id, { id, secret, redirectUri });
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) usage('bad --port');
  if (!o.keyDir) usage('--key-dir is required');
  if (o.clients.size === 0) usage('at least one --client is required');
  if (!(o.codeTtl > 0)) usage('bad --code-ttl');
  if (o.peopleFile) o.people = loadPeople(o.peopleFile);
  return o;
}

function loadPeople(file) {
  let list;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    usage(`cannot read --people ${file}: ${e.message}`);
  }
  if (!Array.isArray(list)) usage(`--people ${file}: not a JSON array`);
  const str = (v) => typeof v === 'string' && v !== '';
  for (const p of list) {
    if (!p || !PIN_RE.test(p.pin) || !str(p.last_name) || !str(p.first_name))
      usage(`--people ${file}: each entry needs pin (14 digits), last_name, first_name: ${JSON.stringify(p)}`);
    if (p.patronymic != null && typeof p.patronymic !== 'string') usage(`--people ${file}: bad patronymic for ${p.pin}`);
  }
  return list;
}

// ---------------------------------------------------------------- keys

// The private key (PKCS#8, 0600) is made once and kept; the public key (SPKI)
// is always rewritten from it, so the two never disagree.
function loadKeys(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const privFile = path.join(dir, 'esia-private.pem');
  const pubFile = path.join(dir, 'esia-public.pem');
  let privPem;
  if (fs.existsSync(privFile)) {
    privPem = fs.readFileSync(privFile, 'utf8');
  } else {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    privPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      fs.writeFileSync(privFile, privPem, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      privPem = fs.readFileSync(privFile, 'utf8'); // another fake won the race
    }
  }
  const privateKey = crypto.createPrivateKey(privPem);
  const publicKey = crypto.createPublicKey(privateKey);
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' });
  let current = null;
  try {
    current = fs.readFileSync(pubFile, 'utf8');
  } catch {}
  if (current !== pubPem) {
    const tmp = `${pubFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, pubPem, { mode: 0o644 });
    fs.renameSync(tmp, pubFile);
  }
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint as the key id.
  const kid = crypto
    .createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
  return { privateKey, publicKey, pubPem, kid, jwk: { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' } };
}

// ---------------------------------------------------------------- state

const opts = parseArgs(process.argv.slice(2));
const keys = loadKeys(opts.keyDir);
let foreignKey = null; // made on first use by the foreign_key hook
let issuer = opts.issuer; // set once the port is known

const codes = new Map(); // code -> grant
const accessTokens = new Map(); // token -> { claims, exp, code }
let nextToken = null; // test hook: how to spoil the next id_token

const now = () => Math.floor(Date.now() / 1000);
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const randomToken = () => crypto.randomBytes(32).toString('base64url');

function personFor(pin) {
  const p = opts.people.find((x) => x.pin === pin);
  if (p) return { pin, last_name: p.last_name, first_name: p.first_name, patronymic: p.patronymic ?? '' };
  return { pin, last_name: 'Демо', first_name: 'Пользователь', patronymic: '' };
}

// Forget what is long dead so a long `make run` does not grow.
function sweep() {
  const t = now();
  for (const [c, g] of codes) if (t - g.issuedAt > 3600) codes.delete(c);
  for (const [a, v] of accessTokens) if (v.exp < t) accessTokens.delete(a);
}

// ---------------------------------------------------------------- HTTP helpers

function send(res, status, headers, body) {
  const buf = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  res.writeHead(status, { 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

function sendJson(res, status, obj, extra = {}) {
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...extra }, JSON.stringify(obj));
}

// RFC 6749 5.2 error response.
function oauthError(res, status, error, description, extra = {}) {
  sendJson(res, status, { error, error_description: description }, extra);
}

function redirect(res, location) {
  send(res, 302, { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
}

function withParams(uri, params) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, v);
  return u.toString();
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Query or form parameters; a parameter given twice is refused (RFC 6749 3.1, 3.2).
function params(search) {
  const sp = new URLSearchParams(search);
  const out = {};
  for (const k of new Set(sp.keys())) {
    const all = sp.getAll(k);
    if (all.length > 1) return { dup: k };
    out[k] = all[0];
  }
  return { p: out };
}

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const isLoopback = (req) => ['127.0.0.1', '::ffff:127.0.0.1', '::1'].includes(req.socket.remoteAddress);

// ---------------------------------------------------------------- authorize

const AUTH_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];

// Checks an authorization request.  Returns { page } for a 400 page shown
// here (client or redirect URI not trustworthy: never redirect), { error,
// description } for an error sent back to the client, or { ok }.
function checkAuthorize(p) {
  const client = opts.clients.get(p.client_id ?? '');
  if (!client) return { page: 'Неизвестный client_id. / Белгисиз client_id.' };
  if (p.redirect_uri !== client.redirectUri) return { page: 'redirect_uri не совпадает с зарегистрированным. / redirect_uri катталганга дал келбейт.' };
  if (p.response_type !== 'code') return { client, error: 'unsupported_response_type', description: 'response_type must be code' };
  const scopes = (p.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('openid')) return { client, error: 'invalid_request', description: 'scope must contain openid' };
  if (!p.state) return { client, error: 'invalid_request', description: 'state is required' };
  if (!p.nonce) return { client, error: 'invalid_request', description: 'nonce is required' };
  if (!p.code_challenge || !PKCE_RE.test(p.code_challenge))
    return { client, error: 'invalid_request', description: 'code_challenge is required (43-128 characters of A-Z a-z 0-9 - . _ ~)' };
  if (p.code_challenge_method !== 'S256') return { client, error: 'invalid_request', description: 'code_challenge_method must be S256' };
  return { ok: true, client, scopes };
}

function issueCode(res, p, scopes, pin) {
  const code = randomToken();
  const t = now();
  codes.set(code, {
    code,
    clientId: p.client_id,
    redirectUri: p.redirect_uri,
    codeChallenge: p.code_challenge,
    nonce: p.nonce,
    scope: ['openid', 'profile'].filter((s) => scopes.includes(s)).join(' '),
    person: personFor(pin),
    authTime: t,
    issuedAt: t,
    used: false,
    accessTokens: [],
  });
  redirect(res, withParams(p.redirect_uri, { code, state: p.state }));
}

function handleAuthorize(req, res, url, confirm) {
  const { p, dup } = params(url.search);
  if (dup) return errorPage(res, 400, `Параметр ${dup} указан дважды. / ${dup} параметри эки жолу берилген.`);
  const chk = checkAuthorize(p);
  if (chk.page) return errorPage(res, 400, chk.page);
  if (chk.error) return redirect(res, withParams(p.redirect_uri, { error: chk.error, error_description: chk.description, state: p.state || undefined }));
  const pin = confirm ? p.pin : p.login_hint;
  if (pin !== undefined && PIN_RE.test(pin)) return issueCode(res, p, chk.scopes, pin);
  // A login_hint that is not a PIN is only a hint: show the page.  A confirm
  // without a valid PIN is a mistake in the form: show it again, with why.
  const problem = confirm || pin ? 'ПИН — это 14 цифр. / ПИН 14 сандан турат.' : null;
  return loginPage(res, confirm ? 400 : 200, p, problem, pin ?? '');
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f23}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.1rem;margin-top:1.5rem}
ul{list-style:none;padding:0}li{margin:.5rem 0}
button{font:inherit;padding:.6rem 1rem;border:1px solid #0b5cad;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer;text-align:left;width:100%}
button:focus-visible,input:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.who{display:block;font-weight:600}.pin{display:block;font-family:monospace}.role{display:block;font-size:.9rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
input{font:inherit;padding:.5rem;border:1px solid #555;border-radius:6px;width:100%;box-sizing:border-box;margin-bottom:.5rem}
.alert{background:#fde8e8;border:1px solid #b42318;padding:.75rem;border-radius:6px}
.note{font-size:.9rem;color:#444}`;
const STYLE_HASH = crypto.createHash('sha256').update(STYLE).digest('base64');

function pageHeaders() {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function page(title, body) {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function errorPage(res, status, message) {
  send(
    res,
    status,
    pageHeaders(),
    page('ЕСИ: ошибка запроса', `<h1>Ошибка запроса / <span lang="ky">Суроо туура эмес</span></h1>
<p class="alert" role="alert">${esc(message)}</p>
<p class="note">Вернитесь на сайт, с которого пришли, и попробуйте снова. / <span lang="ky">Келген сайтыңызга кайтып, кайра аракет кылыңыз.</span></p>`),
  );
}

function hiddenInputs(p) {
  return AUTH_PARAMS.filter((k) => p[k] !== undefined)
    .map((k) => `<input type="hidden" name="${esc(k)}" value="${esc(p[k])}">`)
    .join('\n');
}

function loginPage(res, status, p, problem, typedPin) {
  const hidden = hiddenInputs(p);
  const people = opts.people
    .map((x) => {
      const name = [x.last_name, x.first_name, x.patronymic].filter(Boolean).join(' ');
      const role = [x.role, x.scope].filter(Boolean).join(', ');
      return `<li><button type="submit" name="pin" value="${esc(x.pin)}"><span class="who">${esc(name)}</span><span class="pin">ПИН ${esc(x.pin)}</span>${
        role ? `<span class="role">${esc(role)}</span>` : ''
      }</button></li>`;
    })
    .join('\n');
  const body = `<h1>Вход через ЕСИ / <span lang="ky">ЭСИ аркылуу кирүү</span></h1>
<p class="note">Демонстрационный поставщик удостоверения: пароль не нужен. / <span lang="ky">Демо-версия: сырсөз талап кылынбайт.</span></p>
${problem ? `<p class="alert" role="alert" id="problem">${esc(problem)}</p>` : ''}
${
  people
    ? `<h2 id="people-h">Войти как демо-пользователь / <span lang="ky">Демо-колдонуучу катары кирүү</span></h2>
<form method="get" action="/authorize/confirm" aria-labelledby="people-h">
${hidden}
<ul>
${people}
</ul>
</form>`
    : ''
}
<h2 id="pin-h">Войти по ПИН / <span lang="ky">ПИН менен кирүү</span></h2>
<form method="get" action="/authorize/confirm" aria-labelledby="pin-h">
${hidden}
<label for="pin">ПИН (14 цифр) / <span lang="ky">ПИН (14 сан)</span></label>
<input id="pin" name="pin" type="text" inputmode="numeric" autocomplete="off" required pattern="[0-9]{14}" maxlength="14" value="${esc(typedPin ?? '')}" aria-describedby="pin-hint${problem ? ' problem' : ''}"${problem ? ' aria-invalid="true"' : ''}>
<p class="note" id="pin-hint">Первая цифра — пол, затем дата рождения ДДММГГГГ и пять цифр номера. / <span lang="ky">Биринчи сан — жынысы, андан кийин туулган күнү ККААЖЖЖЖ жана беш сан.</span></p>
<button type="submit">Войти / <span lang="ky">Кирүү</span></button>
</form>`;
  send(res, status, pageHeaders(), page('ЕСИ: вход', body));
}

// ---------------------------------------------------------------- tokens

function claimsFor(grant, clientId) {
  const t = now();
  const p = grant.person;
  return {
    iss: issuer,
    sub: p.pin,
    aud: clientId,
    exp: t + TOKEN_TTL,
    iat: t,
    nbf: t,
    auth_time: grant.authTime,
    nonce: grant.nonce,
    pin: p.pin,
    family_name: p.last_name,
    given_name: p.first_name,
    middle_name: p.patronymic,
    name: [p.last_name, p.first_name, p.patronymic].filter(Boolean).join(' '),
  };
}

// The JWS of the claims, spoiled the way the test hook asked (if it did).
function makeIdToken(claims, spoil) {
  claims = { ...claims };
  let header = { alg: 'RS256', typ: 'JWT', kid: keys.kid };
  let signWith = keys.privateKey;
  if (spoil) {
    const t = now();
    if (spoil.expired) Object.assign(claims, { iat: t - 3600 - TOKEN_TTL, nbf: t - 3600 - TOKEN_TTL, auth_time: t - 3600 - TOKEN_TTL, exp: t - 3600 });
    if (spoil.nbf_future) Object.assign(claims, { iat: t + 600, nbf: t + 600, exp: t + 600 + TOKEN_TTL });
    if ('iss' in spoil) claims.iss = spoil.iss;
    if ('aud' in spoil) claims.aud = spoil.aud;
    if ('nonce' in spoil) {
      if (spoil.nonce === null) delete claims.nonce;
      else claims.nonce = spoil.nonce;
    }
    if ('pin' in spoil) claims.sub = claims.pin = spoil.pin;
    if ('kid' in spoil) header.kid = spoil.kid;
    if (spoil.foreign_key) {
      foreignKey ??= crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      signWith = foreignKey;
    }
    if (spoil.alg === 'HS256') header = { alg: 'HS256', typ: 'JWT', kid: header.kid };
    if (spoil.alg === 'none') header = { alg: 'none', typ: 'JWT' };
  }
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  let sig;
  if (header.alg === 'RS256') sig = b64u(crypto.sign('sha256', Buffer.from(input), signWith));
  else if (header.alg === 'HS256') sig = b64u(crypto.createHmac('sha256', keys.pubPem).update(input).digest());
  else sig = '';
  let token = `${input}.${sig}`;
  if (spoil?.tamper) {
    // Someone else's PIN after signing: the signature no longer fits.
    const other = claims.pin === '20101195000044' ? '10803198500022' : '20101195000044';
    const forged = { ...claims, sub: other, pin: other };
    token = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(forged))}.${sig}`;
  }
  return token;
}

function safeEqual(a, b) {
  const ha = crypto.createHash('sha256').update(String(a)).digest();
  const hb = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(ha, hb) && a === b;
}

// RFC 6749 2.3.1: the Basic credentials are form-urlencoded before base64.
function formDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

async function handleToken(req, res) {
  const ctype = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let body;
  try {
    body = await readBody(req);
  } catch (e) {
    return oauthError(res, e.status ?? 400, 'invalid_request', e.message);
  }
  if (ctype !== 'application/x-www-form-urlencoded')
    return oauthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  const { p, dup } = params(body.toString('utf8'));
  if (dup) return oauthError(res, 400, 'invalid_request', `parameter ${dup} given more than once`);

  // Client authentication: client_secret_basic or client_secret_post, not both.
  let id;
  let secret;
  const auth = req.headers.authorization;
  const basicTried = auth !== undefined;
  const challenge = { 'WWW-Authenticate': 'Basic realm="esia", charset="UTF-8"' };
  if (basicTried) {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(auth);
    const dec = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = dec.indexOf(':');
    if (!m || colon < 0) return oauthError(res, 401, 'invalid_client', 'malformed Basic credentials', challenge);
    id = formDecode(dec.slice(0, colon));
    secret = formDecode(dec.slice(colon + 1));
    if (p.client_secret !== undefined)
      return oauthError(res, 400, 'invalid_request', 'use one client authentication method, not two');
    if (p.client_id !== undefined && p.client_id !== id)
      return oauthError(res, 400, 'invalid_request', 'client_id in the body differs from the authenticated client');
  } else {
    id = p.client_id;
    secret = p.client_secret;
  }
  const client = id != null ? opts.clients.get(id) : undefined;
  if (!client || secret == null || !safeEqual(secret, client.secret))
    return oauthError(res, 401, 'invalid_client', 'client authentication failed', basicTried ? challenge : {});

  if (p.grant_type === undefined) return oauthError(res, 400, 'invalid_request', 'grant_type is required');
  if (p.grant_type !== 'authorization_code')
    return oauthError(res, 400, 'unsupported_grant_type', 'only authorization_code is supported');
  for (const k of ['code', 'redirect_uri', 'code_verifier'])
    if (!p[k]) return oauthError(res, 400, 'invalid_request', `${k} is required`);

  const grant = codes.get(p.code);
  if (!grant) return oauthError(res, 400, 'invalid_grant', 'unknown authorization code');
  if (grant.clientId !== client.id) return oauthError(res, 400, 'invalid_grant', 'the code was issued to another client');
  if (grant.used) {
    // RFC 6749 4.1.2: a code used twice: refuse, and revoke what it gave.
    for (const a of grant.accessTokens) accessTokens.delete(a);
    return oauthError(res, 400, 'invalid_grant', 'the authorization code has already been used');
  }
  grant.used = true; // any attempt by its client spends it (no guessing the verifier)
  grant.usedAt = now();
  if (now() - grant.issuedAt > opts.codeTtl) return oauthError(res, 400, 'invalid_grant', 'the authorization code has expired');
  if (p.redirect_uri !== grant.redirectUri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
  if (!PKCE_RE.test(p.code_verifier)) return oauthError(res, 400, 'invalid_request', 'code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~');
  const challengeOf = crypto.createHash('sha256').update(p.code_verifier, 'ascii').digest('base64url');
  if (!safeEqual(challengeOf, grant.codeChallenge)) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');

  const claims = claimsFor(grant, client.id);
  const spoil = nextToken;
  nextToken = null;
  const idToken = makeIdToken(claims, spoil);
  const access = randomToken();
  accessTokens.set(access, { claims, exp: now() + TOKEN_TTL, code: grant.code });
  grant.accessTokens.push(access);
  sweep();
  sendJson(res, 200, { access_token: access, token_type: 'Bearer', expires_in: TOKEN_TTL, id_token: idToken, scope: grant.scope });
}

function handleUserinfo(req, res) {
  const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '');
  const tok = m && accessTokens.get(m[1]);
  if (!tok || tok.exp < now())
    return sendJson(res, 401, { error: 'invalid_token', error_description: 'unknown or expired access token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  const c = tok.claims;
  sendJson(res, 200, { sub: c.sub, pin: c.pin, family_name: c.family_name, given_name: c.given_name, middle_name: c.middle_name, name: c.name });
}

function discovery() {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'auth_time', 'nonce', 'pin', 'family_name', 'given_name', 'middle_name', 'name'],
  };
}

// ---------------------------------------------------------------- test hooks

const SPOILERS = {
  alg: (v) => v === 'HS256' || v === 'none',
  tamper: (v) => v === true,
  expired: (v) => v === true,
  nbf_future: (v) => v === true,
  iss: (v) => typeof v === 'string',
  aud: (v) => typeof v === 'string',
  nonce: (v) => v === null || typeof v === 'string',
  pin: (v) => typeof v === 'string',
  kid: (v) => typeof v === 'string',
  foreign_key: (v) => v === true,
};

async function handleTestHook(req, res, url) {
  if (!opts.testHooks || !isLoopback(req)) return sendJson(res, 404, { error: 'not_found' });
  if (req.method === 'POST' && url.pathname === '/_test/next-token') {
    let spoil;
    try {
      spoil = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'bad_json' });
    }
    if (!spoil || typeof spoil !== 'object' || Array.isArray(spoil)) return sendJson(res, 400, { error: 'bad_json' });
    for (const [k, v] of Object.entries(spoil))
      if (!SPOILERS[k] || !SPOILERS[k](v)) return sendJson(res, 400, { error: 'bad_spoiler', field: k });
    nextToken = spoil;
    return sendJson(res, 200, { next_token: nextToken });
  }
  if (req.method === 'POST' && url.pathname === '/_test/reset') {
    nextToken = null;
    return sendJson(res, 200, { reset: true });
  }
  if (req.method === 'GET' && url.pathname === '/_test/codes') {
    return sendJson(
      res,
      200,
      [...codes.values()].map((g) => ({
        code: g.code,
        client_id: g.clientId,
        redirect_uri: g.redirectUri,
        pin: g.person.pin,
        nonce: g.nonce,
        code_challenge: g.codeChallenge,
        issued_at: g.issuedAt,
        used: g.used,
      })),
    );
  }
  return sendJson(res, 404, { error: 'not_found' });
}

// ---------------------------------------------------------------- server

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  if (url.pathname.startsWith('/_test/')) return handleTestHook(req, res, url);
  switch (route) {
    case 'GET /.well-known/openid-configuration':
      return sendJson(res, 200, discovery(), { 'Cache-Control': 'max-age=300' });
    case 'GET /jwks':
      return send(res, 200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'max-age=300' }, JSON.stringify({ keys: [keys.jwk] }));
    case 'GET /authorize':
      return handleAuthorize(req, res, url, false);
    case 'GET /authorize/confirm':
      return handleAuthorize(req, res, url, true);
    case 'POST /token':
      return handleToken(req, res);
    case 'GET /userinfo':
      return handleUserinfo(req, res);
  }
  const known = ['/.well-known/openid-configuration', '/jwks', '/authorize', '/authorize/confirm', '/token', '/userinfo'];
  if (known.includes(url.pathname)) return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: url.pathname === '/token' ? 'POST' : 'GET' });
  return sendJson(res, 404, { error: 'not_found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    process.stderr.write(`esia: ${e.stack}\n`);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'internal error' });
    else res.destroy();
  });
});
server.keepAliveTimeout = 5000;

server.listen(opts.port, '127.0.0.1', () => {
  const port = server.address().port;
  issuer ??= `http://127.0.0.1:${port}`;
  process.stdout.write(`esia: listening on http://127.0.0.1:${port}\n`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// For a parent that may die without a chance to stop us (a test runner
// killed): our stdin is its pipe, which closes whatever way it ends.
if (opts.exitOnStdinClose) {
  process.stdin.on('end', stop).on('close', stop).resume();
}
