// GET /api/v1/openapi.json: made from the route tables, valid OpenAPI 3.1 (checked by
// @apidevtools/swagger-parser, pinned in package-lock.json), naming every route the
// binary has (build/shailoo --routes), and agreeing with what the server enforces.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import SwaggerParser from '@apidevtools/swagger-parser';
import { request, assertError } from './lib.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const routes = execFileSync(`${ROOT}build/shailoo`, ['--routes'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => { const [method, path] = l.split(' '); return { method, path }; });

async function description() {
  const res = await request('/api/v1/openapi.json');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /application\/json/);
  return JSON.parse(res.text);
}

// A value inside a parameter's declared bounds, and one just outside (or null if none).
function inside(p) {
  const s = p.schema;
  if (s.type === 'integer') return String(s.minimum);
  if (s.pattern) { const n = Number(/\{(\d+),/.exec(s.pattern)[1]); return '1'.repeat(n); }
  if (s.format === 'date') return '2021-11-28';
  return 'x';
}
function outside(p) {
  const s = p.schema;
  if (s.type === 'integer') return String(s.maximum + 1);
  if (s.pattern) { const n = Number(/,(\d+)\}/.exec(s.pattern)[1]); return '1'.repeat(n + 1); }
  if (s.format === 'date') return '2021-02-30';
  if (s.maxLength !== undefined) return 'x'.repeat(s.maxLength + 1);
  return null;
}

describe('the API described', () => {
  test('is valid OpenAPI 3.1 (swagger-parser)', async () => {
    const doc = await description();
    assert.equal(doc.openapi, '3.1.0');
    await SwaggerParser.validate(structuredClone(doc));
  });

  test('names every route of every module, and nothing else', async () => {
    const doc = await description();
    assert.ok(routes.length >= 50, `only ${routes.length} routes`);
    const described = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of Object.keys(item)) described.push(`${method.toUpperCase()} ${path}`);
    assert.deepEqual(described.sort(), routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  test('every operation has a summary, its parameters with bounds, and the error shape', async () => {
    const doc = await description();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const what = `${method} ${path}`;
        assert.ok(op.summary, `${what}: no summary`);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        assert.deepEqual(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), inPath, what);
        for (const p of op.parameters) {
          if (p.schema.type === 'integer') assert.ok(p.schema.maximum >= p.schema.minimum, what);
        }
        assert.equal(op.responses['400'].content['application/json'].schema.$ref, '#/components/schemas/Error');
        if (op.security) assert.ok(op.responses['401'] && op['x-access'].length > 0, what);
      }
    }
    assert.ok(doc.components.schemas.Error.properties.error);
  });

  // The description is the tables the dispatcher checks: a value just past a declared
  // bound is refused with 400 naming the parameter, one inside passes the door.
  test('the declared bounds are the enforced ones (public GETs)', async () => {
    const doc = await description();
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      // The X-Road services answer on their own mTLS port only (tests/api/xroad_provider.test.mjs).
      if (!op || op.security || path === '/auth/esia/callback' || path.startsWith('/xroad/')) continue;
      const params = op.parameters;
      const fill = (bad) => path.replace(/\{(\w+)\}/g, (_, n) =>
        encodeURIComponent(n === bad?.name ? outside(bad) : inside(params.find((p) => p.name === n))));
      const required = params.filter((p) => p.in === 'query' && p.required)
        .map((p) => `${p.name}=${inside(p)}`);
      const base = required.length ? `?${required.join('&')}` : '';
      // Inside the bounds: never the door's 400, never the router's 404/405.
      const ok = await request(fill(null) + base, { headers: { 'X-Shailoo-Direct': '1' } });
      assert.ok(ok.status !== 400 && ok.status !== 405, `${path}: ${ok.status} ${ok.text.slice(0, 200)}`);
      for (const p of params) {
        const v = outside(p);
        if (v === null) continue;
        let url;
        if (p.in === 'path') url = fill(p) + base;
        else url = `${fill(null)}?${[...required.filter((r) => !r.startsWith(`${p.name}=`)), `${p.name}=${encodeURIComponent(v)}`].join('&')}`;
        const res = await request(url, { headers: { 'X-Shailoo-Direct': '1' } });
        assertError(res, 400, undefined, p.name);
        checked++;
      }
    }
    assert.ok(checked >= 20, `only ${checked} bounds checked`);
  });

  test('an undeclared query parameter is refused on every public GET', async () => {
    const res = await request('/api/v1/elections?surprise=1');
    assertError(res, 400, 'unknown_parameter', 'surprise');
  });
});
