// Station boundaries and the address register (issue 13, part 3): a
// commission's boundary change moves exactly the voters of the addresses that
// change station (not those who applied to vote elsewhere), in one
// transaction, each move recorded with its reason; refusals change nothing;
// the public sees who came and left and why; the voter sees it in the cabinet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertError, psql, psqlValue, psqlInt } from './lib.mjs';
import { signIn, STAFF } from './cabinet_lib.mjs';
import { fresh } from './asu_lib.mjs';

// A territorial commission no other test works in, and an administrator of our own for it.
const COMMISSION = 104;
const ADMIN = '21203198100047';
const BOUNDARIES = '/api/v1/tec/boundaries';
let admin, tec201, cec, voter;
let A, B, C, oldA, oldB, strip, applied;

const put = (who, body) => request(BOUNDARIES, {
  method: 'PUT', body: JSON.stringify(body),
  headers: who ? { Cookie: who.cookie, 'X-CSRF-Token': who.csrf, 'Content-Type': 'application/json' }
    : { 'Content-Type': 'application/json' },
});
const geo = (sql, vars) => JSON.parse(psqlValue(`SELECT ST_AsGeoJSON((${sql}), 9)`, vars));
const REASON = 'The new school on Ibraimova street opens as station A.';

// Who is where: every voter of the two stations and of the strip's addresses, as one text.
const placement = () => psqlValue(`SELECT md5(string_agg(pin || ':' || station_number, ',' ORDER BY pin))
                                     FROM voters WHERE station_number IN (:'a'::integer, :'b'::integer, :'c'::integer)`,
{ a: A, b: B, c: C });
const changes = () => psqlInt('SELECT count(*) FROM boundary_changes');

before(async () => {
  // Two neighbouring stations of the commission, and a strip of B along A (300 m) with voters in it.
  const pair = psqlValue(`
    SELECT a.number || ',' || b.number FROM stations a JOIN stations b
        ON b.commission_id = a.commission_id AND b.number <> a.number AND ST_Intersects(a.area, b.area)
     WHERE a.commission_id = :'c'::integer
       AND (SELECT count(*) FROM voters v JOIN addresses ad ON ad.id = v.address_id
             WHERE v.station_number = b.number AND v.status = 'active'
               AND ST_Covers(ST_Intersection(b.area, ST_Buffer(a.area, 0.003)), ad.point)) BETWEEN 3 AND 200
     ORDER BY a.number, b.number LIMIT 1`, { c: COMMISSION });
  assert.ok(pair, 'two neighbouring stations with voters along their border');
  [A, B] = pair.split(',').map(Number);
  // Where the applicant votes: a station of a commission no other test works in.
  C = psqlInt(`SELECT number FROM stations WHERE commission_id = 103 ORDER BY number LIMIT 1`);
  oldA = geo(`SELECT area FROM stations WHERE number = :'a'::integer`, { a: A });
  oldB = geo(`SELECT area FROM stations WHERE number = :'b'::integer`, { b: B });
  strip = `(SELECT ST_Intersection(b.area, ST_Buffer(a.area, 0.003)) FROM stations a, stations b
             WHERE a.number = ${A} AND b.number = ${B})`;
  // One voter of the strip applied to vote at C: their station is not their address's any more.
  applied = psqlValue(`SELECT v.pin FROM voters v JOIN addresses ad ON ad.id = v.address_id
                        WHERE v.station_number = :'b'::integer AND v.status = 'active' AND ST_Covers(${strip}, ad.point)
                        ORDER BY v.pin LIMIT 1`, { b: B });
  psql(`UPDATE voters SET station_number = :'c'::integer WHERE pin = :'p'`, { c: C, p: applied });
  psql(`INSERT INTO staff_roles (pin, role, commission_id) VALUES (:'p', 'tec_admin', :'c'::integer)
        ON CONFLICT DO NOTHING`, { p: ADMIN, c: COMMISSION });
  voter = psqlValue(`SELECT v.pin FROM voters v JOIN addresses ad ON ad.id = v.address_id
                      WHERE v.station_number = :'b'::integer AND v.status = 'active' AND ST_Covers(${strip}, ad.point)
                        AND v.pin <> :'p' ORDER BY v.pin DESC LIMIT 1`, { b: B, p: applied });
  [admin, tec201, cec] = await Promise.all([ADMIN, STAFF.tec201, STAFF.cec].map(signIn));
});

after(async () => {
  // The areas as they were, and the voters with them (the CEC's change, recorded like any other).
  if (cec && oldA && oldB) {
    const r = await put(cec, { reason: 'The test puts the boundaries back.', stations: [{ number: A, area: oldA }, { number: B, area: oldB }] });
    assert.equal(r.status, 200, r.text);
  }
  if (applied) psql(`UPDATE voters SET station_number = :'b'::integer WHERE pin = :'p'`, { b: B, p: applied });
  psql(`DELETE FROM staff_roles WHERE pin = :'p'`, { p: ADMIN });
});

test('refusals: bad input, another commission, gaps and overlaps change nothing', async () => {
  const before = [placement(), changes()];
  const newA = geo(`SELECT ST_Union(a.area, ${strip}) FROM stations a WHERE a.number = :'a'::integer`, { a: A });
  let r = await put(null, { reason: REASON, stations: [{ number: A, area: newA }] });
  assert.equal(r.status, 401);
  r = await put(admin, { stations: [{ number: A, area: newA }] });
  assertError(r, 400, 'invalid_field', 'reason');
  r = await put(admin, { reason: 'short', stations: [{ number: A, area: newA }] });
  assertError(r, 400, 'invalid_field', 'reason');
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: 'here' }] });
  assertError(r, 400, 'invalid_field', 'stations[0].area');
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: newA, extra: 1 }] });
  assert.equal(r.status, 400);
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: { type: 'Point', coordinates: [74.6, 42.87] } }] });
  assertError(r, 422, 'invalid_area');
  const bowtie = { type: 'Polygon', coordinates: [[[74.6, 42.87], [74.61, 42.88], [74.61, 42.87], [74.6, 42.88], [74.6, 42.87]]] };
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: bowtie }] });
  assertError(r, 422, 'invalid_area');
  const osh = { type: 'Polygon', coordinates: [[[72.7, 40.4], [72.8, 40.4], [72.8, 40.5], [72.7, 40.5], [72.7, 40.4]]] };
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: osh }] });
  assertError(r, 422, 'area_outside_region');
  r = await put(admin, { reason: REASON, stations: [{ number: 10001, area: newA }] });
  assertError(r, 422, 'station_abroad');
  r = await put(admin, { reason: REASON, stations: [{ number: 9999, area: newA }] });
  assertError(r, 404, 'station_not_found');
  r = await put(tec201, { reason: REASON, stations: [{ number: A, area: newA }] });
  assertError(r, 403, 'outside_scope');
  // A and B both named, their new areas overlapping.
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: newA }, { number: B, area: oldB }] });
  assertError(r, 422, 'areas_overlap');
  // A takes all of B.
  const both = geo(`SELECT ST_Union(a.area, b.area) FROM stations a, stations b WHERE a.number = :'a'::integer AND b.number = :'b'::integer`, { a: A, b: B });
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: both }] });
  assertError(r, 422, 'station_left_without_area');
  // A shrinks to a dot around its centre: its other addresses would be nobody's.
  const dot = geo(`SELECT ST_Intersection(area, ST_Buffer(ST_PointOnSurface(area), 0.0005)) FROM stations WHERE number = :'a'::integer`, { a: A });
  r = await put(admin, { reason: REASON, stations: [{ number: A, area: dot }] });
  assertError(r, 422, 'addresses_uncovered');
  assert.deepEqual([placement(), changes()], before, 'a refused change leaves voters and the record as they were');
  assert.deepEqual(geo(`SELECT area FROM stations WHERE number = :'a'::integer`, { a: A }), oldA);
});

test('a boundary change moves exactly the voters of the moved addresses, each with its reason', async () => {
  const expected = psql(`SELECT v.pin FROM voters v JOIN addresses ad ON ad.id = v.address_id
                          WHERE v.station_number = :'b'::integer AND v.status = 'active' AND ST_Covers(${strip}, ad.point)
                          ORDER BY v.pin`, { b: B }).map((r) => r[0]);
  const addresses = psqlInt(`SELECT count(*) FROM addresses ad WHERE ad.station_number = :'b'::integer AND ST_Covers(${strip}, ad.point)`, { b: B });
  const untouched = psqlValue(`SELECT md5(string_agg(pin || ':' || station_number, ',' ORDER BY pin)) FROM voters
                                WHERE station_number IN (:'a'::integer, :'b'::integer) AND NOT (pin = ANY (string_to_array(:'e', ',')))`,
  { a: A, b: B, e: expected.join(',') });
  const counts = () => [A, B, C].map((n) => psqlInt(`SELECT voters FROM stations WHERE number = :'n'::integer`, { n }));
  const [va, vb, vc] = counts();
  const stats = psqlValue(`SELECT string_agg(voters::text, ',' ORDER BY region_id, sex, age_group) FROM voter_stats`);
  assert.ok(expected.length >= 2 && addresses >= 2);

  const newA = geo(`SELECT ST_Union(a.area, ${strip}) FROM stations a WHERE a.number = :'a'::integer`, { a: A });
  // The neighbours a commission redraws together, then a preview: the same answer, nothing done.
  const nb = await request(`/api/v1/stations/${A}/neighbours`);
  assert.equal(nb.status, 200);
  assert.equal(nb.json.items[0].number, A);
  assert.ok(nb.json.items.some((x) => x.number === B && x.area.type === 'MultiPolygon' && x.addresses > 0));
  const placed = [placement(), changes()];
  const pv = await request(`${BOUNDARIES}/preview`, {
    method: 'POST', body: JSON.stringify({ reason: REASON, stations: [{ number: A, area: newA }] }),
    headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
  });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.json.preview, true);
  assert.equal(pv.json.voters_moved, expected.length);
  assert.equal(pv.json.addresses_moved, addresses);
  assert.deepEqual([placement(), changes()], placed, 'a preview leaves everything as it was');
  // A preview is refused as the change would be.
  const pr = await request(`${BOUNDARIES}/preview`, {
    method: 'POST', body: JSON.stringify({ reason: REASON, stations: [{ number: A, area: newA }] }),
    headers: { Cookie: tec201.cookie, 'X-CSRF-Token': tec201.csrf, 'Content-Type': 'application/json' },
  });
  assertError(pr, 403, 'outside_scope');
  assert.deepEqual(geo(`SELECT area FROM stations WHERE number = :'a'::integer`, { a: A }), oldA);

  const r = await put(admin, { reason: REASON, stations: [{ number: A, area: newA }] });
  assert.equal(r.status, 200, r.text);
  const c = r.json;
  assert.equal(c.reason, REASON);
  assert.equal(c.by_role, 'tec_admin');
  assert.equal(c.commission_id, COMMISSION);
  assert.equal(c.addresses_moved, addresses);
  assert.equal(c.voters_moved, expected.length);
  assert.deepEqual(c.stations.map((s) => s.number), [A, B].sort((x, y) => x - y), 'A named, B clipped');
  assert.equal(c.stations.find((s) => s.number === A).came_in, expected.length);
  assert.equal(c.stations.find((s) => s.number === B).left, expected.length);

  // Exactly those voters, now at A; each move recorded with the change; the applicant stays at C.
  const moved = psql(`SELECT pin FROM station_moves WHERE boundary_change_id = :'c'::bigint AND reason = 'boundary'
                        AND from_station = :'b'::integer AND to_station = :'a'::integer ORDER BY pin`,
  { c: c.id, a: A, b: B }).map((r) => r[0]);
  assert.deepEqual(moved, expected);
  assert.equal(psqlInt(`SELECT count(*) FROM voters WHERE pin = ANY (string_to_array(:'e', ',')) AND station_number = :'a'::integer`,
    { a: A, e: expected.join(',') }), expected.length);
  assert.equal(psqlInt(`SELECT station_number FROM voters WHERE pin = :'p'`, { p: applied }), C, 'who applied elsewhere stays');
  assert.equal(psqlValue(`SELECT md5(string_agg(pin || ':' || station_number, ',' ORDER BY pin)) FROM voters
                           WHERE station_number IN (:'a'::integer, :'b'::integer) AND NOT (pin = ANY (string_to_array(:'e', ',')))`,
  { a: A, b: B, e: expected.join(',') }), untouched, 'nobody else moved');
  assert.deepEqual(counts(), [va + expected.length, vb - expected.length, vc]);
  assert.equal(psqlValue(`SELECT string_agg(voters::text, ',' ORDER BY region_id, sex, age_group) FROM voter_stats`), stats,
    'the region\'s statistics do not change');
  // Every address in its station's area, and B lost the strip.
  assert.equal(psqlInt(`SELECT count(*) FROM addresses ad WHERE ad.station_number IN (:'a'::integer, :'b'::integer)
                          AND ad.station_number IS DISTINCT FROM address_station(ad.point)`, { a: A, b: B }), 0);
  assert.equal(psqlValue(`SELECT ST_Area(ST_Intersection(a.area, b.area)) < boundary_overlap_min() FROM stations a, stations b
                           WHERE a.number = :'a'::integer AND b.number = :'b'::integer`, { a: A, b: B }), 't');

  // The public: the change, and each station's flows.
  let p = await request(`/api/v1/boundary-changes/${c.id}`);
  assert.equal(p.status, 200);
  assert.equal(p.json.voters_moved, expected.length);
  assert.ok(!JSON.stringify(p.json).includes(ADMIN), 'the public record names no PIN');
  // Public answers under /api/v1/stations/ are cached a second (stale while updating): wait for this change.
  const shows = (r) => r.status === 200 && r.json.boundary_changes.some((x) => x.id === c.id);
  p = await fresh(`/api/v1/stations/${A}/flows`, shows);
  assert.equal(p.status, 200);
  assert.ok(p.json.came_in.boundary >= expected.length);
  assert.ok(p.json.boundary_changes.some((x) => x.id === c.id && x.came_in === expected.length && x.reason === REASON));
  const month = p.json.months.at(-1);
  assert.ok(month.came_in.boundary >= expected.length);
  p = await fresh(`/api/v1/stations/${B}/flows`, shows);
  assert.ok(p.json.left.boundary >= expected.length);
  assert.equal(typeof p.json.left.death, 'number');
  assertError(await request('/api/v1/stations/9999/flows'), 404, 'station_not_found');
  assertError(await request('/api/v1/boundary-changes/999999999'), 404);

  // The voter sees why their station changed.
  const me = await signIn(voter);
  const h = await me.get('/api/v1/cabinet/history');
  assert.equal(h.status, 200);
  const m = h.json.items.find((x) => x.boundary_change && x.boundary_change.id === c.id);
  assert.ok(m, 'the move is in the voter\'s history');
  assert.equal(m.reason, 'boundary');
  assert.equal(m.from_station, B);
  assert.equal(m.to_station, A);
  assert.equal(m.boundary_change.reason, REASON);
  // The station answer's boundary is the new area.
  const s = await fresh(`/api/v1/stations/${A}`, (r) => r.status === 200 && psqlValue(
    `SELECT ST_HausdorffDistance(ST_SetSRID(ST_GeomFromGeoJSON(:'g'), 4326), area) < 1e-5
       FROM stations WHERE number = :'a'::integer`, { g: JSON.stringify(r.json.station.boundary), a: A }) === 't');
  assert.equal(s.status, 200);
  assert.equal(s.json.station.boundary.type, 'MultiPolygon');
  assert.equal(psqlValue(`SELECT ST_HausdorffDistance(ST_SetSRID(ST_GeomFromGeoJSON(:'g'), 4326), area) < 1e-5
                           FROM stations WHERE number = :'a'::integer`, { g: JSON.stringify(s.json.station.boundary), a: A }), 't',
  'the station answer shows the new area');
});

test('an address of the register answers with its station', async () => {
  const id = psqlValue(`SELECT id FROM addresses WHERE station_number = :'a'::integer ORDER BY id LIMIT 1`, { a: A });
  const r = await request(`/api/v1/addresses/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.address.station_number, A);
  assert.equal(typeof r.json.address.lat, 'number');
  assertError(await request('/api/v1/addresses/1'), 404);
  assertError(await request('/api/v1/addresses/x'), 400);
});
