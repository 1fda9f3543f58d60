// Statistics are kept by the writes to the voter list (trigger), not counted
// per request: a write shows in the station count, the statistics and the
// regions at once (after nginx's 1 s microcache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const BASE = process.env.SHAILOO_URL ?? 'http://127.0.0.1:18080';
const VAR = process.env.SHAILOO_VAR ?? 'var/test';

function psql(sql) {
  return execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-h', `${VAR}/run`,
    '-U', 'shailoo', '-d', 'shailoo', '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function get(path) {
  // Past the microcache's second; the first request after it may still get
  // the stale copy while nginx refreshes it in the background.
  await sleep(1100);
  await fetch(`${BASE}${path}`).then((r) => r.arrayBuffer());
  await sleep(200);
  const res = await fetch(`${BASE}${path}`);
  assert.equal(res.status, 200, path);
  return res.json();
}

async function snapshot() {
  const stats = await get('/api/v1/tizme/stats');
  const bishkek = await get('/api/v1/tizme/stats?region=1');
  const station = await get('/api/v1/stations/1001');
  const abroad = await get('/api/v1/stations/10001');
  return {
    total: stats.total,
    female: stats.by_sex.female,
    bishkek: bishkek.total,
    s1001: station.station.voters,
    s10001: abroad.station.voters,
    age2635: stats.by_age.find((g) => g.group === '26-35').total,
  };
}

const PIN = '19999199999999';

test('insert, move and remove a voter: every count follows', async () => {
  psql(`DELETE FROM voters WHERE pin = '${PIN}'`);
  const before = await snapshot();

  // A woman of 30 at station 1001 (Bishkek).
  psql(`INSERT INTO voters (pin, last_name, first_name, patronymic, birth_date, sex, address, station_number)
        VALUES ('${PIN}', 'Тестова', 'Айгүл', 'Маратовна',
                (SELECT asof FROM voter_stats_asof) - interval '30 years', 'F', 'г. Бишкек', 1001)`);
  let now = await snapshot();
  assert.equal(now.total, before.total + 1);
  assert.equal(now.female, before.female + 1);
  assert.equal(now.bishkek, before.bishkek + 1);
  assert.equal(now.s1001, before.s1001 + 1);
  assert.equal(now.age2635, before.age2635 + 1);

  // She moves abroad: Bishkek and station 1001 lose her, 10001 gains her.
  psql(`UPDATE voters SET station_number = 10001 WHERE pin = '${PIN}'`);
  now = await snapshot();
  assert.equal(now.total, before.total + 1);
  assert.equal(now.bishkek, before.bishkek);
  assert.equal(now.s1001, before.s1001);
  assert.equal(now.s10001, before.s10001 + 1);

  // Removed from the list: not counted, and not found by Tizme.
  psql(`UPDATE voters SET status = 'removed' WHERE pin = '${PIN}'`);
  now = await snapshot();
  assert.deepEqual(now, before);
  const res = await fetch(`${BASE}/api/v1/tizme/voters/${PIN}`);
  assert.equal(res.status, 404);

  psql(`DELETE FROM voters WHERE pin = '${PIN}'`);
  assert.deepEqual(await snapshot(), before);
});

test('the schema refuses bad data whatever the code does', () => {
  const PIN2 = '19999199999998';
  psql(`DELETE FROM voters WHERE pin = '${PIN2}'`);
  const bad = [
    `INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
     VALUES ('1234', 'A', 'B', '1990-01-01', 'F', 'x', 1001)`,
    `INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
     VALUES ('${PIN2}', 'A', 'B', '1990-01-01', 'X', 'x', 1001)`,
    `INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
     VALUES ('${PIN2}', 'A', 'B', '1990-01-01', 'F', 'x', 999999)`,
    `INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
     VALUES ('${PIN2}', '', 'B', '1990-01-01', 'F', 'x', 1001)`,
    `UPDATE stations SET voters = -1 WHERE number = 1001`,
    `INSERT INTO stations (number, name, address, settlement, abroad, region_id, district_number, commission_id)
     VALUES (10999, 'x', 'x', 'x', true, 1, 1, 1000)`,
  ];
  for (const sql of bad) {
    assert.throws(() => psql(sql), /violates|invalid|ERROR/, sql);
  }
  assert.equal(psql(`SELECT count(*) FROM voters WHERE pin = '${PIN2}'`), '0');
});
