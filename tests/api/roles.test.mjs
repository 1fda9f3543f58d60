// Who may use which route of the cabinet (cabinet.c), of biometrics and the
// territorial commissions (biometrics.c), of Talapker (talapker*.c, funds.c)
// and of complaints (complaints.c): every route against every role.
// Nobody signed in: 401.  Any signed-in person: /api/v1/cabinet*.  Operators
// (of any commission): /api/v1/biometrics/*.  TEC administrators:
// /api/v1/tec/*.  Everyone else: 403 forbidden.
//
// The state-changing routes are called with requests that pass the guard and
// are then refused by the handler without writing anything (an unknown
// application or register, an unknown field), so that "allowed" is seen
// without side effects on the commission's registers used by other tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlInt } from './lib.mjs';
import {
  signIn, pickVoters, cleanupVoters, openElection, dropElection, DEVICES, rowCounts, resetRateLimits, STAFF,
} from './cabinet_lib.mjs';

const [V] = pickVoters('roles', 1);
const NO_SUCH = 999999999999;
const ROLES = {
  voter: V,
  'operator 101': STAFF.operator101,
  'operator 201': STAFF.operator201,
  'tec_admin 101': STAFF.tec101,
  'tec_admin 201': STAFF.tec201,
  cec_admin: STAFF.cec,
  'complaints 101': '11906198300017',
};
const COMPLAINTS = ['complaints 101'];
const OPERATORS = ['operator 101', 'operator 201'];
const TEC = ['tec_admin 101', 'tec_admin 201'];
const EVERYONE = Object.keys(ROLES);

const clients = {};
let election;
let appId; // an application of V (a correction, awaiting identification)

before(async () => {
  cleanupVoters([V]);
  resetRateLimits(Object.values(ROLES));   // every role applies once per run (demo people: kept between runs)
  election = openElection(60);
  await Promise.all(Object.entries(ROLES).map(async ([role, pin]) => {
    clients[role] = await signIn(pin);
  }));
  const res = await clients.voter.post('/api/v1/cabinet/applications', { election_id: election.id, kind: 'correction' });
  assert.equal(res.status, 201, res.text);
  appId = res.json.application.id;
});
after(() => {
  cleanupVoters([V]);
  if (election.test) dropElection(election.id);
});

const onList = (pin) => psqlInt(`SELECT count(*) FROM voters WHERE pin = :'p' AND status = 'active'`, { p: pin }) === 1;
const commissionOf = (role) => Number(role.split(' ')[1]);

/*
 * Each route: who may use it, the request, and what an allowed role gets
 * (checked by ok(res, role)).
 */
const ROUTES = [
  {
    method: 'GET', path: () => '/api/v1/cabinet', allowed: EVERYONE,
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok('profile' in res.json && 'voter' in res.json && 'elections' in res.json);
    },
  },
  {
    method: 'GET', path: () => '/api/v1/cabinet/applications', allowed: EVERYONE,
    ok: (res, role) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json.items));
      if (role === 'voter') assert.deepEqual(res.json.items.map((a) => a.id), [appId], 'my application');
    },
  },
  {
    method: 'POST', path: () => '/api/v1/cabinet/applications', allowed: EVERYONE,
    body: () => ({ election_id: 2147483647, kind: 'correction' }),
    ok: (res, role) => assertError(res, 422, onList(ROLES[role]) ? 'election_not_found' : 'not_on_list'),
  },
  {
    method: 'GET', path: () => `/api/v1/cabinet/applications/${appId}`, allowed: EVERYONE,
    ok: (res, role) => {
      if (role === 'voter') {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.application.id, appId);
      } else {
        assertError(res, 404, 'application_not_found'); // someone else's
      }
    },
  },
  {
    method: 'GET', path: () => '/api/v1/cabinet/history', allowed: EVERYONE,
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json.items));
    },
  },
  {
    method: 'GET', path: () => `/api/v1/biometrics/applications?pin=${V}`, allowed: OPERATORS,
    ok: (res, role) => {
      assert.equal(res.status, 200, res.text);
      // V's correction is decided by commission 101.
      assert.deepEqual(res.json.items.map((a) => a.id), commissionOf(role) === 101 ? [appId] : []);
    },
  },
  {
    method: 'POST', path: () => '/api/v1/biometrics/identifications', allowed: OPERATORS,
    body: () => ({ application_id: NO_SUCH, device_id: DEVICES[101][0], matched: true }),
    ok: (res) => assertError(res, 404, 'application_not_found'),
  },
  {
    method: 'GET', path: () => '/api/v1/biometrics/register', allowed: OPERATORS,
    ok: (res, role) => {
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.commission_id, commissionOf(role), "the day's register of the operator's commission");
    },
  },
  {
    method: 'POST', path: () => '/api/v1/biometrics/registers', allowed: OPERATORS,
    body: () => ({ roles_probe: 1 }),
    ok: (res) => assertError(res, 400, 'unknown_field', 'roles_probe'),
  },
  {
    method: 'GET', path: () => '/api/v1/biometrics/devices', allowed: [...TEC, 'cec_admin'],
    ok: (res, role) => {
      assert.equal(res.status, 200, res.text);
      const commissions = new Set(res.json.items.map((d) => d.commission.id));
      if (role === 'cec_admin') assert.ok(commissions.has(101) && commissions.has(201), 'the CEC sees every commission');
      else assert.deepEqual([...commissions], [commissionOf(role)], "a TEC sees its own commission's devices");
    },
  },
  {
    method: 'POST', path: () => '/api/v1/biometrics/devices', allowed: ['cec_admin'],
    body: () => ({ roles_probe: 1 }),
    ok: (res) => assertError(res, 400, 'unknown_field', 'roles_probe'),
  },
  {
    method: 'POST', path: () => '/api/v1/biometrics/devices/99999999999999999999/revoke', allowed: ['cec_admin'],
    body: () => ({}),
    ok: (res) => assertError(res, 404, 'device_not_found'),
  },
  {
    method: 'GET', path: () => '/api/v1/tec/registers', allowed: TEC,
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json.items));
    },
  },
  {
    method: 'GET', path: () => `/api/v1/tec/registers/${NO_SUCH}`, allowed: TEC,
    ok: (res) => assertError(res, 404, 'register_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/tec/applications/${NO_SUCH}/decision`, allowed: TEC,
    body: () => ({ approve: true }),
    ok: (res) => assertError(res, 404, 'application_not_found'),
  },
  // Complaints: anyone signed in files and follows theirs; the desk is the complaint reviewers'.
  {
    method: 'POST', path: () => '/api/v1/complaints', allowed: EVERYONE,
    body: () => ({ roles_probe: 1 }),
    ok: (res) => assertError(res, 400, 'unknown_field', 'roles_probe'),
  },
  {
    method: 'GET', path: () => '/api/v1/cabinet/complaints', allowed: EVERYONE,
    ok: (res) => assert.ok(Array.isArray(res.json.items), res.text),
  },
  {
    method: 'GET', path: () => `/api/v1/cabinet/complaints/${NO_SUCH}`, allowed: EVERYONE,
    ok: (res) => assertError(res, 404, 'complaint_not_found'),
  },
  {
    method: 'GET', path: () => '/api/v1/review/complaints', allowed: COMPLAINTS,
    ok: (res) => assert.ok(Array.isArray(res.json.items), res.text),
  },
  {
    method: 'POST', path: () => `/api/v1/review/complaints/${NO_SUCH}/forward`, allowed: COMPLAINTS,
    body: () => ({ commission_id: 101, reason: 'roles' }),
    ok: (res) => assertError(res, 404, 'complaint_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/review/complaints/${NO_SUCH}/hearing`, allowed: COMPLAINTS,
    body: () => ({ at: '2027-01-10T10:00', place: 'roles' }),
    ok: (res) => assertError(res, 404, 'complaint_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/review/complaints/${NO_SUCH}/decision`, allowed: COMPLAINTS,
    body: () => ({ outcome: 'rejected', text: 'roles' }),
    ok: (res) => assertError(res, 404, 'complaint_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/review/complaints/${NO_SUCH}/court-rulings`, allowed: COMPLAINTS,
    body: () => ({ court: 'roles court', instance: 'first', ruled_on: '2026-01-01', outcome: 'upheld' }),
    ok: (res) => assertError(res, 404, 'complaint_not_found'),
  },
  // Talapker: a party's and a candidate's routes are any signed-in person's (the
  // nomination says who may act); the review desk is the commissions' administrators'.
  {
    method: 'GET', path: () => '/api/v1/talapker/me', allowed: EVERYONE,
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json.parties) && Array.isArray(res.json.candidacies));
    },
  },
  {
    method: 'GET', path: () => '/api/v1/cabinet/nominations', allowed: EVERYONE,
    ok: (res) => assert.equal(res.status, 200, res.text),
  },
  {
    method: 'GET', path: () => `/api/v1/nominations/${NO_SUCH}`, allowed: EVERYONE,
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/nominations/${NO_SUCH}/candidates`, allowed: EVERYONE,
    body: () => ({ pin: V, higher_education: true }),
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/nominations/${NO_SUCH}/submit`, allowed: EVERYONE,
    body: () => ({}),
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/nominations/${NO_SUCH}/fund/lines`, allowed: EVERYONE,
    body: () => ({ roles_probe: 1 }),
    ok: (res) => assertError(res, 400, 'unknown_field', 'roles_probe'),
  },
  {
    method: 'POST', path: () => `/api/v1/cabinet/nominations/${NO_SUCH}/consent`, allowed: EVERYONE,
    body: () => ({ consent: true }),
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'GET', path: () => '/api/v1/review/nominations', allowed: [...TEC, 'cec_admin'],
    ok: (res) => assert.equal(res.status, 200, res.text),
  },
  {
    method: 'GET', path: () => `/api/v1/review/nominations/${NO_SUCH}`, allowed: [...TEC, 'cec_admin'],
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/review/nominations/${NO_SUCH}/start`, allowed: [...TEC, 'cec_admin'],
    body: () => ({}),
    ok: (res) => assertError(res, 404, 'nomination_not_found'),
  },
  {
    method: 'POST', path: () => `/api/v1/review/documents/${NO_SUCH}`, allowed: [...TEC, 'cec_admin'],
    body: () => ({ verdict: 'accepted' }),
    ok: (res) => assertError(res, 404, 'document_not_found'),
  },
  {
    method: 'GET', path: () => '/api/v1/review/elections/202701/overview', allowed: ['cec_admin'],
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.by_status.registered > 0);
    },
  },
];

function call(route, c) {
  if (route.method === 'GET') return c ? c.get(route.path()) : request(route.path());
  if (c) return c.post(route.path(), route.body());
  return request(route.path(), {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'x'.repeat(43) },
    body: JSON.stringify(route.body()),
  });
}

for (const route of ROUTES) {
  const label = `${route.method} ${route.path.toString().replace(/^\(\) => /, '').replace(/[`'$]/g, '')}`;
  describe(label, () => {
    test('nobody signed in: 401', async () => {
      assertError(await call(route), 401, 'unauthenticated');
    });
    for (const role of EVERYONE) {
      const allowed = route.allowed.includes(role);
      test(`${role}: ${allowed ? 'allowed' : '403 forbidden'}`, async () => {
        const before0 = rowCounts(ROLES[role]);
        const res = await call(route, clients[role]);
        if (allowed) {
          assert.ok(![401, 403].includes(res.status), `allowed, got ${res.status} ${res.text.slice(0, 200)}`);
          route.ok(res, role);
        } else {
          assertError(res, 403, 'forbidden');
        }
        assert.deepEqual(rowCounts(ROLES[role]), before0, 'nothing written for this person');
      });
    }
  });
}

describe('a forbidden POST without its CSRF token is refused too (403), whoever asks', () => {
  for (const role of ['voter', 'cec_admin', 'operator 201']) {
    test(role, async () => {
      const res = await clients[role].post(`/api/v1/tec/applications/${NO_SUCH}/decision`, { approve: true }, { csrf: false });
      assertError(res, 403);
    });
  }
});

describe("the voter's application is untouched by all of the above", () => {
  test('still awaiting identification, one event', async () => {
    const [status, events] = psql(`SELECT a.status, (SELECT count(*) FROM application_events e WHERE e.application_id = a.id)
      FROM applications a WHERE a.id = :'id'`, { id: appId })[0];
    assert.equal(status, 'awaiting_identification');
    assert.equal(Number(events), 1);
  });
});
