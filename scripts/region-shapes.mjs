#!/usr/bin/env node
// The regions' shapes for the database, as SQL on stdout (scripts/instance.sh
// pipes it to psql): @amcharts/amcharts4-geodata's kyrgyzstanHigh (GeoJSON,
// ISO 3166-2 codes; its licence asks for a visible attribution, which every
// map keeps, and for its LICENSE beside the data, which nginx serves at
// /vendor/geodata/LICENSE).  The two cities are cut out of the regions around
// them and the foreign enclaves out of the regions they lie in, so that no
// two shapes overlap: every address is then in one region, one station.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'node_modules/@amcharts/amcharts4-geodata/json/kyrgyzstanHigh.json');
const geo = JSON.parse(readFileSync(file, 'utf8'));

// ISO 3166-2 code -> our regions.code; cities first, so the regions lose them.
const regions = [
  ['KG-GB', 'bishkek'], ['KG-GO', 'osh_city'], ['KG-B', 'batken'], ['KG-J', 'jalal_abad'],
  ['KG-Y', 'issyk_kul'], ['KG-N', 'naryn'], ['KG-O', 'osh'], ['KG-T', 'talas'], ['KG-C', 'chui'],
];
const lit = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const byId = new Map(geo.features.map((f) => [f.properties.id, f]));
for (const [iso] of regions) if (!byId.has(iso)) throw new Error(`region-shapes: ${iso} is not in ${file}`);

const out = [];
out.push('CREATE TEMP TABLE shape_source (ord integer, iso text, code text, geom geometry) ON COMMIT DROP;');
regions.forEach(([iso, code], i) => {
  out.push(`INSERT INTO shape_source VALUES (${i}, ${lit(iso)}, ${lit(code)}, ` +
           `ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${lit(JSON.stringify(byId.get(iso).geometry))}), 4326)));`);
});
// Foreign territory inside the country's outline (Sokh, Shohimardon, Vorukh...).
for (const f of geo.features) {
  if (f.properties.CNTRY === 'Kyrgyzstan') continue;
  out.push(`INSERT INTO shape_source VALUES (NULL, ${lit(f.properties.id)}, NULL, ` +
           `ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${lit(JSON.stringify(f.geometry))}), 4326)));`);
}
out.push(`UPDATE regions r SET iso_code = s.iso FROM shape_source s WHERE s.code = r.code AND r.iso_code IS DISTINCT FROM s.iso;
INSERT INTO region_shapes (region_id, geom, source)
SELECT r.id,
       boundary_polygons(ST_Difference(s.geom, coalesce(
           (SELECT ST_Union(o.geom) FROM shape_source o
             WHERE (o.ord IS NULL OR o.ord < s.ord) AND o.geom && s.geom),
           'SRID=4326;GEOMETRYCOLLECTION EMPTY'::geometry))),
       'amCharts 4 geodata, kyrgyzstanHigh (${geo.features.length} shapes)'
  FROM shape_source s JOIN regions r ON r.code = s.code
ON CONFLICT (region_id) DO UPDATE SET geom = excluded.geom, source = excluded.source
 WHERE region_shapes.geom IS DISTINCT FROM excluded.geom OR region_shapes.source IS DISTINCT FROM excluded.source;`);
process.stdout.write('BEGIN;\n' + out.join('\n') + '\nCOMMIT;\n');
