// Shared helpers of the API tests (node:test, run by scripts/test.sh):
// HTTP requests sent exactly as written, the checks every answer must pass
// (error format, security headers), and psql for cross-checking figures.
//
//   SHAILOO_URL  base URL of nginx, e.g. http://127.0.0.1:18080
//   SHAILOO_VAR  the instance's var folder (PostgreSQL socket in $SHAILOO_VAR/run)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

export const BASE = process.env.SHAILOO_URL ?? 'http://127.0.0.1:18080';
export const VAR = process.env.SHAILOO_VAR ?? new URL('../../var/test', import.meta.url).pathname;
const url = new URL(BASE);
export const HOST = url.hostname;
export const PORT = Number(url.port || 80);

// Fixed demo voters (always present in the demo data).
export const DEMO = {
  bishkek: { pin: '21505199000011', station: 1001 },
  osh: { pin: '10803198500022', station: 2001 },
  abroad: { pin: '12207200100033', station: 10001 },
  removed: '20202196000055',
  absent: '21505199000012',
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/*
 * One request, the path sent byte for byte as given (fetch would normalise
 * "..", "%2e" and escape non-ASCII).  Resolves to
 * { status, headers (lower-case names), text, json (parsed, or undefined) }.
 * Lookups of a person (rate-limited by nginx) are retried on 429 unless
 * opts.retry429 is false, so that the rate-limit test running in parallel
 * does not disturb the others.
 */
export async function request(path, opts = {}) {
  const retry = opts.retry429 ?? path.startsWith('/api/v1/tizme/voters');
  for (let attempt = 0; ; attempt++) {
    const res = await once(path, opts);
    if (res.status !== 429 || !retry || attempt >= 40) return res;
    await sleep(250 + Math.random() * 250);
  }
}

function once(path, { method = 'GET', headers = {}, body, agent: ag = agent } = {}) {
  // Node frames a GET/DELETE body only with an explicit Content-Length.
  if (body !== undefined) headers = { 'Content-Length': Buffer.byteLength(body), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: PORT, path, method, headers, agent: ag },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          let json;
          if (text.length > 0) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode, headers: res.headers, text, bytes: buf.length, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

// GET that must succeed with JSON: returns the parsed body (and the response).
export async function getJson(path, opts = {}) {
  const res = await request(path, opts);
  assert.equal(res.status, 200, `GET ${path}: status ${res.status}, body ${res.text.slice(0, 300)}`);
  assertJsonType(res, path);
  assert.ok(res.json !== undefined, `GET ${path}: the body is not JSON: ${res.text.slice(0, 200)}`);
  return res.json;
}

export function assertJsonType(res, what = '') {
  const ct = res.headers['content-type'] ?? '';
  assert.match(ct, /^application\/json(\s*;\s*charset=utf-8)?$/i, `${what}: Content-Type "${ct}"`);
}

// The headers every API answer carries.
export function assertSecurityHeaders(res, what = '', { requestId = true, csp = true } = {}) {
  const h = res.headers;
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.match(h['x-frame-options'] ?? '', /^(DENY|SAMEORIGIN)$/i, `${what}: X-Frame-Options`);
  if (csp) {
    assert.ok(h['content-security-policy'], `${what}: Content-Security-Policy missing`);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/, `${what}: CSP`);
  }
  if (requestId) assert.match(h['x-request-id'] ?? '', /^[\w.-]{1,64}$/, `${what}: X-Request-Id`);
}

/*
 * The one error format: {"error":{"code":"snake_case","message":"...",["field":"..."]}}
 * with a JSON Content-Type, no-store, the security headers.  status may be a
 * number or a predicate; code and field are checked when given.
 */
export function assertError(res, status, code, field) {
  const what = `error answer (${res.status} ${res.text.slice(0, 200)})`;
  if (typeof status === 'function') assert.ok(status(res.status), `${what}: unexpected status`);
  else assert.equal(res.status, status, `${what}: expected status ${status}`);
  assert.ok(res.status >= 400 && res.status < 500, `${what}: not a 4xx`);
  assertJsonType(res, what);
  assert.ok(res.json !== undefined && res.json !== null, `${what}: the body is not JSON`);
  assert.deepEqual(Object.keys(res.json), ['error'], `${what}: top-level keys`);
  const e = res.json.error;
  assert.equal(typeof e, 'object');
  for (const k of Object.keys(e)) assert.ok(['code', 'message', 'field'].includes(k), `${what}: extra key ${k}`);
  assert.equal(typeof e.code, 'string');
  assert.match(e.code, /^[a-z][a-z0-9_]*$/, `${what}: code is snake_case`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, `${what}: empty message`);
  if ('field' in e) assert.equal(typeof e.field, 'string');
  if (code !== undefined) assert.equal(e.code, code, `${what}: code`);
  if (field !== undefined) assert.equal(e.field, field, `${what}: field`);
  return e;
}

export const is4xx = (s) => s >= 400 && s < 500;

/*
 * A query on the instance's database.  vars become psql variables, to be used
 * quoted as :'name' in the SQL (safe for any text).  Returns the rows as
 * arrays of strings (fields separated by \x1f).
 */
export function psql(sql, vars = {}) {
  const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-F', '\x1f',
    '-h', `${VAR}/run`, '-U', 'shailoo', '-d', 'shailoo'];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  args.push('-f', '-');
  const out = execFileSync('psql', args, { input: sql, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\x1f'));
}

export function psqlValue(sql, vars) {
  const rows = psql(sql, vars);
  assert.equal(rows.length, 1, `one row expected from: ${sql}`);
  return rows[0][0];
}

export const psqlInt = (sql, vars) => Number(psqlValue(sql, vars));

// Exactly these keys, in any order.
export function assertKeys(obj, keys, what = 'object') {
  assert.ok(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `${what} is not an object`);
  assert.deepEqual(Object.keys(obj).sort(), [...keys].sort(), `${what}: keys`);
}

export const STATION_KEYS = ['number', 'name', 'address', 'settlement', 'abroad', 'country',
  'region', 'district', 'commission', 'lat', 'lon', 'voters'];
export const AREA_KEYS = ['id', 'code', 'name_ru', 'name_ky'];

// A station object of the API against the stations table (not station_json()).
export function assertStationMatchesDb(s, what = 'station') {
  assertKeys(s, STATION_KEYS, what);
  const rows = psql(`SELECT s.name, s.address, s.settlement, s.abroad, coalesce(s.country, '<null>'),
      coalesce(s.region_id::text, '<null>'), coalesce(s.district_number::text, '<null>'),
      s.commission_id, c.name_ru, c.name_ky, coalesce(s.lat::text, '<null>'), coalesce(s.lon::text, '<null>'),
      (SELECT count(*) FROM voters v WHERE v.station_number = s.number AND v.status = 'active'),
      coalesce(r.code, '<null>'), coalesce(r.name_ru, '<null>'), coalesce(r.name_ky, '<null>')
    FROM stations s JOIN commissions c ON c.id = s.commission_id LEFT JOIN regions r ON r.id = s.region_id
    WHERE s.number = :'n'`, { n: s.number });
  assert.equal(rows.length, 1, `${what}: station ${s.number} is in the database`);
  const [name, address, settlement, abroad, country, region, district, commission, cru, cky, lat, lon,
    voters, rcode, rru, rky] = rows[0];
  assert.equal(s.name, name, `${what}: name`);
  assert.equal(s.address, address, `${what}: address`);
  assert.equal(s.settlement, settlement, `${what}: settlement`);
  assert.equal(s.abroad, abroad === 't', `${what}: abroad`);
  assert.equal(s.country, country === '<null>' ? null : country, `${what}: country`);
  if (region === '<null>') {
    assert.equal(s.region, null, `${what}: region`);
  } else {
    assert.deepEqual(s.region, { id: Number(region), code: rcode, name_ru: rru, name_ky: rky }, `${what}: region`);
  }
  assert.equal(s.district, district === '<null>' ? null : Number(district), `${what}: district`);
  assert.deepEqual(s.commission, { id: Number(commission), name_ru: cru, name_ky: cky }, `${what}: commission`);
  assert.equal(s.lat, lat === '<null>' ? null : Number(lat), `${what}: lat`);
  assert.equal(s.lon, lon === '<null>' ? null : Number(lon), `${what}: lon`);
  assert.equal(s.voters, Number(voters), `${what}: voters == count of active voters at the station`);
}

/*
 * The stations a search should find, computed independently of the server's
 * SQL: every word of q is the station number or a literal substring (strpos,
 * no LIKE) of settlement, address, name or country, case-insensitively.
 */
export function expectedStations(q, { region, district } = {}) {
  return psql(`SELECT s.number FROM stations s
     WHERE (nullif(:'region', '') IS NULL OR s.region_id = nullif(:'region', '')::int)
       AND (nullif(:'district', '') IS NULL OR s.district_number = nullif(:'district', '')::int)
       AND NOT EXISTS (
         SELECT 1 FROM unnest(regexp_split_to_array(lower(trim(:'q')), '\\s+')) w
          WHERE w <> '' AND NOT (s.number::text = w OR
                strpos(lower(s.settlement || ' ' || s.address || ' ' || s.name || ' ' || coalesce(s.country, '')), w) > 0))
     ORDER BY s.number`, { q: q ?? '', region: region ?? '', district: district ?? '' }).map((r) => Number(r[0]));
}

export function activeVoters() {
  return psqlInt(`SELECT count(*) FROM voters WHERE status = 'active'`);
}

/*
 * A raw HTTP exchange on its own TCP connection: what exactly came back on
 * the wire (to check that HEAD and 304 carry no body).
 */
export function rawExchange(requestText) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(PORT, HOST);
    const chunks = [];
    sock.setTimeout(10000, () => {
      sock.destroy();
      reject(new Error('raw exchange timed out'));
    });
    sock.on('connect', () => sock.write(requestText));
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks)));
    sock.on('error', reject);
  });
}

/*
 * A request on its own connection, parsed from the raw bytes received
 * ({ status, headers, body: Buffer }); retried on 429 like request().
 */
export async function rawRequest(path, method = 'GET', headers = {}) {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  for (let attempt = 0; ; attempt++) {
    const r = parseRaw(await rawExchange(`${method} ${path} HTTP/1.1\r\nHost: ${HOST}:${PORT}\r\n`
      + `${extra}Connection: close\r\n\r\n`));
    if (r.status !== 429 || attempt >= 40) return r;
    await sleep(250 + Math.random() * 250);
  }
}

// Splits a raw response into status, headers and body bytes.
export function parseRaw(buf) {
  const sep = buf.indexOf('\r\n\r\n');
  assert.ok(sep > 0, 'a raw response has a header block');
  const head = buf.subarray(0, sep).toString('latin1').split('\r\n');
  const status = Number(head[0].split(' ')[1]);
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body: buf.subarray(sep + 4) };
}

/* Base64url of bytes (a string is its UTF-8 bytes, a Buffer or Uint8Array as it is);
 * any other value is its JSON first (a JWS header or payload). */
export function b64u(x) {
  const bytes = typeof x === 'string' || x instanceof Uint8Array ? x : JSON.stringify(x);
  return Buffer.from(bytes).toString('base64url');
}

/* Test elections have ids from here on; the demo's are below. */
export const TEST_ELECTION_MIN = 990000;

/*
 * Drops a test election and everything that refers to it, in one transaction:
 * its applications (the voters they moved go back), identifications, events;
 * its night (log, figures, sums, turnout, reports, incidents, devices, lots;
 * the manual count's versions, official sums, identification, scans);
 * its contests and lists; its parties' notifications, representatives and
 * nominations with their checks, reviews, documents and funds.  Idempotent.  (The foreign keys to elections,
 * contests and applications: tests/api/lib.test.mjs checks none is missed.)
 */
export function dropElection(id) {
  assert.ok(id >= TEST_ELECTION_MIN, `only test elections are dropped (${id})`);
  psql(`BEGIN;
    CREATE TEMP TABLE gone ON COMMIT DROP AS SELECT id FROM applications WHERE election_id = :'e'::integer;
    UPDATE voters v SET station_number = m.from_station FROM station_moves m
     WHERE m.application_id IN (SELECT id FROM gone) AND v.pin = m.pin;
    DELETE FROM station_moves WHERE application_id IN (SELECT id FROM gone);
    DELETE FROM identifications WHERE application_id IN (SELECT id FROM gone);
    DELETE FROM application_events WHERE application_id IN (SELECT id FROM gone);
    DELETE FROM applications WHERE id IN (SELECT id FROM gone);
    DELETE FROM results_log WHERE election_id = :'e'::integer;
    DELETE FROM station_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM area_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM protocol_versions WHERE election_id = :'e'::integer;
    DELETE FROM complaint_events WHERE complaint_id IN (SELECT id FROM complaints WHERE election_id = :'e'::integer);
    DELETE FROM court_rulings WHERE complaint_id IN (SELECT id FROM complaints WHERE election_id = :'e'::integer);
    DELETE FROM documents WHERE owner_type = 'complaints'
       AND owner_id IN (SELECT id FROM complaints WHERE election_id = :'e'::integer);
    DELETE FROM complaints WHERE election_id = :'e'::integer;
    DELETE FROM results_lots WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM results_log WHERE election_id = :'e'::integer;
    DELETE FROM results_log_head WHERE election_id = :'e'::integer;
    DELETE FROM station_identification WHERE election_id = :'e'::integer;
    DELETE FROM documents WHERE owner_type = 'counts'
       AND owner_id IN (SELECT id FROM station_counts WHERE election_id = :'e'::integer);
    DELETE FROM station_counts WHERE election_id = :'e'::integer;
    DELETE FROM station_turnout WHERE election_id = :'e'::integer;
    DELETE FROM area_turnout WHERE election_id = :'e'::integer;
    DELETE FROM station_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM asu_incidents WHERE election_id = :'e'::integer;
    DELETE FROM asu_reports WHERE election_id = :'e'::integer;
    DELETE FROM asu_devices WHERE election_id = :'e'::integer;
    DELETE FROM list_candidates WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM contest_entries WHERE contest_id IN (SELECT id FROM contests WHERE election_id = :'e'::integer);
    DELETE FROM contests WHERE election_id = :'e'::integer;
    CREATE TEMP TABLE noms ON COMMIT DROP AS SELECT id FROM nominations WHERE election_id = :'e'::integer;
    CREATE TEMP TABLE cands ON COMMIT DROP AS SELECT id FROM nomination_candidates WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM candidacy_checks WHERE candidacy_id IN (SELECT id FROM cands);
    DELETE FROM fund_reports WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM fund_donors WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM fund_totals WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM fund_lines WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM fund_limits WHERE election_id = :'e'::integer;
    DELETE FROM document_reviews WHERE nomination_id IN (SELECT id FROM noms);
    DELETE FROM documents WHERE (owner_type = 'nominations' AND owner_id IN (SELECT id FROM noms))
                             OR (owner_type = 'candidacies' AND owner_id IN (SELECT id FROM cands));
    DELETE FROM nomination_events WHERE nomination_id IN (SELECT id FROM nominations WHERE election_id = :'e'::integer);
    DELETE FROM nomination_candidates WHERE nomination_id IN (SELECT id FROM nominations WHERE election_id = :'e'::integer);
    DELETE FROM nominations WHERE election_id = :'e'::integer;
    DELETE FROM party_events WHERE election_id = :'e'::integer;
    DELETE FROM party_reps WHERE election_id = :'e'::integer;
    DELETE FROM party_participations WHERE election_id = :'e'::integer;
    DELETE FROM elections WHERE id = :'e'::integer;
    COMMIT;`, { e: id });
}
