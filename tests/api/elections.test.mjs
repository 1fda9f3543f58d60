// The list of elections, as the CEC publishes it: GET /api/v1/elections.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJson, assertError, assertKeys, psql } from './lib.mjs';

// round(ballots * 100 / voters, 2), half away from zero, in exact integers:
// the turnout in hundredths of a percent.
function turnoutHundredths(ballots, voters) {
  const num = BigInt(ballots) * 10000n;
  const den = BigInt(voters);
  return Number((2n * num + den) / (2n * den));
}

describe('GET /api/v1/elections', () => {
  test('every election of the database, newest first, with turnout computed', async () => {
    const e = await getJson('/api/v1/elections');
    assertKeys(e, ['items'], 'elections');
    // Elections other tests create (ids from 990000) come and go in parallel: left out.
    const items = e.items.filter((x) => x.id < 990000);
    const db = psql(`SELECT e.id, to_char(e.date, 'YYYY-MM-DD'), e.name_ru, e.name_ky, e.type, e.status,
        coalesce(e.voters::text, '<null>'), coalesce(e.ballots::text, '<null>'),
        coalesce(a.voters::text, '<null>'), coalesce(a.issued::text, '<null>'),
        coalesce(a.stations_reported, 0)
      FROM elections e
      LEFT JOIN contests k ON k.election_id = e.id AND k.kind = 'list'
      LEFT JOIN area_results_all a ON a.contest_id = k.id AND a.area = 0
      WHERE e.id < 990000 ORDER BY e.date DESC, e.id`);
    assert.ok(db.length > 0, 'the demo has elections');
    assert.equal(items.length, db.length);
    items.forEach((x, i) => {
      const [id, date, name_ru, name_ky, type, status, voters, ballots, countVoters, countIssued, reported] = db[i];
      assertKeys(x, ['id', 'date', 'name_ru', 'name_ky', 'type', 'status', 'voters', 'turnout', 'results'],
        `election ${id}`);
      assert.equal(x.id, Number(id), `position ${i}: ordered by date desc`);
      assert.equal(x.date, date);
      assert.equal(x.name_ru, name_ru);
      assert.equal(x.name_ky, name_ky);
      assert.equal(x.type, type);
      assert.equal(x.status, status);
      assert.equal(x.results, Number(reported) > 0, `election ${id}: has results`);
      // The CEC's figures where they exist; before them, the night's count.
      const fromCount = voters === '<null>' && Number(reported) > 0;
      const v = fromCount ? countVoters : voters;
      const b = voters === '<null>' ? (fromCount ? countIssued : '<null>') : ballots;
      assert.equal(x.voters, v === '<null>' ? null : Number(v), `election ${id}: voters`);
      if (b === '<null>' || v === '<null>' || Number(v) === 0) {
        assert.equal(x.turnout, null, `election ${id}: no turnout without ballots`);
      } else {
        assert.equal(typeof x.turnout, 'number', `election ${id}: turnout`);
        assert.equal(Math.round(x.turnout * 100), turnoutHundredths(b, v), `election ${id}: turnout`);
        assert.ok(x.turnout >= 0 && x.turnout <= 100);
      }
    });
    for (let i = 1; i < e.items.length; i++) {
      assert.ok(e.items[i - 1].date >= e.items[i].date, 'dates descending');
    }
  });

  test('completed elections have a turnout', async () => {
    const e = await getJson('/api/v1/elections');
    const completed = e.items.filter((x) => x.status === 'completed');
    assert.ok(completed.length > 0, 'the demo has completed elections');
    for (const x of completed) {
      const [ballots] = psql(`SELECT coalesce(ballots::text, '<null>') FROM elections WHERE id = :'id'`, { id: x.id })[0];
      if (ballots !== '<null>') assert.equal(typeof x.turnout, 'number');
    }
  });

  test('query parameters are refused: the list takes none', async () => {
    assertError(await request('/api/v1/elections?type=parliamentary'), 400, 'unknown_parameter', 'type');
    assertError(await request('/api/v1/elections?page=2'), 400, 'unknown_parameter', 'page');
  });
});
