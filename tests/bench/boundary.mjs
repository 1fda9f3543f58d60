// make bench (ONLY=boundary): every voter of a district reassigned by one
// boundary change, through the API on the running instance (make run, full
// demo country).  The district's stations get new areas (the Voronoi cells
// of their points moved a third of their spacing, inside the district's outline);
// PUT /api/v1/tec/boundaries as the CEC's administrator; then the old areas
// back the same way.  Beside it, in the same run, the floor: the same number
// of voters moved by one plain UPDATE (rolled back).  Target: seconds.
//   SHAILOO_URL=http://127.0.0.1:8080 SHAILOO_VAR=var DISTRICT=3 node tests/bench/boundary.mjs
import { performance } from 'node:perf_hooks';
import { psql, psqlValue, request } from '../api/lib.mjs';
import { signIn, STAFF } from '../api/cabinet_lib.mjs';

const district = Number(process.env.DISTRICT || psqlValue(`
  SELECT district_number FROM stations WHERE NOT abroad GROUP BY district_number ORDER BY sum(voters) DESC LIMIT 1`));
const old = psql(`SELECT number, ST_AsGeoJSON(area, 9) FROM stations WHERE district_number = :'d'::integer AND area IS NOT NULL
                  ORDER BY number`, { d: district });
const moved = psql(`
  WITH d AS (SELECT ST_Union(area) AS u FROM stations WHERE district_number = :'d'::integer AND area IS NOT NULL),
       -- Each point moved by a third of the stations' typical spacing, each its own way.
       k AS (SELECT sqrt(ST_Area(u) / (SELECT count(*) FROM stations WHERE district_number = :'d'::integer
                                                                      AND area IS NOT NULL)) / 3 AS step FROM d),
       -- (a point that would leave the district stays)
       p AS (SELECT number, CASE WHEN ST_Covers(d.u, moved) THEN moved ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END AS pt
               FROM (SELECT number, lon, lat,
                            ST_SetSRID(ST_MakePoint(lon + k.step * cos(number), lat + k.step * sin(number)), 4326) AS moved
                       FROM stations, k WHERE district_number = :'d'::integer AND area IS NOT NULL) s, d),
       cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(p.pt), 0, (SELECT ST_Expand(u, 0.1) FROM d)))).geom AS c FROM p)
  SELECT p.number, ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(c.c, d.u), 3), 9)
    FROM p JOIN cells c ON ST_Covers(c.c, p.pt), d
   ORDER BY p.number`, { d: district });
const voters = Number(psqlValue(`SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
                                  WHERE s.district_number = :'d'::integer AND v.status = 'active'`, { d: district }));
const cec = await signIn(STAFF.cec);

async function change(reason, rows) {
  const body = JSON.stringify({ reason, stations: rows.map(([n, g]) => ({ number: Number(n), area: JSON.parse(g) })) });
  const t0 = performance.now();
  const r = await request('/api/v1/tec/boundaries', {
    method: 'PUT', body, headers: { Cookie: cec.cookie, 'X-CSRF-Token': cec.csrf, 'Content-Type': 'application/json' },
  });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 200) throw new Error(`boundary change refused: ${r.status} ${r.text.slice(0, 300)}`);
  return { s, c: r.json, bytes: body.length };
}

const t0 = performance.now();
psql(`BEGIN;
      UPDATE voters v SET station_number = (SELECT min(number) FROM stations WHERE district_number = :'d'::integer AND number <> v.station_number)
        FROM stations s WHERE s.number = v.station_number AND s.district_number = :'d'::integer AND v.status = 'active';
      ROLLBACK;`, { d: district });
const floor = (performance.now() - t0) / 1000;

const there = await change(`Bench: the stations of district ${district} redrawn`, moved);
const back = await change(`Bench: the stations of district ${district} as they were`, old);
const f = (x) => x.toFixed(2);
console.log(`boundary: district ${district}: ${old.length} stations, ${voters} active voters; request ${Math.round(there.bytes / 1024)} KB`);
console.log(`boundary: redrawn in ${f(there.s)} s: ${there.c.addresses_moved} addresses, ${there.c.voters_moved} voters moved ` +
            `(${Math.round(there.c.voters_moved / there.s)} voters/s)`);
console.log(`boundary: back in ${f(back.s)} s: ${back.c.addresses_moved} addresses, ${back.c.voters_moved} voters moved`);
console.log(`boundary: reference: one plain UPDATE of the district's ${voters} voters' station (rolled back) ${f(floor)} s; ` +
            `ratio ${f(there.s / floor)}x`);
