// make migrate (scripts/instance.sh migrate) on databases of their own in the test cluster:
// a fresh database gets exactly the schema of one migrated step by step; a function changed
// in sql/functions/ reaches an existing database; an edited old migration is refused, by name.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VAR, psqlValue } from '../api/lib.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const DB = 'shailoo_migrate_probe';
const work = mkdtempSync(join(tmpdir(), 'shailoo-sql-'));
cpSync(join(ROOT, 'sql'), join(work, 'sql'), { recursive: true });
const SQL = join(work, 'sql');

function migrate() {
  return spawnSync(join(ROOT, 'scripts/instance.sh'), ['migrate'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, VAR, DB, SQL_DIR: SQL },
  });
}
function probe(sql) {
  // The test library's psql talks to the test database; ask the probe database directly.
  const r = spawnSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', DB, '-c', sql], {
    encoding: 'utf8', env: { ...process.env, PGHOST: join(VAR, 'run'), PGUSER: 'shailoo' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

after(() => {
  spawnSync('psql', ['-X', '-q', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`],
    { env: { ...process.env, PGHOST: join(VAR, 'run'), PGUSER: 'shailoo' } });
  rmSync(work, { recursive: true, force: true });
});

describe('migrations and functions', () => {
  test('a fresh database: every migration recorded with its SHA-256, every function there', () => {
    const r = migrate();
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(join(SQL, 'migrations')).filter((f) => /^\d{3}_.*\.sql$/.test(f));
    assert.equal(Number(probe('SELECT count(*) FROM schema_migrations WHERE sha256 ~ \'^[0-9a-f]{64}$\'')), files.length);
    // The same functions as the test database, built the same way.
    const fns = "SELECT string_agg(p.oid::regprocedure::text, ',' ORDER BY p.oid::regprocedure::text) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace";
    assert.equal(probe(fns), psqlValue(fns));
    assert.ok(Number(probe("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")) > 10);
    // Twice is once: nothing applied again, nothing refused.
    const again = migrate();
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /instance: migration /);
  });

  test('a function changed in sql/functions/ reaches the existing database', () => {
    const f = join(SQL, 'functions', '004_public_views.sql');
    const before = probe("SELECT voter_initials('Асанов', 'Бакыт', NULL)");
    assert.equal(before, 'А. Б.');
    const text = readFileSync(f, 'utf8');
    writeFileSync(join(SQL, 'functions', '999_probe.sql'),
      "CREATE OR REPLACE FUNCTION migrate_probe() RETURNS text LANGUAGE sql AS $$ SELECT 'one' $$;\n");
    assert.equal(migrate().status, 0);
    assert.equal(probe('SELECT migrate_probe()'), 'one');
    writeFileSync(join(SQL, 'functions', '999_probe.sql'),
      "CREATE OR REPLACE FUNCTION migrate_probe() RETURNS text LANGUAGE sql AS $$ SELECT 'two' $$;\n");
    const r = migrate();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(probe('SELECT migrate_probe()'), 'two');
    writeFileSync(f, text);
    rmSync(join(SQL, 'functions', '999_probe.sql'));
  });

  test('an edited migration is refused with a message naming it and both hashes; nothing applied', () => {
    const f = join(SQL, 'migrations', '003_elections.sql');
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, `${text}\n-- an edit after it was applied\n`);
    writeFileSync(join(SQL, 'migrations', '998_new.sql'), 'CREATE TABLE migrate_probe_new (x integer);\n');
    const r = migrate();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /REFUSED: migration 003_elections was edited after it was applied/);
    assert.match(r.stderr, /recorded sha256 [0-9a-f]{64}/);
    assert.match(r.stderr, /file {5}sha256 [0-9a-f]{64}/);
    assert.match(r.stderr, /sql\/functions\//);
    assert.equal(probe("SELECT count(*) FROM pg_class WHERE relname = 'migrate_probe_new'"), '0', 'a refused migrate applies nothing');
    writeFileSync(f, text);
    const ok = migrate();
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(probe("SELECT count(*) FROM pg_class WHERE relname = 'migrate_probe_new'"), '1');
  });
});
