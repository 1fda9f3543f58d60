#!/usr/bin/env node
// A local stand-in for a Tunduk (X-Road) security server speaking the X-Road
// Message Protocol for REST (r1), serving the population registry, the
// legal-entity register, the civil registry's feed of changes and the
// disability registry of the demo country from the demo database.  Used by `make run` and by the tests; our C
// client talks to it exactly as to a real security server.  See README.md.
//
//   node tests/fakes/tunduk.mjs --port 18482 --pghost DIR [--pgdb shailoo]
//        [--pguser shailoo] [--allow-client ID ...] [--test-hooks]
//
// Node's standard library only.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const INSTANCE = 'central-server';
const MEMBER_CLASSES = new Set(['GOV', 'COM']);
// The providers: member/subsystem -> services.  The population registry
// (central-server/GOV/70000003/population, service "person") and the
// Ministry of Justice's legal-entity register (.../70000005/legal-entities,
// service "entity").
const PROVIDERS = new Map([
  ['70000003/population', new Set(['person'])],
  ['70000005/legal-entities', new Set(['entity'])],
  ['70000007/criminal-records', new Set(['record'])],
  ['70000009/citizenship', new Set(['status'])],
  ['70000011/disability', new Set(['status', 'persons'])],
  ['70000015/civil-registry', new Set(['changes'])],
  ['70000013/treasury', new Set(['payment'])],
]);
const ID_RE = /^[A-Za-z0-9'()+,\-.=?]+$/; // allowed identifier characters
const PIN_RE = /^[0-9]{14}$/;
const REGNUM_RE = /^[0-9A-Za-z-]{3,32}$/;
const MAX_BODY = 1024 * 1024;
const MAX_URI = 2000;
const LOG_MAX = 1000;

// ---------------------------------------------------------------- options

function usage(msg) {
  if (msg) process.stderr.write(`tunduk: ${msg}\n`);
  process.stderr.write(
    'usage: tunduk.mjs --port N --pghost DIR [--pgdb shailoo] [--pguser shailoo]\n' +
      '                  [--allow-client INSTANCE/CLASS/MEMBER/SUBSYSTEM ...] [--test-hooks]\n' +
      '                  [--exit-on-stdin-close]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { port: 18482, pghost: null, pgdb: 'shailoo', pguser: 'shailoo', allow: null, testHooks: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') o.port = Number(val());
    else if (a === '--pghost') o.pghost = val();
    else if (a === '--pgdb') o.pgdb = val();
    else if (a === '--pguser') o.pguser = val();
    else if (a === '--allow-client') (o.allow ??= new Set()).add(val());
    else if (a === '--test-hooks') o.testHooks = true;
    else if (a === '--exit-on-stdin-close') o.exitOnStdinClose = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) usage('bad --port');
  if (!o.pghost) usage('--pghost is required');
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- state (test hooks)

let faults = []; // { pin?, type?, status, delay_ms, times }
let log = [];
// Legal entities a test added (POST /_test/entity), by registration number: answered before the database's.
let entities = new Map();
// What the registers of convictions, citizenship and disability say of a PIN, set by a test (POST /_test/person).
let personFacts = new Map();
// Payments a test added (POST /_test/payment), by reference.
let payments = new Map();
// The civil registry's feed: changes in the order delivered, each with its
// position, the cursor after it: this start's time in microseconds plus its
// index, so positions only grow, even across restarts (a cursor saved
// before a restart is older than every change of this run).  A test appends
// changes and delivers one again (POST /_test/civil-change); without test
// hooks the feed holds the demo's few deaths (civilDemo).
const CIVIL_BASE = Date.now() * 1000;
let civilFeed = []; // { pos, change }
const civilAppend = (change) => {
  const pos = CIVIL_BASE + civilFeed.length + 1;
  civilFeed.push({ pos, change });
  return String(pos);
};
let civilDemoLoaded = false;
// The disability registry's answers a test set (POST /_test/disability): pin -> group, or null (not listed).
let disabilityFacts = new Map();

// ---------------------------------------------------------------- X-Road framing

class XRoadError extends Error {
  constructor(type, message, status) {
    super(message);
    this.type = type;
    // PR-REST 4.6: 400 for a request that breaks the protocol (Client.*),
    // 500 for anything that went wrong in X-Road (Server.*).
    this.status = status ?? (type.startsWith('Client.') ? 400 : 500);
  }
}

// PR-REST 4.3: base64 SHA-512(SHA-512(headers) + SHA-512(body)), or
// SHA-512(headers) without a body.  "headers" here: the request line and the
// X-Road-* request headers, lower-case names, sorted, "name: value\r\n" each.
function requestHash(req, body) {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const names = Object.keys(req.headers)
    .filter((n) => n.startsWith('x-road-') && n !== 'x-road-request-hash')
    .sort();
  for (const n of names) head += `${n}: ${req.headers[n]}\r\n`;
  const hh = crypto.createHash('sha512').update(head).digest();
  if (body.length === 0) return crypto.createHash('sha512').update(hh).digest('base64');
  const hb = crypto.createHash('sha512').update(body).digest();
  return crypto.createHash('sha512').update(Buffer.concat([hh, hb])).digest('base64');
}

// Splits and checks an identifier: percent-decoded parts, allowed characters only.
function parseId(parts, what) {
  const out = [];
  for (const raw of parts) {
    let s;
    try {
      s = decodeURIComponent(raw);
    } catch {
      throw new XRoadError('Client.BadRequest', `${what}: malformed percent-encoding`);
    }
    if (!ID_RE.test(s)) throw new XRoadError('Client.BadRequest', `${what}: identifier part "${s}" has characters other than A-Z a-z 0-9 ' ( ) + , - . = ?`);
    out.push(s);
  }
  if (out[0] !== INSTANCE) throw new XRoadError('Client.BadRequest', `${what}: unknown X-Road instance "${out[0]}" (expected ${INSTANCE})`);
  if (!MEMBER_CLASSES.has(out[1])) throw new XRoadError('Client.BadRequest', `${what}: unknown member class "${out[1]}" (GOV or COM)`);
  return out;
}

function parseClient(header) {
  if (header === undefined || header === '') throw new XRoadError('Client.BadRequest', 'X-Road-Client header is missing');
  const parts = header.trim().split('/');
  // PR-REST 4.1: INSTANCE/CLASS/MEMBER[/SUBSYSTEM].
  if (parts.length < 3 || parts.length > 4) throw new XRoadError('Client.BadRequest', 'X-Road-Client must be INSTANCE/CLASS/MEMBER/SUBSYSTEM');
  return parseId(parts, 'X-Road-Client').join('/');
}

// "/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path]" -> { service, path }.
function parseTarget(rawUrl) {
  if (rawUrl.length > MAX_URI) throw new XRoadError('Client.BadRequest', `request URI longer than ${MAX_URI} characters`);
  const q = rawUrl.indexOf('?');
  const pathPart = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const segs = pathPart.split('/');
  if (segs[0] !== '' || !/^r[0-9]+$/.test(segs[1] ?? ''))
    throw new XRoadError('Client.BadRequest', 'Error parsing the client\'s REST request: expected /r1/{serviceId}[/path]');
  if (segs[1] !== 'r1') throw new XRoadError('Client.BadRequest', `unsupported protocol version ${segs[1]} (r1 only)`);
  if (segs.length < 7) throw new XRoadError('Client.BadRequest', 'service id must be INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE');
  const id = parseId(segs.slice(2, 7), 'service id');
  return { id, service: id.join('/'), rest: segs.slice(7), query: q < 0 ? '' : rawUrl.slice(q) };
}

// ---------------------------------------------------------------- the registry

// settings: custom settings of the session (PGOPTIONS "-c name=value"), read
// by the SQL with current_setting().  A value given so is not part of the
// statement's text, which PostgreSQL logs when it is slow or fails: the PIN
// travels this way, never as a literal (issue 8: no PIN in any log).
function psql(sql, settings) {
  return new Promise((resolve, reject) => {
    const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-h', opts.pghost, '-U', opts.pguser, '-d', opts.pgdb];
    const options = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    const env = { ...process.env, PGCONNECT_TIMEOUT: '5', PGOPTIONS: options };
    const child = spawn('psql', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`psql exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(sql);
  });
}

const PERSON_SQL = `
SELECT json_build_object(
    'pin', v.pin, 'last_name', v.last_name, 'first_name', v.first_name,
    'patronymic', v.patronymic, 'birth_date', to_char(v.birth_date, 'YYYY-MM-DD'),
    'sex', v.sex, 'street_address', v.address, 'settlement', s.settlement,
    'region', coalesce(r.name_ru, s.country))
  FROM voters v
  JOIN stations s ON s.number = v.station_number
  LEFT JOIN regions r ON r.id = s.region_id
 WHERE v.pin = current_setting('tunduk.pin')
UNION ALL
-- The demo's candidates are people of the country too, though on no list of ours.
SELECT json_build_object(
    'pin', k.pin, 'last_name', k.last_name, 'first_name', k.first_name,
    'patronymic', k.patronymic, 'birth_date', to_char(k.birth_date, 'YYYY-MM-DD'),
    'sex', k.sex, 'street_address', 'ул. Чуй, ' || (k.id % 200 + 1), 'settlement', 'Бишкек',
    'region', 'город Бишкек')
  FROM candidates k
 WHERE k.pin = current_setting('tunduk.pin')
   AND NOT EXISTS (SELECT 1 FROM voters v WHERE v.pin = k.pin)
 LIMIT 1;
`;

async function findPerson(pin) {
  if (!PIN_RE.test(pin)) throw new Error('findPerson: not a PIN'); // checked before; belt and braces
  const out = (await psql(PERSON_SQL, { 'tunduk.pin': pin })).trim();
  return out === '' ? null : JSON.parse(out);
}

// Passport data made up from the PIN, the same every time.
function passportFor(pin) {
  const h = crypto.createHash('sha256').update(`passport:${pin}`).digest();
  const number = String(h.readUInt32BE(0) % 10_000_000).padStart(7, '0');
  const year = 2027 + (h[4] % 10);
  const month = String(1 + (h[5] % 12)).padStart(2, '0');
  const day = String(1 + (h[6] % 28)).padStart(2, '0');
  return { series: 'ID', number, valid_until: `${year}-${month}-${day}` };
}

const address = (p) => ({ region: p.region, settlement: p.settlement, street_address: p.street_address });

// The provider's own answers: { status, body } (no X-Road-Error: these are
// the service's, passed through by X-Road as they are).
async function population(method, rest) {
  if (rest[0] !== 'person') return { status: 404, body: { error: 'not_found' } };
  if (rest.length < 2 || rest.length > 3 || (rest.length === 3 && rest[2] !== 'actual-address'))
    return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  const pin = rest[1];
  if (!PIN_RE.test(pin)) return { status: 400, body: { error: 'invalid_pin' } };
  let p;
  try {
    p = await findPerson(pin);
  } catch (e) {
    process.stderr.write(`tunduk: ${e.message}\n`);
    return { status: 500, body: { error: 'registry_unavailable' } };
  }
  if (!p) return { status: 404, body: { error: 'not_found' } };
  if (rest.length === 3) return { status: 200, body: { pin: p.pin, actual_address: address(p) } };
  return {
    status: 200,
    body: {
      pin: p.pin,
      last_name: p.last_name,
      first_name: p.first_name,
      patronymic: p.patronymic,
      birth_date: p.birth_date,
      sex: p.sex,
      registered_address: address(p),
      passport: passportFor(p.pin),
      deceased: false,
    },
  };
}

// The legal-entity register: the demo's parties (a party's head is the
// first of its latest list), plus the entities a test added.
const ENTITY_SQL = `
SELECT json_build_object(
    'registration_number', p.registration_number, 'name', p.name_ru, 'name_ky', p.name_ky,
    'short_name', p.short_name, 'legal_form', 'political_party', 'status', 'active',
    'head', (SELECT json_build_object('pin', k.pin, 'last_name', k.last_name, 'first_name', k.first_name,
                                      'patronymic', k.patronymic)
               FROM list_candidates l JOIN candidates k ON k.id = l.candidate_id
              WHERE l.party_id = p.id AND l.position = 1 ORDER BY l.contest_id DESC LIMIT 1))
  FROM parties p
 WHERE p.registration_number = current_setting('tunduk.regnum');
`;

async function legalEntities(method, rest) {
  if (rest[0] !== 'entity' || rest.length !== 2) return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  const number = rest[1];
  if (!REGNUM_RE.test(number)) return { status: 400, body: { error: 'invalid_registration_number' } };
  if (entities.has(number)) return { status: 200, body: entities.get(number) };
  let out;
  try {
    out = (await psql(ENTITY_SQL, { 'tunduk.regnum': number })).trim();
  } catch (e) {
    process.stderr.write(`tunduk: ${e.message}\n`);
    return { status: 500, body: { error: 'registry_unavailable' } };
  }
  if (out === '') return { status: 404, body: { error: 'not_found' } };
  return { status: 200, body: JSON.parse(out) };
}

// The registers of convictions, citizenship and disability, and the
// treasury.  Convictions and citizenships: demo-registers.json (the demo's
// few people with one; sql/demo/talapker.sql reads it too) or what a test set;
// disability: what a test set, else the demo's own candidates (ids below
// 100000) as the demo has them.
const DEMO_REGISTERS = JSON.parse(fs.readFileSync(new URL('./demo-registers.json', import.meta.url), 'utf8'));
const DISABILITY_SQL = `SELECT disability FROM candidates WHERE pin = current_setting('tunduk.pin') AND id < 100000`;

async function personRegisters(subsystem, method, rest) {
  const [service, pin] = rest;
  if (rest.length !== 2) return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  if (!PIN_RE.test(pin)) return { status: 400, body: { error: 'invalid_pin' } };
  const facts = personFacts.get(pin) ?? {};
  if (subsystem === 'criminal-records' && service === 'record') {
    const convictions = facts.convictions ?? DEMO_REGISTERS.convictions[pin] ?? [];
    return { status: 200, body: { pin, convictions } };
  }
  if (subsystem === 'citizenship' && service === 'status') {
    const citizenships = facts.citizenships ?? DEMO_REGISTERS.citizenships[pin] ?? ['KG'];
    return { status: 200, body: { pin, citizenships } };
  }
  if (subsystem === 'disability' && service === 'status') {
    let disabled = facts.disabled;
    if (disabled === undefined) {
      try {
        disabled = (await psql(DISABILITY_SQL, { 'tunduk.pin': pin })).trim() === 't';
      } catch (e) {
        process.stderr.write(`tunduk: ${e.message}\n`);
        return { status: 500, body: { error: 'registry_unavailable' } };
      }
    }
    return { status: 200, body: { pin, disabled, group: disabled ? 'II' : null } };
  }
  return { status: 404, body: { error: 'not_found' } };
}

// A payment reference TRE-<amount>-<anything> is a completed deposit of that many som.
function treasury(method, rest) {
  if (rest[0] !== 'payment' || rest.length !== 2) return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  const ref = rest[1];
  if (!REGNUM_RE.test(ref)) return { status: 400, body: { error: 'invalid_reference' } };
  if (payments.has(ref)) return { status: 200, body: payments.get(ref) };
  const m = /^TRE-([0-9]{1,12})-[0-9A-Za-z-]+$/.exec(ref);
  if (!m) return { status: 404, body: { error: 'not_found' } };
  return { status: 200, body: { reference: ref, amount: Number(m[1]), currency: 'KGS', purpose: 'election_deposit',
    payer: 'demo payer', status: 'completed', paid_at: '2026-11-20T10:00:00+06:00' } };
}

// The civil registry's feed of changes (deaths, PIN changes):
// GET .../civil-registry/changes?after=CURSOR&limit=N -> {changes, next}.
// The cursor is the position of the last change delivered ("" or absent:
// from the start); next is the position after the batch.
const CURSOR_RE = /^[0-9]{1,20}$/;

// Without test hooks (`make run`): three demo voters' deaths (chosen by a
// hash of the PIN, the same every start; never one of demo-people.json),
// so the feed is not empty.
async function civilDemo() {
  if (civilDemoLoaded || opts.testHooks) return;
  const keep = JSON.parse(fs.readFileSync(new URL('./demo-people.json', import.meta.url), 'utf8')).map((p) => p.pin);
  const out = (await psql(`SELECT pin FROM voters
                            WHERE pin <> ALL (string_to_array(current_setting('tunduk.keep'), ','))
                            ORDER BY md5('death:' || pin) LIMIT 3`, { 'tunduk.keep': keep.join(',') })).trim();
  if (civilDemoLoaded) return;
  civilDemoLoaded = true;
  out.split('\n').filter((p) => PIN_RE.test(p)).forEach((pin, i) => {
    civilAppend({ id: `ZAGS-DEMO-${i + 1}`, kind: 'death', pin, date: '2026-11-30',
      record: { act_number: `${1000 + i}`, office: 'ЗАГС Октябрьского района г. Бишкек', registered: '2026-12-01' } });
  });
}

async function civilRegistry(method, rest, query) {
  if (rest[0] !== 'changes' || rest.length !== 1) return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  const q = new URLSearchParams(query.replace(/^\?/, ''));
  const after = q.get('after') ?? '';
  const limit = q.has('limit') ? Number(q.get('limit')) : 100;
  if (after !== '' && !CURSOR_RE.test(after)) return { status: 400, body: { error: 'invalid_cursor' } };
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { status: 400, body: { error: 'invalid_limit' } };
  try {
    await civilDemo();
  } catch (e) {
    process.stderr.write(`tunduk: ${e.message}\n`);
    return { status: 500, body: { error: 'registry_unavailable' } };
  }
  const since = after === '' ? 0 : Number(after);
  const batch = civilFeed.filter((x) => x.pos > since).slice(0, limit);
  const next = batch.length > 0 ? String(batch[batch.length - 1].pos) : after === '' ? String(CIVIL_BASE) : after;
  return { status: 200, body: { changes: batch.map((x) => x.change), next } };
}

// The disability registry's persons who need an accessible polling station:
// GET .../disability/persons?after=PIN&limit=N -> {persons: [{pin, group}], next}
// in PIN order; next is null at the end.  The demo's: about 1 voter in 100,
// by a hash of the PIN (the same every read), and what a test set.
const NEEDS_SQL = `
SELECT coalesce(json_agg(json_build_object('pin', pin, 'group', grp) ORDER BY pin), '[]')
  FROM (SELECT pin, (ARRAY['I', 'II', 'III'])[1 + get_byte(decode(md5('group:' || pin), 'hex'), 0) % 3] AS grp
          FROM voters
         WHERE get_byte(decode(md5('access:' || pin), 'hex'), 0) % 100 = 0
           AND pin > current_setting('tunduk.after')
         ORDER BY pin LIMIT current_setting('tunduk.limit')::integer) x`;

async function disabilityPersons(method, rest, query) {
  if (rest.length !== 1) return { status: 404, body: { error: 'not_found' } };
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, headers: { Allow: 'GET' } };
  const q = new URLSearchParams(query.replace(/^\?/, ''));
  const after = q.get('after') ?? '';
  const limit = q.has('limit') ? Number(q.get('limit')) : 1000;
  if (after !== '' && !PIN_RE.test(after)) return { status: 400, body: { error: 'invalid_cursor' } };
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) return { status: 400, body: { error: 'invalid_limit' } };
  let demo;
  try {
    demo = JSON.parse((await psql(NEEDS_SQL, { 'tunduk.after': after === '' ? '0' : after, 'tunduk.limit': String(limit) })).trim());
  } catch (e) {
    process.stderr.write(`tunduk: ${e.message}\n`);
    return { status: 500, body: { error: 'registry_unavailable' } };
  }
  // The demo's page, with a test's persons put in and taken out (by PIN order, within the page's range).
  const full = demo.length === limit;
  const upper = full ? demo[demo.length - 1].pin : null;
  const byPin = new Map(demo.map((p) => [p.pin, p]));
  for (const [pin, group] of disabilityFacts) {
    if (pin <= after && after !== '') continue;
    if (upper !== null && pin > upper) continue;
    if (group === null) byPin.delete(pin);
    else byPin.set(pin, { pin, group });
  }
  const persons = [...byPin.values()].sort((a, b) => (a.pin < b.pin ? -1 : 1));
  return { status: 200, body: { persons, next: full ? upper : null } };
}

// ---------------------------------------------------------------- HTTP

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new XRoadError('Client.BadRequest', `request body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, headers, obj) {
  const buf = Buffer.from(JSON.stringify(obj));
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isLoopback = (req) => ['127.0.0.1', '::ffff:127.0.0.1', '::1'].includes(req.socket.remoteAddress);

function takeFault(pin) {
  const f = faults.find((x) => x.times > 0 && (x.pin === undefined || x.pin === pin));
  if (!f) return null;
  f.times -= 1;
  faults = faults.filter((x) => x.times > 0);
  return f;
}

async function handleXRoad(req, res) {
  const entry = { time: new Date().toISOString(), method: req.method, path: req.url, headers: {} };
  for (const [n, v] of Object.entries(req.headers)) if (n.startsWith('x-road-')) entry.headers[n] = v;
  log.push(entry);
  if (log.length > LOG_MAX) log = log.slice(-LOG_MAX);

  const xid = req.headers['x-road-id'] || crypto.randomUUID();
  const common = { 'X-Road-Id': xid, 'X-Road-Request-Id': crypto.randomUUID() };
  const finish = (status, headers, obj) => {
    entry.status = status;
    if (headers['X-Road-Error']) entry.x_road_error = headers['X-Road-Error'];
    send(res, status, { ...common, ...headers }, obj);
  };
  const xroadError = (e) =>
    finish(e.status, { 'X-Road-Error': e.type }, { type: e.type, message: e.message, detail: crypto.randomUUID() });

  let body = Buffer.alloc(0);
  try {
    body = await readBody(req);
  } catch (e) {
    if (e instanceof XRoadError) return xroadError(e);
    throw e;
  }
  common['X-Road-Request-Hash'] = requestHash(req, body);

  let target;
  let client;
  try {
    target = parseTarget(req.url);
    client = parseClient(req.headers['x-road-client']);
  } catch (e) {
    if (e instanceof XRoadError) return xroadError(e);
    throw e;
  }
  common['X-Road-Client'] = client;
  common['X-Road-Service'] = target.service;
  const [, , member, subsystem, service] = target.id;
  const members = new Set([...PROVIDERS.keys()].map((k) => k.split('/')[0]));
  if (!members.has(member) || target.id[1] !== 'GOV')
    return xroadError(new XRoadError('Server.ClientProxy.UnknownMember', `unknown member ${target.id.slice(0, 3).join('/')}`));
  const services = PROVIDERS.get(`${member}/${subsystem}`);
  if (!services || !services.has(service))
    return xroadError(new XRoadError('Server.ServerProxy.UnknownService', `unknown service ${target.service}`));
  if (opts.allow && !opts.allow.has(client))
    return xroadError(new XRoadError('Server.ServerProxy.AccessDenied', `request is not allowed: ${target.service} for ${client}`));

  // Test faults: fail (after delay_ms) with an X-Road error, or only delay.
  const rest = [service, ...target.rest.map((s) => safeDecode(s))];
  const fault = takeFault(rest[1]);
  if (fault) {
    entry.fault = fault.type ?? `delay ${fault.delay_ms} ms`;
    if (fault.delay_ms > 0) await sleep(fault.delay_ms);
    if (res.destroyed) return;
    if (fault.type) return xroadError(new XRoadError(fault.type, `fault injected by the test (${fault.type})`, fault.status));
  }

  const r = subsystem === 'population' ? await population(req.method, rest)
    : subsystem === 'civil-registry' ? await civilRegistry(req.method, rest, target.query)
    : subsystem === 'disability' && service === 'persons' ? await disabilityPersons(req.method, rest, target.query)
    : subsystem === 'legal-entities' ? await legalEntities(req.method, rest)
    : subsystem === 'treasury' ? treasury(req.method, rest)
    : await personRegisters(subsystem, req.method, rest);
  if (res.destroyed) return;
  finish(r.status, r.headers ?? {}, r.body);
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------- test hooks

async function handleTestHook(req, res, url) {
  if (!opts.testHooks || !isLoopback(req)) return send(res, 404, {}, { error: 'not_found' });
  if (req.method === 'POST' && url.pathname === '/_test/fault') {
    let f;
    try {
      f = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, {}, { error: 'bad_json' });
    }
    if (!f || typeof f !== 'object' || Array.isArray(f)) return send(res, 400, {}, { error: 'bad_json' });
    const known = new Set(['pin', 'type', 'status', 'delay_ms', 'times']);
    for (const k of Object.keys(f)) if (!known.has(k)) return send(res, 400, {}, { error: 'unknown_field', field: k });
    if (f.pin !== undefined && typeof f.pin !== 'string') return send(res, 400, {}, { error: 'bad_field', field: 'pin' });
    if (f.type !== undefined && !(typeof f.type === 'string' && /^(Client|Server\.ClientProxy|Server\.ServerProxy)\.[A-Za-z.]+$/.test(f.type)))
      return send(res, 400, {}, { error: 'bad_field', field: 'type' });
    if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599))
      return send(res, 400, {}, { error: 'bad_field', field: 'status' });
    if (f.delay_ms !== undefined && !(Number.isInteger(f.delay_ms) && f.delay_ms >= 0 && f.delay_ms <= 600000))
      return send(res, 400, {}, { error: 'bad_field', field: 'delay_ms' });
    if (f.times !== undefined && !(Number.isInteger(f.times) && f.times >= 1))
      return send(res, 400, {}, { error: 'bad_field', field: 'times' });
    if (f.type === undefined && !(f.delay_ms > 0)) return send(res, 400, {}, { error: 'bad_field', field: 'type', message: 'give a type, a delay_ms, or both' });
    const fault = { pin: f.pin, type: f.type, status: f.status, delay_ms: f.delay_ms ?? 0, times: f.times ?? 1 };
    faults.push(fault);
    return send(res, 200, {}, { fault });
  }
  if (req.method === 'POST' && url.pathname === '/_test/entity') {
    let e;
    try {
      e = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, {}, { error: 'bad_json' });
    }
    if (!e || typeof e !== 'object' || typeof e.registration_number !== 'string' || !REGNUM_RE.test(e.registration_number))
      return send(res, 400, {}, { error: 'bad_field', field: 'registration_number' });
    entities.set(e.registration_number, e);
    return send(res, 200, {}, { entity: e });
  }
  if (req.method === 'POST' && (url.pathname === '/_test/person' || url.pathname === '/_test/payment')) {
    let e;
    try {
      e = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, {}, { error: 'bad_json' });
    }
    if (url.pathname === '/_test/person') {
      if (!e || typeof e !== 'object' || !PIN_RE.test(e.pin ?? '')) return send(res, 400, {}, { error: 'bad_field', field: 'pin' });
      personFacts.set(e.pin, e);
    } else {
      if (!e || typeof e !== 'object' || !REGNUM_RE.test(e.reference ?? '')) return send(res, 400, {}, { error: 'bad_field', field: 'reference' });
      payments.set(e.reference, e);
    }
    return send(res, 200, {}, { ok: true });
  }
  // The civil registry's feed: {"change": {...}} appends a change as given
  // (the registry's shape, not checked: a test may send a bad one),
  // {"changes": [...]} several at once (never split by a read in between), or
  // {"redeliver": ID} delivers that change again at the feed's end.
  if (req.method === 'POST' && url.pathname === '/_test/civil-change') {
    let e;
    try {
      e = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, {}, { error: 'bad_json' });
    }
    if (e && typeof e === 'object' && typeof e.redeliver === 'string') {
      const c = civilFeed.find((x) => x.change.id === e.redeliver);
      if (!c) return send(res, 404, {}, { error: 'not_found', field: 'redeliver' });
      return send(res, 200, {}, { position: civilAppend(c.change) });
    }
    if (e && typeof e === 'object' && e.change && typeof e.change === 'object') {
      return send(res, 200, {}, { position: civilAppend(e.change) });
    }
    if (e && typeof e === 'object' && Array.isArray(e.changes) && e.changes.length > 0) {
      let position;
      for (const c of e.changes) position = civilAppend(c);
      return send(res, 200, {}, { position });
    }
    return send(res, 400, {}, { error: 'bad_field', field: 'change' });
  }
  // The disability registry: {"pin": PIN, "group": "I"|"II"|"III"|"child"|null} (null: not listed).
  if (req.method === 'POST' && url.pathname === '/_test/disability') {
    let e;
    try {
      e = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, {}, { error: 'bad_json' });
    }
    if (!e || typeof e !== 'object' || !PIN_RE.test(e.pin ?? '')) return send(res, 400, {}, { error: 'bad_field', field: 'pin' });
    if (!(e.group === null || ['I', 'II', 'III', 'child'].includes(e.group))) return send(res, 400, {}, { error: 'bad_field', field: 'group' });
    disabilityFacts.set(e.pin, e.group);
    return send(res, 200, {}, { ok: true });
  }
  if (req.method === 'POST' && url.pathname === '/_test/reset') {
    faults = [];
    log = [];
    return send(res, 200, {}, { reset: true });
  }
  if (req.method === 'GET' && url.pathname === '/_test/log') return send(res, 200, {}, log);
  return send(res, 404, {}, { error: 'not_found' });
}

// ---------------------------------------------------------------- server

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname.startsWith('/_test/') ? handleTestHook(req, res, url) : handleXRoad(req, res);
  p.catch((e) => {
    process.stderr.write(`tunduk: ${e.stack}\n`);
    if (!res.headersSent) {
      const type = 'Server.ServerProxy.InternalError';
      send(res, 500, { 'X-Road-Error': type }, { type, message: 'internal error', detail: crypto.randomUUID() });
    } else res.destroy();
  });
});
server.keepAliveTimeout = 5000;

server.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(`tunduk: listening on http://127.0.0.1:${server.address().port}\n`);
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
