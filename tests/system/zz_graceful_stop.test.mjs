// SIGTERM lets a worker finish the request in hand: a lookup held up by a
// table lock still gets its 200 after the master was told to stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';

const BASE = process.env.SHAILOO_URL ?? 'http://127.0.0.1:18080';
const VAR = process.env.SHAILOO_VAR ?? 'var/test';
const ROOT = new URL('../..', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('SIGTERM: the request in hand is answered, then the server stops', async () => {
  const master = Number(readFileSync(`${VAR}/run/shailoo.pid`, 'utf8').trim());
  assert.ok(alive(master));
  // Hold the voters table for 1.5 s so the next lookup waits inside a worker.
  const locker = spawn('psql', ['-X', '-q', '-h', `${VAR}/run`, '-U', 'shailoo', '-d', 'shailoo',
    '-c', 'BEGIN; LOCK TABLE voters IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT;'],
  { stdio: 'ignore' });
  const lockerDone = new Promise((r) => locker.on('exit', r));
  await sleep(300);
  const started = Date.now();
  const pending = fetch(`${BASE}/api/v1/tizme/voters/21505199000011`);
  await sleep(300);
  process.kill(master, 'SIGTERM');
  const res = await pending;
  assert.equal(res.status, 200, 'the request in hand was finished');
  const body = await res.json();
  assert.equal(body.voter.station.number, 1001);
  assert.ok(Date.now() - started >= 900, 'it really waited for the lock');
  for (let i = 0; i < 50 && alive(master); i++) await sleep(100);
  assert.ok(!alive(master), 'the master has exited');
  assert.ok(!existsSync(`${VAR}/run/shailoo.sock`), 'the socket is removed');
  await lockerDone;
  // Start it again for whatever runs next.
  execFileSync(`${ROOT}/scripts/instance.sh`, ['start'], {
    env: { ...process.env, VAR, RESET_DB: '0' }, stdio: 'ignore',
  });
  assert.equal((await fetch(`${BASE}/api/v1/regions`)).status, 200);
});
