// Per-person rate limit on applications (issue 8): at most SHAILOO_APPLY_LIMIT
// (10) in SHAILOO_APPLY_WINDOW_S (600 s) per signed-in person, counted in the
// database (person_rate_limits) so that every worker shares it.  Over it:
// 429 too_many_requests with Retry-After, before any other work (nothing
// parsed, no registry call, nothing written).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, psql, psqlInt } from './lib.mjs';
import { signIn, pickVoters, cleanupVoters, openElection, dropElection, rowCounts, tundukLog } from './cabinet_lib.mjs';

const PATH = '/api/v1/cabinet/applications';
const LIMIT = Number(process.env.SHAILOO_APPLY_LIMIT ?? 10);
const WINDOW = Number(process.env.SHAILOO_APPLY_WINDOW_S ?? 600);
const [P, Q] = pickVoters('cabinet-rate', 2);
let election; let p; let q;

before(async () => {
  cleanupVoters([P, Q]);
  election = openElection(63);
  [p, q] = await Promise.all([P, Q].map(signIn));
});
after(() => {
  cleanupVoters([P, Q]);
  if (election.test) dropElection(election.id);
});

const hits = (pin) => psql(`SELECT hits FROM person_rate_limits WHERE pin = :'pin' AND action = 'apply'`, { pin })[0]?.[0];

describe('applications per person', () => {
  test(`${LIMIT} attempts in the window are answered as usual (refusals count too); the next: 429 with Retry-After`, async () => {
    // Refused ones (a station that does not exist) count: the limit is on trying.
    for (let i = 0; i < LIMIT; i++) assertError(await p.post(PATH, { election_id: election.id, kind: 'move_home', station_number: 10999 }), 422, 'station_not_found');
    assert.equal(Number(hits(P)), LIMIT);
    const before0 = rowCounts(P);
    const logBefore = (await tundukLog(P)).length;
    // Even a body that would be accepted, or a malformed one: the limit comes first.
    for (const body of [{ election_id: election.id, kind: 'correction' }, { nonsense: true }]) {
      const res = await p.post(PATH, body);
      assertError(res, 429, 'too_many_requests');
      const wait = Number(res.headers['retry-after']);
      assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= WINDOW, `Retry-After ${res.headers['retry-after']}`);
    }
    assert.deepEqual(rowCounts(P), before0, 'nothing written');
    assert.equal((await tundukLog(P)).length, logBefore, 'no registry call');
    assert.equal(Number(hits(P)), LIMIT + 1, 'attempts over the limit are not counted further');
  });

  test('another person is not limited by the first', async () => {
    const res = await q.post(PATH, { election_id: election.id, kind: 'correction' });
    assert.equal(res.status, 201, res.text);
  });

  test('Retry-After counts down to the end of the window', async () => {
    psql(`UPDATE person_rate_limits SET window_start = now() - make_interval(secs => :'s'::integer)
      WHERE pin = :'pin' AND action = 'apply'`, { pin: P, s: WINDOW - 30 });
    const res = await p.post(PATH, { election_id: election.id, kind: 'correction' });
    assertError(res, 429, 'too_many_requests');
    const wait = Number(res.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 31, `Retry-After ${wait}`);
  });

  test('once the window has passed, the person may apply again', async () => {
    psql(`UPDATE person_rate_limits SET window_start = now() - make_interval(secs => :'s'::integer)
      WHERE pin = :'pin' AND action = 'apply'`, { pin: P, s: WINDOW + 1 });
    const res = await p.post(PATH, { election_id: election.id, kind: 'correction' });
    assert.equal(res.status, 201, res.text);
    assert.equal(Number(hits(P)), 1, 'a new window');
    assert.equal(psqlInt(`SELECT count(*) FROM applications WHERE pin = :'p'`, { p: P }), 1);
  });

  test('GETs are not limited', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await p.get('/api/v1/cabinet/applications')).status, 200);
    assert.equal(Number(hits(P)), 1);
  });
});
