// The server survives what happens to servers: a database restart and a
// worker that dies.  Runs alone, after the API and browser tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BASE = process.env.SHAILOO_URL ?? 'http://127.0.0.1:18080';
const VAR = process.env.SHAILOO_VAR ?? 'var/test';
const ROOT = new URL('../..', import.meta.url).pathname;
const PIN = '21505199000011';

function instance(cmd) {
  execFileSync(`${ROOT}/scripts/instance.sh`, [cmd], {
    env: { ...process.env, VAR }, stdio: 'pipe',
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function lookup() {
  const res = await fetch(`${BASE}/api/v1/tizme/voters/${PIN}`);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fn();
    if (r || Date.now() > end) return r;
    await sleep(100);
  }
}

function workers() {
  const master = readFileSync(`${VAR}/run/shailoo.pid`, 'utf8').trim();
  const out = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map(Number);
}

test('the database goes away: 503 JSON, never a crash; it comes back: 200 again', async () => {
  assert.equal((await lookup()).status, 200);
  const before = workers();
  instance('pg-stop');
  try {
    // Every worker meets the broken connection at least once.
    for (let i = 0; i < 2 * before.length + 2; i++) {
      const r = await lookup();
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'database_unavailable');
      assert.equal(typeof r.body.error.message, 'string');
      assert.equal(r.headers.get('cache-control'), 'no-store');
    }
  } finally {
    instance('pg-start');
  }
  const ok = await until(async () => (await lookup()).status === 200, 10000);
  assert.ok(ok, 'the lookup answers 200 again once the database is back');
  // All workers reconnected (each answers 200): several requests in a row.
  for (let i = 0; i < 2 * before.length + 2; i++) assert.equal((await lookup()).status, 200);
  assert.deepEqual(workers().sort(), before.sort(), 'no worker died');
});

test('a worker killed mid-life is replaced and the service goes on', async () => {
  const before = workers();
  assert.ok(before.length >= 1);
  process.kill(before[0], 'SIGKILL');
  const replaced = await until(() => {
    const now = workers();
    return now.length === before.length && !now.includes(before[0]);
  }, 5000);
  assert.ok(replaced, 'the master started a new worker');
  for (let i = 0; i < 10; i++) assert.equal((await lookup()).status, 200);
});
