// A territorial commission redraws a station's boundary in the browser: the
// station and its neighbours on the map, a corner dragged, a preview that
// changes nothing, then the change with its reason: the voters it moved are
// the ones the database moved, and the public station page shows the new area.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var node --test tests/browser/boundaries.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBrowser, withPage as pageWith, signIn, SHOTS } from './lib.mjs';
import { psql, psqlValue, psqlInt, request } from '../api/lib.mjs';
import { signIn as apiSignIn, STAFF } from '../api/cabinet_lib.mjs';

// A commission no other test redraws, and an administrator of our own for it.
const COMMISSION = 102;
const ADMIN = '21304198200051';
const REASON = 'Browser test: the corner moves to the new road.';
const ME = /\/api\/v1\/me$/;
const withPage = (o, fn) => pageWith({ ...o, allow: [...(o.allow || []), { url: ME, status: 401 }] }, fn);
let S, N, old;

useBrowser();

before(() => {
  S = psqlInt(`SELECT a.number FROM stations a
                WHERE a.commission_id = :'c'::integer AND a.area IS NOT NULL
                  AND EXISTS (SELECT 1 FROM stations b WHERE b.commission_id = a.commission_id AND b.number <> a.number
                                AND ST_Intersects(a.area, b.area))
                ORDER BY a.number LIMIT 1`, { c: COMMISSION });
  // N: the neighbour of the same commission with the longest common border.
  N = psqlInt(`SELECT b.number FROM stations a JOIN stations b ON b.commission_id = a.commission_id AND b.number <> a.number
                 AND ST_Intersects(a.area, b.area) WHERE a.number = :'s'::integer
               ORDER BY ST_Length(ST_Intersection(ST_Boundary(a.area), ST_Boundary(b.area))) DESC, b.number LIMIT 1`, { s: S });
  old = psql(`SELECT number, ST_AsGeoJSON(area, 9) FROM stations WHERE commission_id = :'c'::integer AND area IS NOT NULL`,
    { c: COMMISSION });
  psql(`INSERT INTO staff_roles (pin, role, commission_id) VALUES (:'p', 'tec_admin', :'c'::integer) ON CONFLICT DO NOTHING`,
    { p: ADMIN, c: COMMISSION });
});

after(async () => {
  // Every area of the commission as it was, through the API (the voters follow back).
  const cec = await apiSignIn(STAFF.cec);
  const changed = old.filter(([n, g]) => psqlValue(`SELECT ST_AsGeoJSON(area, 9) FROM stations WHERE number = :'n'::integer`, { n }) !== g);
  if (changed.length) {
    const r = await request('/api/v1/tec/boundaries', {
      method: 'PUT',
      body: JSON.stringify({ reason: 'The browser test puts the boundaries back.', stations: changed.map(([n, g]) => ({ number: Number(n), area: JSON.parse(g) })) }),
      headers: { Cookie: cec.cookie, 'X-CSRF-Token': cec.csrf, 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 200, r.text);
  }
  psql(`DELETE FROM staff_roles WHERE pin = :'p'`, { p: ADMIN });
});

test('a TEC administrator drags a corner, previews, and applies: the voters move as the database says', async () => {
  await withPage({ height: 1300 }, async (page) => {
    await signIn(page, ADMIN, '/tec/');
    await page.fill('#boundary-station', String(S));
    await page.click('#boundary-pick button[type=submit]');
    await page.locator('#boundary-map .leaflet-overlay-pane path').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'tec-boundaries-open.png') });
    const polygons = await page.locator('#boundary-map .leaflet-overlay-pane path').count();
    assert.ok(polygons >= 2, 'the station and at least one neighbour');
    // geoman's corner handles of the editable areas.
    await page.locator('#boundary-map .marker-icon').first().waitFor();
    // Only the station opened is edited: its corners and its edges' middles, nobody else's.
    assert.ok(await page.locator('#boundary-apply').isDisabled(), 'nothing to apply before an edit');
    const changesBefore = psqlInt('SELECT count(*) FROM boundary_changes');

    // Drag the middle of S's longest edge on its border with N 40% of the way to N's point:
    // a bulge into N, inside N (its area is convex), so only S and N change.
    await page.locator('#boundary-map').scrollIntoViewIfNeeded();
    const [mlat, mlon, tlat, tlon] = psql(`
      WITH edge AS (
        SELECT ST_MakeLine(ST_PointN(r.ring, k), ST_PointN(r.ring, k + 1)) AS seg
          FROM (SELECT ST_ExteriorRing((ST_Dump(area)).geom) AS ring FROM stations WHERE number = :'s'::integer) r,
               generate_series(1, ST_NPoints(r.ring) - 1) k
      ), shared AS (
        SELECT ST_LineInterpolatePoint(e.seg, 0.5) AS m FROM edge e, stations n
         WHERE n.number = :'n'::integer AND ST_Covers(ST_Buffer(n.area, 1e-7), e.seg)
         ORDER BY ST_Length(e.seg) DESC LIMIT 1
      )
      SELECT ST_Y(m), ST_X(m), ST_Y(t), ST_X(t)
        FROM (SELECT m, ST_LineInterpolatePoint(ST_MakeLine(m, ST_SetSRID(ST_MakePoint(n.lon, n.lat), 4326)), 0.4) AS t
                FROM shared, stations n WHERE n.number = :'n'::integer) x`, { s: S, n: N })[0].map(Number);
    // As a person would: the edge and the target in the middle of the map (panned, not zoomed).
    await page.locator('#boundary-map').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.evaluate(([a, b]) => document.getElementById('boundary-map').leafletMap.panTo(a && [a, b], { animate: false }),
      [(mlat + tlat) / 2, (mlon + tlon) / 2]);
    await page.waitForTimeout(200);
    const px = (lat, lon) => page.evaluate(([a, b]) => {
      const el = document.getElementById('boundary-map');
      const p = el.leafletMap.latLngToContainerPoint([a, b]);
      const r = el.getBoundingClientRect();
      return [r.x + p.x, r.y + p.y];
    }, [lat, lon]);
    const [mx, my] = await px(mlat, mlon);
    const middles = await page.locator('#boundary-map .marker-icon-middle').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return [r.x + r.width / 2, r.y + r.height / 2];
    }));
    const [x, y] = middles.sort((a, b) => Math.hypot(a[0] - mx, a[1] - my) - Math.hypot(b[0] - mx, b[1] - my))[0];
    assert.ok(Math.hypot(x - mx, y - my) < 4, 'the edge\'s middle handle is where the database says');
    // A click on the middle handle makes it a corner; then the corner is dragged.
    await page.mouse.click(x, y);
    await page.waitForTimeout(200);
    // (the click may scroll the page: the map focused; positions are taken again)
    const [mx2, my2] = await px(mlat, mlon);
    const [tx, ty] = await px(tlat, tlon);
    const corners = await page.locator('#boundary-map .marker-icon:not(.marker-icon-middle)').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return [r.x + r.width / 2, r.y + r.height / 2];
    }));
    const [cx, cy] = corners.sort((a, b) => Math.hypot(a[0] - mx2, a[1] - my2) - Math.hypot(b[0] - mx2, b[1] - my2))[0];
    assert.ok(Math.hypot(cx - mx2, cy - my2) < 4, 'the click made a corner there');
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.waitForTimeout(50);
    await page.mouse.move((cx + tx) / 2, (cy + ty) / 2, { steps: 10 });
    await page.mouse.move(tx, ty, { steps: 10 });
    await page.waitForTimeout(50);
    await page.mouse.up();
    await page.waitForFunction(() => !document.querySelector('#boundary-apply').disabled);
    const edited = (await page.textContent('#boundary-edited')).match(/\d{4}/g).map(Number);
    assert.ok(edited.length >= 1);

    // Without a reason: refused on the page.
    await page.click('#boundary-preview');
    await page.waitForFunction(() => document.querySelector('#boundary-status').classList.contains('status--error')
      || /10/.test(document.querySelector('#boundary-status').textContent));
    await page.fill('#boundary-reason', REASON);
    await page.click('#boundary-preview');
    await page.waitForTimeout(1500); await page.screenshot({ path: path.join(SHOTS, 'tec-boundaries-preview.png') });
    await page.locator('#boundary-result table').waitFor();
    const preview = await page.textContent('#boundary-result');
    assert.equal(psqlInt('SELECT count(*) FROM boundary_changes'), changesBefore, 'a preview records nothing');
    await page.screenshot({ path: path.join(SHOTS, 'tec-boundaries-preview.png') });

    await page.click('#boundary-apply');
    await page.locator('#boundary-result .notice--ok').waitFor();
    const done = await page.textContent('#boundary-result');
    const c = psql(`SELECT id, addresses_moved, voters_moved FROM boundary_changes WHERE reason = :'r' ORDER BY id DESC LIMIT 1`, { r: REASON })[0];
    assert.ok(c, 'the change is recorded');
    const [id, addresses, voters] = c.map(Number);
    const digits = (s) => s.replace(/[\s\u00a0\u202f]/g, '');
    assert.ok(digits(done).includes(`${addresses}`) && digits(done).includes(`${voters}`), `the page says what the database did: ${done}`);
    assert.ok(digits(preview).includes(`${voters}`), 'the preview said the same');
    assert.ok(voters > 0 && addresses > 0, 'half of a neighbour taken: its voters there move');
    assert.equal(psqlInt(`SELECT count(*) FROM station_moves WHERE boundary_change_id = :'id'::bigint`, { id }), voters);
    assert.equal(psqlInt(`SELECT count(*) FROM boundary_change_areas WHERE change_id = :'id'::bigint AND station_number = ANY (string_to_array(:'e', ',')::integer[])`,
      { id, e: edited.join(',') }), edited.length, 'the edited stations are in the change');
    // Every address is in its station's area.
    assert.equal(psqlInt(`SELECT count(*) FROM addresses a JOIN boundary_change_areas c ON c.change_id = :'id'::bigint
                            AND a.station_number = c.station_number WHERE a.station_number IS DISTINCT FROM address_station(a.point)`, { id }), 0);
    await page.screenshot({ path: path.join(SHOTS, 'tec-boundaries-done.png') });

    // A neighbour of the commission becomes editable when asked for (one change can then move both edges).
    const handlesNow = () => page.locator('#boundary-map .marker-icon:not(.marker-icon-middle)').count();
    const before = await handlesNow();
    await page.click(`#boundary-also button[data-station="${N}"]`);
    await page.waitForFunction((n) => document.querySelectorAll('#boundary-map .marker-icon:not(.marker-icon-middle)').length > n, before);

    // The public sees it: the link opens the station in Tizme, with who came in and why.
    await page.click('#boundary-result a');
    await page.waitForURL(/\/tizme\/\?station=\d+#stations$/);
    await page.locator('#station-detail .station-flows .flows-changes li').first().waitFor();
    const flows = await page.textContent('#station-detail .station-flows');
    assert.ok(flows.includes(REASON), `the station's movements name the change: ${flows}`);
    await page.screenshot({ path: path.join(SHOTS, 'tizme-station-flows.png'), fullPage: true });
  });
});
