// CSV exports and formula injection (OWASP "CSV Injection"): a cell that a
// spreadsheet would take for a formula (=, +, -, @, tab, carriage return at
// its start) is given a leading single quote, and CSV quoting still holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, psql } from './lib.mjs';
import { setupElection, dropElection, fresh } from './asu_lib.mjs';

const E = 990714;   // this file's election (tests/api/asu_lib.mjs: ids from 990700)
// Test parties (ids of our own), short names as a party could register them.
const PARTIES = [
  [99071401, '=HYPERLINK("http://x.example","y")', `'=HYPERLINK("http://x.example","y")`, `"'=HYPERLINK(""http://x.example"",""y"")"`],
  [99071402, '+1+cmd|calc', `'+1+cmd|calc`, `'+1+cmd|calc`],
  [99071403, '-2,3', `'-2,3`, `"'-2,3"`],
  [99071404, '@SUM(A1:A2)', `'@SUM(A1:A2)`, `'@SUM(A1:A2)`],
  [99071405, '\tTab', `'\tTab`, `'\tTab`],
  [99071406, '\rCR', `'\rCR`, `"'\rCR"`],
  [99071407, 'Plain a=b', 'Plain a=b', 'Plain a=b'],
  [99071408, 'Quote "q"', 'Quote "q"', '"Quote ""q"""'],
];

function dropParties() {
  psql(`DELETE FROM parties WHERE id BETWEEN 99071401 AND 99071499`);
}

before(() => {
  setupElection(E);
  dropParties();
  for (const [id, name] of PARTIES) {
    psql(`BEGIN;
      INSERT INTO parties (id, name_ru, name_ky, short_name) VALUES (:'id'::integer, :'n' || ' ' || :'id', :'n', :'n');
      INSERT INTO contest_entries (contest_id, ballot_position, party_id)
      SELECT :'k'::integer, max(ballot_position) + 1, :'id'::integer FROM contest_entries WHERE contest_id = :'k'::integer;
      COMMIT;`, { id, n: name, k: E * 100 });
  }
});
after(() => {
  dropElection(E);
  dropParties();
});

test('list.csv: a party name that starts like a formula is neutralised, quoting kept', async () => {
  // The export is published a moment after the ballot changed (cgi/api/published.c).
  const want0 = PARTIES.map((p) => p[3]).join(',');
  const res = await fresh(`/api/v1/results/elections/${E}/export/list.csv`,
    (r) => r.status === 200 && r.text.slice(0, r.text.indexOf('\n')).endsWith(`,${want0}`), { timeoutMs: 15000 });
  assert.equal(res.status, 200, res.text.slice(0, 200));
  assert.match(res.headers['content-type'], /^text\/csv/);
  const want = PARTIES.map((p) => p[3]).join(',');
  const header = res.text.slice(0, res.text.indexOf('\n'));
  assert.ok(header.endsWith(`,${want}`), `the header ends with the test parties:\n${JSON.stringify(header.slice(-300))}`);
  // No cell of the whole file starts with a formula character (outside the quote we add).
  for (const line of res.text.split('\n').slice(1)) {
    for (const cell of line.split(',')) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)}`);
  }
});

test('districts.csv is numbers only, and still answers', async () => {
  const res = await request(`/api/v1/results/elections/${E}/export/districts.csv`);
  assert.equal(res.status, 200, res.text.slice(0, 200));
  const [head, ...rows] = res.text.trimEnd().split('\n');
  assert.match(head, /^station,region_id,district,abroad,reported,/);
  for (const r of rows) assert.match(r, /^[0-9,]+$/);
});
