// Helpers of the voter-cabinet and role tests (cabinet*.test.mjs, roles*.test.mjs):
// signing in through the ESIA stand-in with login_hint, a signed-in client
// (session cookie + CSRF token), voters of our own picked from the database,
// the Tunduk stand-in's test hooks, test elections, and cleaning up.
import assert from 'node:assert/strict';
import { BASE, PORT, request, psql, psqlValue, sleep, dropElection, TEST_ELECTION_MIN } from './lib.mjs';

export { dropElection, TEST_ELECTION_MIN };
import { fetchRaw, signIn as authSignIn } from './auth_lib.mjs';

export const TUNDUK = `http://127.0.0.1:${PORT + 401}`;
export const XROAD_CLIENT = process.env.SHAILOO_TUNDUK_CLIENT ?? 'central-server/GOV/70000001/shailoo';
export const POPULATION = process.env.SHAILOO_TUNDUK_POPULATION ?? 'central-server/GOV/70000003/population/person';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The demo staff (sql/demo/staff.sql, tests/fakes/demo-people.json).
export const STAFF = {
  operator101: '10803198500022',
  operator201: '11503199200088',
  tec101: '20101195000044',
  tec201: '11212198000077',
  cec: '21111197000066',
};
export const REMOVED = '20202196000055';
const DEMO_PINS = ['21505199000011', '10803198500022', '12207200100033', '20101195000044',
  '20202196000055', '11503199200088', '11212198000077', '21111197000066'];

// Test elections get ids in this range (never used by the demo: ids are year * 100 + n).

// ---------------------------------------------------------------- HTTP

// Requests to the stand-ins, redirects not followed (auth_lib's).
export const fetchAbs = fetchRaw;

// ---------------------------------------------------------------- signing in

/*
 * Signs a person in as a browser would, with ESIA's login_hint (auth_lib's
 * signIn: our login, ESIA's authorize, our callback, then /api/v1/me).
 * Returns a client: { pin, cookie, csrf, me, get(path), post(path, body, opts) }.
 * Retried a few times: the ESIA stand-in's "spoil the next id_token" hook,
 * used by the sign-in attack tests running in parallel, may hit our login.
 */
export async function signIn(pin) {
  let last;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const s = await authSignIn(pin);
      return client(pin, s.cookie, s.csrf, s.me);
    } catch (e) {
      last = e;
      await sleep(200 + attempt * 200);
    }
  }
  throw last;
}

export function client(pin, cookie, csrf, me) {
  const c = {
    pin,
    cookie,
    csrf,
    me,
    get: (path, headers = {}) => request(path, { headers: { Cookie: cookie, ...headers } }),
    /*
     * A JSON POST with the session and the CSRF token.  body: an object
     * (sent as JSON) or a string/Buffer sent as is.  opts.csrf false leaves
     * the header out; opts.type sets the Content-Type (null: none).
     */
    post: (path, body, { csrf: withCsrf = true, type = 'application/json', headers = {} } = {}) => {
      const h = { Cookie: cookie, ...headers };
      if (withCsrf) h['X-CSRF-Token'] = csrf;
      if (type !== null) h['Content-Type'] = type;
      const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body ?? {});
      return request(path, { method: 'POST', headers: h, body: payload });
    },
    // A DELETE with the session and the CSRF token.
    del: (path) => request(path, { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } }),
  };
  return c;
}

// ---------------------------------------------------------------- our own voters

/*
 * n active voters of commission `commission` (not the fixed demo people, no
 * generated serial below 00100), in an order fixed by `salt`: each test file
 * passes its own salt, so files running in parallel use different people.
 * opts.stations limits the stations; opts.exclude leaves PINs out.
 */
export function pickVoters(salt, n, { commission = 101, stations, exclude = [] } = {}) {
  const rows = psql(`SELECT v.pin FROM voters v JOIN stations s ON s.number = v.station_number
     WHERE s.commission_id = :'c'::integer AND v.status = 'active' AND NOT s.abroad
       AND substr(v.pin, 10, 5) >= '00100'
       AND v.pin <> ALL (string_to_array(:'demo', ','))
       AND v.pin <> ALL (string_to_array(:'excl', ','))
       AND (:'st' = '' OR v.station_number = ANY (string_to_array(:'st', ',')::integer[]))
     ORDER BY md5(v.pin || :'salt') LIMIT :'n'::integer`, {
    c: commission, demo: DEMO_PINS.join(','), excl: exclude.join(',') || '-', st: (stations ?? []).join(','),
    salt, n,
  });
  assert.equal(rows.length, n, `${n} voters of commission ${commission} for ${salt}`);
  return rows.map((r) => r[0]);
}

export function voterRow(pin) {
  const rows = psql(`SELECT v.last_name, v.first_name, coalesce(v.patronymic, '<null>'),
      to_char(v.birth_date, 'YYYY-MM-DD'), v.sex, v.station_number, v.status, s.commission_id
    FROM voters v JOIN stations s ON s.number = v.station_number WHERE v.pin = :'pin'`, { pin });
  assert.equal(rows.length, 1, `voter ${pin} exists`);
  const [last, first, patr, birth, sex, station, status, commission] = rows[0];
  return {
    last_name: last, first_name: first, patronymic: patr === '<null>' ? null : patr, birth_date: birth, sex,
    station: Number(station), status, commission: Number(commission),
    name: [last, first, patr === '<null>' ? null : patr].filter(Boolean).join(' '),
  };
}

export const stationOf = (pin) => Number(psqlValue(`SELECT station_number FROM voters WHERE pin = :'pin'`, { pin }));

/*
 * Removes everything the tests made for these voters: their applications with
 * events, identifications and moves (the voter put back on the station they
 * had before the first recorded move), registers left empty by that, their
 * rate-limit counters and the registry's answers kept for them.
 * Only for our own voters: never call it on demo people.
 */
export function cleanupVoters(pins) {
  if (pins.length === 0) return;
  psql(`BEGIN;
    CREATE TEMP TABLE gone ON COMMIT DROP AS
      SELECT a.id FROM applications a WHERE a.pin = ANY (string_to_array(:'pins', ','));
    CREATE TEMP TABLE regs ON COMMIT DROP AS
      SELECT DISTINCT register_id AS id FROM identifications
       WHERE application_id IN (SELECT id FROM gone) AND register_id IS NOT NULL;
    UPDATE voters v SET station_number = m.from_station, updated_at = now()
      FROM (SELECT DISTINCT ON (pin) pin, from_station FROM station_moves
             WHERE pin = ANY (string_to_array(:'pins', ',')) ORDER BY pin, at, id) m
     WHERE v.pin = m.pin AND v.station_number <> m.from_station;
    DELETE FROM station_moves WHERE pin = ANY (string_to_array(:'pins', ','))
       OR application_id IN (SELECT id FROM gone);
    DELETE FROM identifications WHERE application_id IN (SELECT id FROM gone);
    DELETE FROM application_events WHERE application_id IN (SELECT id FROM gone);
    DELETE FROM applications WHERE id IN (SELECT id FROM gone);
    DELETE FROM registers r WHERE r.id IN (SELECT id FROM regs)
       AND NOT EXISTS (SELECT 1 FROM identifications i WHERE i.register_id = r.id);
    DELETE FROM person_rate_limits WHERE pin = ANY (string_to_array(:'pins', ','));
    DELETE FROM registry_answers WHERE pin = ANY (string_to_array(:'pins', ','));
    COMMIT;`, { pins: pins.join(',') });
}

// Resets the application rate limit (person_rate_limits) of people the tests share, demo people too.
export const resetRateLimits = (pins) => psql(`DELETE FROM person_rate_limits WHERE pin = ANY (string_to_array(:'pins', ','))`,
  { pins: pins.join(',') });

// Rows of a voter's applications and their events (nothing half-written after a refusal).
export function rowCounts(pin) {
  const [a, e, i] = psql(`SELECT (SELECT count(*) FROM applications WHERE pin = :'pin'),
      (SELECT count(*) FROM application_events e JOIN applications a ON a.id = e.application_id WHERE a.pin = :'pin'),
      (SELECT count(*) FROM application_events WHERE actor_pin = :'pin')`, { pin })[0].map(Number);
  return { applications: a, events: e, events_by: i };
}

// ---------------------------------------------------------------- elections

/*
 * An election that takes applications today: the demo's scheduled 202701 if
 * it does (15 to 70 days ahead), else a test election inserted for the file
 * (id TEST_ELECTION_MIN + slot, 30 days ahead), dropped by dropElection.
 */
export function openElection(slot) {
  const demo = psql(`SELECT id FROM elections WHERE status IN ('scheduled', 'open')
      AND date - current_date BETWEEN 15 AND 70 AND id < :'min'::integer ORDER BY date, id LIMIT 1`,
  { min: TEST_ELECTION_MIN });
  if (demo.length === 1) return { id: Number(demo[0][0]), test: false };
  // 'open', not 'scheduled': a parallel test looking for the scheduled one must not take ours.
  return { id: insertElection(slot, 30, 'open'), test: true };
}

// A test election `days` from today (status scheduled unless given); returns its id.
export function insertElection(slot, days, status = 'scheduled') {
  const id = TEST_ELECTION_MIN + slot;
  dropElection(id);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status, voters, ballots)
    VALUES (:'id'::integer, current_date + :'days'::integer, 'Тестовые выборы ' || :'id', 'Сыноо шайлоосу ' || :'id',
            'local', :'status', CASE WHEN :'status' IN ('scheduled', 'open') THEN NULL ELSE 0 END,
            CASE WHEN :'status' IN ('scheduled', 'open') THEN NULL ELSE 0 END)`, { id, days, status });
  return id;
}


// ---------------------------------------------------------------- the Tunduk stand-in

export async function tundukFault(fault) {
  const r = await fetchAbs(`${TUNDUK}/_test/fault`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault),
  });
  assert.equal(r.status, 200, `Tunduk fault hook: ${r.status} ${r.text}`);
  return r.json;
}

// The stand-in's log of calls made for this PIN (X-Road-UserId), oldest first.
export async function tundukLog(pin) {
  const r = await fetchAbs(`${TUNDUK}/_test/log`);
  assert.equal(r.status, 200, `Tunduk log hook: ${r.status}`);
  return r.json.filter((e) => e.headers['x-road-userid'] === pin);
}

// Forgets the registry's answer kept for pin (the next cabinet view asks Tunduk again).
export const forgetRegistry = (pin) => psql(`DELETE FROM registry_answers WHERE pin = :'pin'`, { pin });

// The row of tunduk_calls with this X-Road-Id (null if none).
export function tundukCall(xroadId) {
  const rows = psql(`SELECT method, service, xroad_id::text, coalesce(request_hash, ''), status, outcome,
      coalesce(error_type, ''), duration_ms, attempts, coalesce(application_id::text, '')
    FROM tunduk_calls WHERE xroad_id = :'x'::uuid`, { x: xroadId });
  if (rows.length === 0) return null;
  assert.equal(rows.length, 1, `one tunduk_calls row per X-Road-Id ${xroadId}`);
  const [method, service, xid, hash, status, outcome, errorType, duration, attempts, app] = rows[0];
  return {
    method, service, xroad_id: xid, request_hash: hash, status: Number(status), outcome, error_type: errorType,
    duration_ms: Number(duration), attempts: Number(attempts), application_id: app === '' ? null : Number(app),
  };
}

// ---------------------------------------------------------------- stations

/*
 * The voters count of GET /api/v1/stations/{n}, once it agrees with the
 * database (the answer is cached by nginx for a second), with the count of
 * the others on that station (all active voters but `pin`) read at the same
 * moment: other tests move their own voters concurrently.
 */
export async function stationCount(n, pin) {
  let last;
  for (let i = 0; i < 8; i++) {
    const res = await request(`/api/v1/stations/${n}`);
    assert.equal(res.status, 200, `GET /api/v1/stations/${n}: ${res.status}`);
    const [total, others] = psql(`SELECT count(*), count(*) FILTER (WHERE pin <> :'pin') FROM voters
      WHERE station_number = :'n'::integer AND status = 'active'`, { n, pin })[0].map(Number);
    last = { api: res.json.station.voters, total, others };
    if (last.api === total) return last;
    await sleep(600);
  }
  assert.fail(`station ${n}: the API's voters count ${last.api} never agreed with the database's ${last.total}`);
}

export const APPLICATION_KEYS = ['id', 'election_id', 'kind', 'status', 'station_from', 'station_to', 'reason',
  'commission', 'registry_status', 'decision_reason', 'created_at', 'updated_at', 'history', 'identification'];
export const EVENT_KEYS = ['status', 'at', 'by', 'commission_id', 'comment'];
export const ELECTION_KEYS = ['id', 'date', 'name_ru', 'name_ky', 'type', 'status', 'application_deadline',
  'applications_open'];

// A date "YYYY-MM-DD" plus days.
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/*
 * Registers are per commission and take every identified application of it.
 * Before identifying and sending ours, wait until no other test has an
 * identified application of the commission waiting to be sent (the browser
 * test takes seconds between its identification and its register), so that
 * our register does not carry theirs away.
 */
export async function quietCommission(commission, mine = [], timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const n = Number(psqlValue(`SELECT count(*) FROM applications WHERE commission_id = :'c'::integer
        AND status = 'identified' AND pin <> ALL (string_to_array(:'mine', ','))`,
    { c: commission, mine: mine.join(',') || '-' }));
    if (n === 0 || Date.now() - t0 > timeoutMs) return n;
    await sleep(200);
  }
}

// The demo's identification devices (sql/demo/biometric_devices.sql): an
// identification must name a working device of the operator's commission.
export const DEVICES = {
  101: ['00010100000000000001', '00010100000000000002'],
  201: ['00020100000000000001', '00020100000000000002'],
};
// A 20-digit id no demo device has (for devices the tests register, or unknown ones).
export const randomDevice = () => '9' + Array.from({ length: 19 }, () => Math.floor(Math.random() * 10)).join('');
