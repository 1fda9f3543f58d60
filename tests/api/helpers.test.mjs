// The tests' shared helpers (tests/api/lib.mjs): one b64u, one way to drop a test election.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { b64u, dropElection, psql, psqlValue } from './lib.mjs';
import { setupElection, registerDevice, signAs, postReport, openingPayload } from './asu_lib.mjs';

const E = 990797;

describe('b64u', () => {
  test('bytes as they are, a string as its UTF-8, anything else as its JSON', () => {
    assert.equal(b64u(Buffer.from([0xff, 0xfe, 0xfd])), '__79');
    assert.equal(b64u(new Uint8Array([0xfb])), '-w');
    assert.equal(b64u('Жогорку'), Buffer.from('Жогорку', 'utf8').toString('base64url'));
    assert.equal(b64u({ alg: 'ES256' }), b64u('{"alg":"ES256"}'));
    assert.doesNotMatch(b64u('??>>'), /[+/=]/);
  });
});

describe('dropElection', () => {
  test('every table that refers to an election, a contest or an application is emptied for it', () => {
    // The tables that refer (directly or through another) to elections: each must be in the helper.
    const tables = psql(`WITH RECURSIVE r(t) AS (
        SELECT 'elections'::regclass
        UNION SELECT c.conrelid::regclass FROM pg_constraint c JOIN r ON c.confrelid = r.t WHERE c.contype = 'f')
      SELECT t::text FROM r WHERE t::text <> 'elections' ORDER BY 1`).map((row) => row[0]);
    assert.ok(tables.includes('contests') && tables.includes('station_moves'), tables.join(' '));
    const source = dropElection.toString();
    for (const t of tables) assert.match(source, new RegExp(`DELETE FROM ${t}\\b`), `dropElection forgets ${t}`);
  });

  test('an election with its night, devices, applications and moves is dropped whole', async () => {
    setupElection(E);
    const dev = await registerDevice(E, 1001);
    const res = await postReport(signAs(dev, openingPayload(dev, 1, 100)));
    assert.equal(res.status, 201, res.text);
    const voter = psqlValue(`SELECT pin FROM voters WHERE station_number = 1001 AND status = 'active' ORDER BY pin LIMIT 1`);
    psql(`INSERT INTO applications (pin, election_id, kind, station_from, station_to, status, commission_id, registry_status)
          VALUES (:'p', :'e'::integer, 'move_home', 1001, 1002, 'approved', (SELECT min(id) FROM commissions), 'ok');
          INSERT INTO station_moves (pin, from_station, to_station, application_id)
          SELECT :'p', 1001, 1002, id FROM applications WHERE election_id = :'e'::integer;
          UPDATE voters SET station_number = 1002 WHERE pin = :'p'`, { p: voter, e: E });
    dropElection(E);
    assert.equal(psqlValue(`SELECT count(*) FROM elections WHERE id = ${E}`), '0');
    assert.equal(psqlValue(`SELECT count(*) FROM contests WHERE election_id = ${E}`), '0');
    assert.equal(psqlValue(`SELECT station_number FROM voters WHERE pin = '${voter}'`), '1001', 'the moved voter is back');
    dropElection(E);   // idempotent
    assert.throws(() => dropElection(202701), /only test elections/);
  });
});
