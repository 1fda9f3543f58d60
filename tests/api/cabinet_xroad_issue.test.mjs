// The registry check made for an application names it in X-Road-Issue, and
// the recorded call points to the application it served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  signIn, pickVoters, cleanupVoters, openElection, dropElection, tundukLog, tundukCall,
} from './cabinet_lib.mjs';
import { psql } from './lib.mjs';

test('an application\'s registry check carries X-Road-Issue shailoo-application-N', async () => {
  const [pin] = pickVoters('xroad-issue', 1);
  cleanupVoters([pin]);
  const election = openElection(61);
  try {
    const voter = await signIn(pin);
    const here = Number(psql(`SELECT station_number FROM voters WHERE pin = :'p'`, { p: pin })[0][0]);
    const [target] = psql(`SELECT number FROM stations WHERE commission_id = 101 AND NOT abroad
                             AND number <> :'h'::integer ORDER BY number LIMIT 1`, { h: here })[0];
    const before = (await tundukLog(pin)).length;
    const res = await voter.post('/api/v1/cabinet/applications',
      { election_id: election.id, kind: 'move_home', station_number: Number(target) });
    assert.equal(res.status, 201, res.text);
    const id = res.json.application.id;
    const calls = (await tundukLog(pin)).slice(before);
    assert.equal(calls.length, 1, 'one registry call for the application');
    assert.equal(calls[0].headers['x-road-issue'], `shailoo-application-${id}`);
    const row = tundukCall(calls[0].headers['x-road-id']);
    assert.ok(row, 'the call is recorded');
    assert.equal(row.application_id, id);
    assert.equal(row.outcome, 'ok');
  } finally {
    cleanupVoters([pin]);
    if (election.test) dropElection(election.id);
  }
});
