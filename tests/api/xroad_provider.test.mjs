// Shailoo as an X-Road (Tunduk) service provider (issue 13; cgi/api/xroad.c,
// nginx/xroad.conf.in): another agency's security server (the stand-in
// tests/fakes/security_server.mjs, its client certificate made here from the
// instance's CA) calls our four services over mutual TLS; the CEC's
// administrator keeps the access table; a client not in it, a wrong or no
// certificate, a missing or malformed header, a malformed PIN each get
// X-Road's error shape; every call is in the evidence table with the
// SHA-256 of the answer it got.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { PORT, VAR, request, assertError, psql, psqlValue } from './lib.mjs';
import { signIn, STAFF, REMOVED } from './cabinet_lib.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const XPORT = Number(process.env.SHAILOO_XROAD_PORT ?? PORT + 402);
const SUBSYSTEM = process.env.SHAILOO_XROAD_SUBSYSTEM ?? 'central-server/GOV/70000001/shailoo';
const KEYS = path.join(VAR, 'keys/xroad');
const ALLOWED = 'central-server/GOV/70000060/xroad-test';
const STRANGER = 'central-server/COM/70000061/not-granted';
const RATE_CLIENT = 'central-server/GOV/70000062/rate-test';
const SERVICES = ['voter-status', 'candidate-status', 'complaint-status', 'election-results'];
const VOTER = '21505199000011';
const ABSENT = '29999199999999';

let tmp, trusted, untrusted, standIn, standInPort, cec, voter;
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// A client certificate signed by caPem/caKey (openssl, as a security server's would be).
function makeCert(dir, name, caPem, caKey) {
  const key = path.join(dir, `${name}.key`), csr = path.join(dir, `${name}.csr`), pem = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', caKey, '-set_serial',
    `0x${crypto.randomBytes(8).toString('hex')}`, '-days', '1', '-out', pem], { stdio: 'ignore' });
  return { cert: fs.readFileSync(pem), key: fs.readFileSync(key), pem, keyPath: key };
}

// Reads a response whole: { status, headers, text, json (or undefined), body }.
function collect(res, resolve) {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    resolve({ status: res.statusCode, headers: res.headers, text, json, body });
  });
}

// One call straight to the provider endpoint (agent: kept-alive connections, else one each).
function provider(urlPath, headers = {}, { cert = trusted, method = 'GET', agent = false } = {}) {
  return new Promise((resolve, reject) => {
    https.request({ host: '127.0.0.1', port: XPORT, path: urlPath, method, headers, agent,
      ca: fs.readFileSync(path.join(KEYS, 'ca.pem')), ...(cert ? { cert: cert.cert, key: cert.key } : {}) },
    (res) => collect(res, resolve)).on('error', reject).end();
  });
}

// The X-Road headers a security server sends for service code, from client.
const xh = (code, client = ALLOWED, extra = {}) => ({ 'X-Road-Client': client,
  'X-Road-Service': `${SUBSYSTEM}/${code}`, 'X-Road-Id': crypto.randomUUID(), ...extra });

// A consumer's call through the stand-in: GET /r1/{our subsystem}/{service}/{rest}.
function consumer(rest, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: standInPort, path: `/r1/${SUBSYSTEM}/${rest}`, headers },
      (res) => collect(res, resolve)).on('error', reject);
  });
}

function assertXRoadError(res, status, type) {
  const what = `${res.status} ${res.text ?? res.body?.toString()}`.slice(0, 300);
  assert.equal(res.status, status, what);
  assert.equal(res.headers['x-road-error'], type, what);
  assert.match(res.headers['content-type'] ?? '', /^application\/json/, what);
  assert.deepEqual(Object.keys(res.json ?? {}).sort(), ['detail', 'message', 'type'], what);
  assert.equal(res.json.type, type);
  assert.ok(res.json.message.length > 0);
  assert.equal(res.json.error, undefined, 'not our {"error":...} shape');
}

// The evidence of the call with this X-Road-Id (one row), or undefined.
function evidence(xroadId) {
  const rows = psql(`SELECT row_to_json(c) FROM xroad_calls c WHERE xroad_id = :'x'::uuid`, { x: xroadId });
  assert.equal(rows.length, 1, `one record of the call ${xroadId}`);
  return JSON.parse(rows[0][0]);
}

function liveGrants(client) {
  return psql(`SELECT id FROM xroad_access WHERE client = :'c' AND revoked_at IS NULL`, { c: client }).map((r) => r[0]);
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xroad-test-'));
  trusted = makeCert(tmp, 'trusted', path.join(KEYS, 'ca.pem'), path.join(KEYS, 'ca.key'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(tmp, 'other-ca.key'), '-out', path.join(tmp, 'other-ca.pem'), '-days', '1',
    '-subj', '/CN=Untrusted CA'], { stdio: 'ignore' });
  untrusted = makeCert(tmp, 'untrusted', path.join(tmp, 'other-ca.pem'), path.join(tmp, 'other-ca.key'));
  psql(`UPDATE xroad_access SET revoked_at = now(), revoked_by = '00000000000000'
         WHERE client IN (:'a', :'b', :'c') AND revoked_at IS NULL`, { a: ALLOWED, b: STRANGER, c: RATE_CLIENT });
  [cec, voter] = await Promise.all([signIn(STAFF.cec), signIn(VOTER)]);
  // The stand-in, its own certificate signed at start by the instance's CA.
  standIn = spawn('node', [path.join(ROOT, 'tests/fakes/security_server.mjs'), '--port', '0',
    '--provider', `https://127.0.0.1:${XPORT}`, '--provider-id', SUBSYSTEM,
    '--sign-with', path.join(KEYS, 'ca.pem'), path.join(KEYS, 'ca.key'), '--trust', path.join(KEYS, 'ca.pem')],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  standInPort = await new Promise((resolve, reject) => {
    let out = '';
    standIn.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    standIn.on('exit', (code) => reject(new Error(`the stand-in exited (${code})`)));
  });
});

after(() => {
  standIn?.kill('SIGTERM');
  psql(`UPDATE xroad_access SET revoked_at = now(), revoked_by = '00000000000000'
         WHERE client IN (:'a', :'b', :'c') AND revoked_at IS NULL`, { a: ALLOWED, b: STRANGER, c: RATE_CLIENT });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the access table (the CEC\'s administrator)', () => {
  test('grants each service to a client; twice is 409; a bad client or service 400', async () => {
    for (const service of SERVICES) {
      const r = await cec.post('/api/v1/xroad/access', { client: ALLOWED, service });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.client, ALLOWED);
      assert.equal(r.json.service, service);
      assert.equal(r.json.granted_by, STAFF.cec);
      assert.equal(r.json.revoked_at, null);
    }
    assertError(await cec.post('/api/v1/xroad/access', { client: ALLOWED, service: 'voter-status' }), 409, 'already_granted');
    assertError(await cec.post('/api/v1/xroad/access', { client: 'central-server/GOV/x', service: 'voter-status' }), 400, 'invalid_field', 'client');
    assertError(await cec.post('/api/v1/xroad/access', { client: 'central-server/GOV/1/a b', service: 'voter-status' }), 400, 'invalid_field', 'client');
    assertError(await cec.post('/api/v1/xroad/access', { client: ALLOWED, service: 'everything' }), 400, 'invalid_field', 'service');
    assertError(await cec.post('/api/v1/xroad/access', { client: ALLOWED, service: 'voter-status', extra: 1 }), 400);
    const list = await cec.get('/api/v1/xroad/access');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.filter((g) => g.client === ALLOWED).map((g) => g.service).sort(), [...SERVICES].sort());
  });

  test('only the CEC\'s administrators, with the CSRF token', async () => {
    assert.equal((await voter.get('/api/v1/xroad/access')).status, 403);
    assert.equal((await voter.post('/api/v1/xroad/access', { client: STRANGER, service: 'voter-status' })).status, 403);
    assert.equal((await request('/api/v1/xroad/calls')).status, 401);
    const r = await cec.post('/api/v1/xroad/access', { client: STRANGER, service: 'voter-status' }, { csrf: false });
    assert.equal(r.status, 403, r.text);
    assert.deepEqual(liveGrants(STRANGER), []);
  });
});

describe('an allowed client gets each service (through the security-server stand-in)', () => {
  test('voter-status: on the list, its station; not on it; removed', async () => {
    const station = Number(psqlValue(`SELECT station_number FROM voters WHERE pin = :'p'`, { p: VOTER }));
    const r = await consumer(`voter-status/${VOTER}`, { 'X-Road-Client': ALLOWED, 'X-Road-UserId': 'EE-official-1', 'X-Road-Issue': 'case 42' });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers['x-road-error'], undefined);
    assert.match(r.headers['x-road-id'], /^[0-9a-f-]{36}$/);
    assert.ok(r.headers['x-road-request-hash']);
    assert.equal(r.json.on_list, true);
    assert.equal(r.json.status, 'active');
    assert.equal(r.json.station.number, station);
    assert.ok(!r.body.toString().includes(VOTER), 'the answer does not repeat the PIN');
    const row = evidence(r.headers['x-road-id']);
    assert.equal(row.client, ALLOWED);
    assert.equal(row.service, `${SUBSYSTEM}/voter-status`);
    assert.equal(row.user_id, 'EE-official-1');
    assert.equal(row.issue, 'case 42');
    assert.equal(row.status, 200);
    assert.equal(row.answer_sha256, sha256(r.body));
    assert.equal(row.subject_sha256, sha256(VOTER));
    assert.ok(!row.path.includes(VOTER), `the path is kept masked: ${row.path}`);
    assert.match(row.cert_sha1, /^[0-9a-f]{40}$/);

    const absent = await consumer(`voter-status/${ABSENT}`, { 'X-Road-Client': ALLOWED });
    assert.equal(absent.status, 200);
    assert.deepEqual(absent.json, { on_list: false, status: null, station: null, updated_at: null });
    const removed = await consumer(`voter-status/${REMOVED}`, { 'X-Road-Client': ALLOWED });
    assert.equal(removed.status, 200);
    assert.equal(removed.json.on_list, false);
    assert.equal(removed.json.status, psqlValue(`SELECT status FROM voters WHERE pin = :'p'`, { p: REMOVED }));
  });

  test('candidate-status: a nominated person\'s nominations; a non-candidate\'s none', async () => {
    const pin = psqlValue(`SELECT k.pin FROM candidates k JOIN nomination_candidates c ON c.candidate_id = k.id
                            ORDER BY k.id LIMIT 1`);
    assert.ok(pin, 'the demo has a nominated candidate');
    const n = Number(psqlValue(`SELECT count(*) FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
                                 WHERE k.pin = :'p'`, { p: pin }));
    const r = await consumer(`candidate-status/${pin}`, { 'X-Road-Client': ALLOWED });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json.nominations.length, n);
    const status = psqlValue(`SELECT n.status FROM nominations n JOIN nomination_candidates c ON c.nomination_id = n.id
                               JOIN candidates k ON k.id = c.candidate_id WHERE k.pin = :'p' ORDER BY n.id LIMIT 1`, { p: pin });
    assert.ok(r.json.nominations.some((x) => x.nomination_status === status));
    assert.ok(!r.body.toString().includes(pin));
    const none = await consumer(`candidate-status/${ABSENT}`, { 'X-Road-Client': ALLOWED });
    assert.deepEqual(none.json, { candidate: null, nominations: [], ballots: [] });
  });

  test('complaint-status: its status and decision; an unknown one is the service\'s 404', async () => {
    const id = psqlValue(`SELECT id FROM complaints WHERE status = 'decided' ORDER BY id LIMIT 1`);
    assert.ok(id, 'the demo has a decided complaint');
    const r = await consumer(`complaint-status/${id}`, { 'X-Road-Client': ALLOWED });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json.id, Number(id));
    assert.equal(r.json.status, 'decided');
    assert.equal(r.json.decision.outcome, psqlValue(`SELECT outcome FROM complaints WHERE id = :'i'::bigint`, { i: id }));
    const missing = await consumer('complaint-status/999999999', { 'X-Road-Client': ALLOWED });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-road-error'], undefined, 'not X-Road failing: the service\'s answer');
    assert.equal(missing.json.type, 'NotFound');
    assert.equal(evidence(missing.headers['x-road-id']).status, 404);
  });

  test('election-results: the official results of each contest', async () => {
    const e = Number(psqlValue(`SELECT k.election_id FROM contests k JOIN area_official a ON a.contest_id = k.id
                                 WHERE k.kind = 'list' ORDER BY k.election_id DESC LIMIT 1`));
    assert.ok(e, 'the demo has an election with official results');
    const r = await consumer(`election-results/${e}/results`, { 'X-Road-Client': ALLOWED });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json.election.id, e);
    const list = r.json.contests.find((k) => k.kind === 'list');
    assert.ok(list.official, 'the list contest has its official figures');
    const votes = Number(psqlValue(`SELECT sum(v) FROM area_official a JOIN contests k ON k.id = a.contest_id, unnest(a.votes) v
                                     WHERE k.election_id = :'e'::integer AND k.kind = 'list' AND a.area BETWEEN 1 AND 10`, { e }));
    assert.equal(list.official.entries.reduce((s, x) => s + x.votes, 0), votes);
    const missing = await consumer('election-results/999999/results', { 'X-Road-Client': ALLOWED });
    assert.equal(missing.status, 404);
  });

  test('each answer has what its OpenAPI document requires; the documents are valid OpenAPI 3', async () => {
    const asks = { 'voter-status': `voters/${VOTER}`, 'candidate-status': `candidates/${VOTER}`,
      'complaint-status': `complaints/${psqlValue('SELECT min(id) FROM complaints')}`, 'election-results': 'elections/202104/results' };
    for (const code of SERVICES) {
      const file = path.join(ROOT, 'static/xroad/openapi', `${code}.json`);
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      await SwaggerParser.validate(structuredClone(doc));
      assert.match(doc.openapi, /^3\./);
      const [[, item]] = Object.entries(doc.paths);
      const schema = item.get.responses['200'].content['application/json'].schema;
      const target = doc.components.schemas[schema.$ref.split('/').pop()];
      const r = await provider(`/xroad/v1/${asks[code]}`, xh(code));
      assert.equal(r.status, 200, `${code}: ${r.text.slice(0, 200)}`);
      for (const k of target.required) assert.ok(k in r.json, `${code}: ${k} missing`);
      // The public port serves the same document.
      const pub = await request(`/xroad/openapi/${code}.json`);
      assert.equal(pub.status, 200);
      assert.deepEqual(JSON.parse(pub.text), doc);
    }
  });
});

describe('refusals in X-Road\'s error shape, each recorded', () => {
  test('a client not in the access table: AccessDenied', async () => {
    const h = xh('voter-status', STRANGER);
    const r = await provider(`/xroad/v1/voters/${VOTER}`, h);
    assertXRoadError(r, 500, 'Server.ServerProxy.AccessDenied');
    assert.equal(r.headers['x-road-id'], h['X-Road-Id']);
    const row = evidence(h['X-Road-Id']);
    assert.equal(row.error_type, 'Server.ServerProxy.AccessDenied');
    assert.equal(row.answer_sha256, sha256(r.body));
    // Through the stand-in too.
    const s = await consumer(`voter-status/${VOTER}`, { 'X-Road-Client': STRANGER });
    assert.equal(s.headers['x-road-error'], 'Server.ServerProxy.AccessDenied');
  });

  test('a revoked grant stops at once', async () => {
    const r0 = await cec.post('/api/v1/xroad/access', { client: STRANGER, service: 'complaint-status' });
    assert.equal(r0.status, 201, r0.text);
    const id = psqlValue('SELECT min(id) FROM complaints');
    assert.equal((await provider(`/xroad/v1/complaints/${id}`, xh('complaint-status', STRANGER))).status, 200);
    const del = await cec.del(`/api/v1/xroad/access/${r0.json.id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.revoked_by, STAFF.cec);
    assertError(await cec.del(`/api/v1/xroad/access/${r0.json.id}`), 404, 'not_found');
    assertXRoadError(await provider(`/xroad/v1/complaints/${id}`, xh('complaint-status', STRANGER)), 500, 'Server.ServerProxy.AccessDenied');
    const all = await cec.get('/api/v1/xroad/access?all=true');
    assert.ok(all.json.items.some((g) => g.id === r0.json.id && g.revoked_at !== null), 'the revoked grant is kept');
  });

  test('a certificate of a CA we do not trust, or none: SslAuthenticationFailed', async () => {
    for (const cert of [untrusted, null]) {
      const r = await provider(`/xroad/v1/voters/${VOTER}`, xh('voter-status'), { cert });
      assertXRoadError(r, 500, 'Server.ServerProxy.SslAuthenticationFailed');
    }
    // A stand-in with the untrusted certificate gets the same, passed on.
    const out = spawnAsk(['--cert', untrusted.pem, '--key', untrusted.keyPath]);
    assert.match(out, /X-Road-Error: Server\.ServerProxy\.SslAuthenticationFailed/);
  });

  test('a missing or malformed X-Road header: Client.BadRequest (X-Road-Service elsewhere: UnknownService)', async () => {
    const url = `/xroad/v1/voters/${VOTER}`;
    const cases = [
      ['no X-Road-Client', (h) => delete h['X-Road-Client'], 'Client.BadRequest'],
      ['X-Road-Client of three parts', (h) => (h['X-Road-Client'] = 'central-server/GOV/70000060'), 'Client.BadRequest'],
      ['X-Road-Client with a space', (h) => (h['X-Road-Client'] = 'central-server/GOV/70000060/a b'), 'Client.BadRequest'],
      ['no X-Road-Id', (h) => delete h['X-Road-Id'], 'Client.BadRequest'],
      ['X-Road-Id not a UUID', (h) => (h['X-Road-Id'] = 'not-a-uuid'), 'Client.BadRequest'],
      ['no X-Road-Service', (h) => delete h['X-Road-Service'], 'Client.BadRequest'],
      ['X-Road-UserId too long', (h) => (h['X-Road-UserId'] = 'u'.repeat(300)), 'Client.BadRequest'],
      ['another provider\'s service', (h) => (h['X-Road-Service'] = 'central-server/GOV/70000003/population/voter-status'), 'Server.ServerProxy.UnknownService'],
      ['another service code of ours', (h) => (h['X-Road-Service'] = `${SUBSYSTEM}/election-results`), 'Server.ServerProxy.UnknownService'],
    ];
    for (const [what, edit, type] of cases) {
      const h = xh('voter-status');
      edit(h);
      const r = await provider(url, h);
      assertXRoadError(r, type.startsWith('Client.') ? 400 : 500, type);
      assert.ok(r.json.message.length > 0, what);
    }
    // Recorded, with what was well-formed of the call.
    const id = crypto.randomUUID();
    const h = xh('voter-status', ALLOWED, { 'X-Road-Id': id });
    delete h['X-Road-Service'];
    await provider(url, h);
    const row = evidence(id);
    assert.equal(row.client, ALLOWED);
    assert.equal(row.service, null);
    assert.equal(row.status, 400);
    assert.equal(row.error_type, 'Client.BadRequest');
  });

  test('a malformed PIN or id: Client.BadRequest, recorded with the path masked', async () => {
    for (const [code, p] of [['voter-status', 'voters/2150519900001'], ['voter-status', 'voters/215051990000111'],
      ['voter-status', 'voters/2150519900001x'], ['candidate-status', 'candidates/abc'],
      ['complaint-status', 'complaints/0'], ['complaint-status', 'complaints/-1'], ['election-results', 'elections/x1/results']]) {
      const h = xh(code);
      const r = await provider(`/xroad/v1/${p}`, h);
      assertXRoadError(r, 400, 'Client.BadRequest');
      const row = evidence(h['X-Road-Id']);
      assert.equal(row.status, 400, p);
      assert.doesNotMatch(row.path, /[0-9]{10}/);
    }
  });

  test('nginx\'s own refusals are in X-Road\'s shape too: unknown path, method, query string', async () => {
    assertXRoadError(await provider('/xroad/v1/nothing/here', xh('voter-status')), 500, 'Server.ServerProxy.UnknownService');
    assertXRoadError(await provider('/api/v1/regions', xh('voter-status')), 500, 'Server.ServerProxy.UnknownService');
    assertXRoadError(await provider(`/xroad/v1/voters/${VOTER}%2F`, xh('voter-status')), 500, 'Server.ServerProxy.UnknownService');
    assertXRoadError(await provider(`/xroad/v1/voters/${VOTER}%00`, xh('voter-status')), 400, 'Client.BadRequest');
    assertXRoadError(await provider(`/xroad/v1/voters/${VOTER}`, xh('voter-status'), { method: 'POST' }), 400, 'Client.BadRequest');
    assertXRoadError(await provider(`/xroad/v1/voters/${VOTER}?x=1`, xh('voter-status')), 400, 'Client.BadRequest');
  });

  test('a client over its rate: 429 RateLimitExceeded, others unaffected', async () => {
    psql(`INSERT INTO xroad_access (client, service, granted_by) VALUES (:'c', 'election-results', :'g')
          ON CONFLICT DO NOTHING`, { c: RATE_CLIENT, g: STAFF.cec });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 16, cert: trusted.cert, key: trusted.key, ca: fs.readFileSync(path.join(KEYS, 'ca.pem')) });
    const one = () => provider('/xroad/v1/elections/999999/results', xh('election-results', RATE_CLIENT), { agent });
    const all = await Promise.all(Array.from({ length: 150 }, one));
    agent.destroy();
    const limited = all.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, `no call of ${all.length} was limited`);
    assertXRoadError(limited[0], 429, 'Server.ServerProxy.RateLimitExceeded');
    const r = await provider(`/xroad/v1/voters/${VOTER}`, xh('voter-status'));
    assert.equal(r.status, 200, 'another client is not limited');
  });
});

describe('the public port and the evidence', () => {
  test('the public port serves no X-Road service, only the documents', async () => {
    for (const p of [`/xroad/v1/voters/${VOTER}`, '/xroad/v1/elections/202104/results']) {
      const r = await request(p, { headers: { 'X-Road-Client': ALLOWED, 'X-Road-Service': `${SUBSYSTEM}/voter-status`, 'X-Road-Id': crypto.randomUUID() } });
      assert.equal(r.status, 404, `${p}: ${r.status}`);
    }
    assert.equal((await request('/xroad/openapi/voter-status.json')).status, 200);
  });

  test('the CEC reads the calls: newest first, by client, every call of this test there', async () => {
    const n = Number(psqlValue(`SELECT count(*) FROM xroad_calls WHERE client = :'c'`, { c: ALLOWED }));
    assert.ok(n >= 8, `only ${n} calls recorded`);
    const r = await cec.get(`/api/v1/xroad/calls?client=${encodeURIComponent(ALLOWED)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, Math.min(n, 200));
    assert.ok(r.json.items.every((c) => c.client === ALLOWED));
    const ids = r.json.items.map((c) => c.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const older = await cec.get(`/api/v1/xroad/calls?before=${ids[0]}&client=${encodeURIComponent(ALLOWED)}`);
    assert.equal(older.json.items[0]?.id, ids[1]);
    assert.ok(r.json.items.every((c) => !/[0-9]{14}/.test(c.path)), 'no PIN in clear');
    assert.equal((await voter.get('/api/v1/xroad/calls')).status, 403);
  });
});

// One call by the stand-in's --ask mode with the given certificate options; its output.
function spawnAsk(certArgs) {
  try {
    return execFileSync('node', [path.join(ROOT, 'tests/fakes/security_server.mjs'), '--provider', `https://127.0.0.1:${XPORT}`,
      '--provider-id', SUBSYSTEM, ...certArgs, '--trust', path.join(KEYS, 'ca.pem'),
      '--client', ALLOWED, '--ask', `voter-status/${VOTER}`], { encoding: 'utf8' });
  } catch (e) {
    return e.stdout ?? '';
  }
}
