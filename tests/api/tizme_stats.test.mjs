// Tizme statistics: GET /api/v1/tizme/stats[?region=] and
// /api/v1/tizme/stats/dynamics[?region=], cross-checked against the voters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  request, getJson, assertError, assertKeys, AREA_KEYS, psql, psqlInt, activeVoters,
} from './lib.mjs';

const AGE_GROUPS = ['18-25', '26-35', '36-45', '46-55', '56-65', '66+'];

function regionsFromDb() {
  return psql('SELECT id, code, name_ru, name_ky FROM regions ORDER BY id')
    .map(([id, code, name_ru, name_ky]) => ({ id: Number(id), code, name_ru, name_ky }));
}

// Active voters by area (1..9, 10 abroad: the one area numbering) and sex, straight from voters.
function countsByArea() {
  const m = new Map();
  for (const [area, sex, n] of psql(`SELECT coalesce(s.region_id, 10), v.sex, count(*)
      FROM voters v JOIN stations s ON s.number = v.station_number
     WHERE v.status = 'active' GROUP BY 1, 2`)) {
    const e = m.get(Number(area)) ?? { female: 0, male: 0 };
    e[sex === 'F' ? 'female' : 'male'] = Number(n);
    m.set(Number(area), e);
  }
  return m;
}

// Age groups as the statistics define them, from the birth dates, at as_of.
function countsByAge(asOf, area) {
  const rows = psql(`SELECT greatest(CASE
        WHEN a <= 25 THEN 1 WHEN a <= 35 THEN 2 WHEN a <= 45 THEN 3
        WHEN a <= 55 THEN 4 WHEN a <= 65 THEN 5 ELSE 6 END, 1) AS g, sex, count(*)
      FROM (SELECT extract(year FROM age(:'asof'::date, v.birth_date))::int AS a, v.sex,
                   coalesce(s.region_id, 10) AS area
              FROM voters v JOIN stations s ON s.number = v.station_number
             WHERE v.status = 'active') x
     WHERE nullif(:'area', '') IS NULL OR area = nullif(:'area', '')::int
     GROUP BY 1, 2`, { asof: asOf, area: area ?? '' });
  const groups = AGE_GROUPS.map(() => ({ female: 0, male: 0 }));
  for (const [g, sex, n] of rows) groups[Number(g) - 1][sex === 'F' ? 'female' : 'male'] = Number(n);
  return groups;
}

function checkStatsShape(s) {
  assertKeys(s, ['as_of', 'region', 'total', 'by_sex', 'by_age', 'by_region'], 'stats');
  assert.match(s.as_of, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(Number.isInteger(s.total) && s.total >= 0);
  assertKeys(s.by_sex, ['female', 'male'], 'by_sex');
  assert.equal(s.by_age.length, 6);
  assert.deepEqual(s.by_age.map((g) => g.group), AGE_GROUPS);
  for (const g of s.by_age) {
    assertKeys(g, ['group', 'female', 'male', 'total'], 'by_age item');
    assert.equal(g.total, g.female + g.male, `age group ${g.group}: total = female + male`);
  }
  for (const r of s.by_region) {
    assertKeys(r, [...AREA_KEYS, 'female', 'male', 'total'], 'by_region item');
    assert.equal(r.total, r.female + r.male, `region ${r.id}: total = female + male`);
  }
}

const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);

describe('GET /api/v1/tizme/stats', () => {
  test('the country: total = count of active voters = sum of stations.voters', async () => {
    const s = await getJson('/api/v1/tizme/stats');
    checkStatsShape(s);
    assert.equal(s.region, null);
    const active = activeVoters();
    assert.ok(active > 0, 'the demo has voters');
    assert.equal(s.total, active, 'total == count(*) of active voters');
    assert.equal(s.total, psqlInt('SELECT coalesce(sum(voters), 0) FROM stations'), 'total == sum(stations.voters)');
    assert.equal(s.as_of, psql('SELECT asof FROM voter_stats_asof')[0][0]);
  });

  test('by_sex sums to the total and matches the voters', async () => {
    const s = await getJson('/api/v1/tizme/stats');
    assert.equal(s.by_sex.female + s.by_sex.male, s.total);
    assert.equal(s.by_sex.female, psqlInt(`SELECT count(*) FROM voters WHERE status = 'active' AND sex = 'F'`));
    assert.equal(s.by_sex.male, psqlInt(`SELECT count(*) FROM voters WHERE status = 'active' AND sex = 'M'`));
  });

  test('by_age sums to the total and matches the birth dates', async () => {
    const s = await getJson('/api/v1/tizme/stats');
    assert.equal(sum(s.by_age, (g) => g.total), s.total);
    assert.equal(sum(s.by_age, (g) => g.female), s.by_sex.female);
    assert.equal(sum(s.by_age, (g) => g.male), s.by_sex.male);
    const expected = countsByAge(s.as_of);
    s.by_age.forEach((g, i) => {
      assert.equal(g.female, expected[i].female, `${g.group} female`);
      assert.equal(g.male, expected[i].male, `${g.group} male`);
    });
  });

  test('by_region: the 9 regions and abroad (id 10), summing to the total', async () => {
    const s = await getJson('/api/v1/tizme/stats');
    assert.equal(s.by_region.length, 10);
    const regions = regionsFromDb();
    assert.equal(regions.length, 9);
    assert.deepEqual(s.by_region.map((r) => r.id), [...regions.map((r) => r.id), 10], 'regions by id, abroad last');
    const abroad = s.by_region.find((r) => r.id === 10);
    assert.equal(abroad.code, 'abroad');
    for (const r of regions) {
      const got = s.by_region.find((x) => x.id === r.id);
      assert.equal(got.code, r.code);
      assert.equal(got.name_ru, r.name_ru);
      assert.equal(got.name_ky, r.name_ky);
    }
    assert.equal(sum(s.by_region, (r) => r.total), s.total);
    const counts = countsByArea();
    for (const r of s.by_region) {
      const c = counts.get(r.id) ?? { female: 0, male: 0 };
      assert.equal(r.female, c.female, `area ${r.id} female`);
      assert.equal(r.male, c.male, `area ${r.id} male`);
    }
    assert.ok(abroad.total > 0, 'the demo has voters abroad');
  });

  for (const area of [1, 2, 5, 9, 10]) {
    test(`?region=${area}: that area's figures`, async () => {
      const s = await getJson(`/api/v1/tizme/stats?region=${area}`);
      checkStatsShape(s);
      assertKeys(s.region, AREA_KEYS, 'region');
      assert.equal(s.region.id, area);
      if (area === 10) assert.equal(s.region.code, 'abroad');
      else assert.equal(s.region.code, regionsFromDb().find((r) => r.id === area).code);
      const expected = psqlInt(`SELECT count(*) FROM voters v JOIN stations s ON s.number = v.station_number
          WHERE v.status = 'active' AND coalesce(s.region_id, 10) = :'a'`, { a: area });
      assert.equal(s.total, expected, 'total == the area\'s active voters');
      assert.equal(s.by_sex.female + s.by_sex.male, s.total);
      assert.equal(sum(s.by_age, (g) => g.total), s.total);
      const byAge = countsByAge(s.as_of, area);
      s.by_age.forEach((g, i) => assert.equal(g.total, byAge[i].female + byAge[i].male, g.group));
      const all = await getJson('/api/v1/tizme/stats');
      assert.equal(s.total, all.by_region.find((r) => r.id === area).total, 'agrees with by_region of the country');
    });
  }

  test('the areas add up to the country', async () => {
    const all = await getJson('/api/v1/tizme/stats');
    let total = 0;
    for (let a = 1; a <= 10; a++) total += (await getJson(`/api/v1/tizme/stats?region=${a}`)).total;
    assert.equal(total, all.total);
  });

  test('an empty ?region= is the same as none', async () => {
    const a = await getJson('/api/v1/tizme/stats?region=');
    const b = await getJson('/api/v1/tizme/stats');
    assert.equal(a.region, null);
    assert.equal(a.total, b.total);
  });
});

describe('GET /api/v1/tizme/stats/dynamics', () => {
  function checkSeries(d) {
    assertKeys(d, ['region', 'series'], 'dynamics');
    assert.equal(d.series.length, 24, '24 months');
    for (const p of d.series) {
      assertKeys(p, ['month', 'female', 'male', 'total'], 'series item');
      assert.match(p.month, /^\d{4}-\d{2}-01$/);
      assert.equal(p.total, p.female + p.male);
    }
    for (let i = 1; i < d.series.length; i++) {
      const [y0, m0] = d.series[i - 1].month.split('-').map(Number);
      const [y1, m1] = d.series[i].month.split('-').map(Number);
      assert.equal(y1 * 12 + m1, y0 * 12 + m0 + 1, `consecutive ascending months at ${d.series[i].month}`);
    }
  }

  test('the country: 24 months ascending, the last one is the current total', async () => {
    const d = await getJson('/api/v1/tizme/stats/dynamics');
    checkSeries(d);
    assert.equal(d.region, null);
    const s = await getJson('/api/v1/tizme/stats');
    const last = d.series.at(-1);
    assert.equal(last.total, s.total, 'last month total == current total');
    assert.equal(last.female, s.by_sex.female);
    assert.equal(last.male, s.by_sex.male);
    assert.equal(last.month, `${s.as_of.slice(0, 7)}-01`, 'the last month is the month of as_of');
  });

  test('the series matches the monthly snapshots in the database', async () => {
    const d = await getJson('/api/v1/tizme/stats/dynamics');
    const rows = psql(`SELECT to_char(month, 'YYYY-MM-DD'),
        coalesce(sum(voters) FILTER (WHERE sex = 'F'), 0), coalesce(sum(voters) FILTER (WHERE sex = 'M'), 0)
      FROM voter_list_snapshots GROUP BY month ORDER BY month`);
    assert.deepEqual(d.series, rows.map(([month, f, m]) => ({
      month, female: Number(f), male: Number(m), total: Number(f) + Number(m),
    })));
  });

  for (const area of [1, 3, 10]) {
    test(`?region=${area}: that area's series, ending at its current total`, async () => {
      const d = await getJson(`/api/v1/tizme/stats/dynamics?region=${area}`);
      checkSeries(d);
      assertKeys(d.region, AREA_KEYS, 'region');
      assert.equal(d.region.id, area);
      const s = await getJson(`/api/v1/tizme/stats?region=${area}`);
      assert.equal(d.series.at(-1).total, s.total);
      const all = await getJson('/api/v1/tizme/stats/dynamics');
      d.series.forEach((p, i) => {
        assert.equal(p.month, all.series[i].month);
        assert.ok(p.total <= all.series[i].total, `${p.month}: an area is part of the country`);
      });
    });
  }

  test('the areas add up to the country, month by month', async () => {
    const all = await getJson('/api/v1/tizme/stats/dynamics');
    const totals = all.series.map(() => 0);
    for (let a = 1; a <= 10; a++) {
      const d = await getJson(`/api/v1/tizme/stats/dynamics?region=${a}`);
      d.series.forEach((p, i) => { totals[i] += p.total; });
    }
    assert.deepEqual(totals, all.series.map((p) => p.total));
  });
});

describe('statistics: bad region values get 400 (JSON), never 5xx', () => {
  const bad = ['-1', '0', '11', '99', 'abc', '1.5', '0x1', '1e1', '%20', '%2B1', '+1', '1%20',
    '99999999999999999999', '999999999999999999', '-9223372036854775809', '%D9%A1',
    "1'%20OR%20'1'='1", '1;DROP%20TABLE%20voters'];
  for (const path of ['/api/v1/tizme/stats', '/api/v1/tizme/stats/dynamics']) {
    for (const v of bad) {
      test(`${path}?region=${v}`, async () => {
        assertError(await request(`${path}?region=${v}`), 400, 'invalid_parameter', 'region');
      });
    }
    test(`${path}: repeated region`, async () => {
      assertError(await request(`${path}?region=1&region=2`), 400, 'repeated_parameter', 'region');
      assertError(await request(`${path}?region=1&region=1`), 400, 'repeated_parameter', 'region');
    });
    test(`${path}: unknown parameter`, async () => {
      assertError(await request(`${path}?regoin=1`), 400, 'unknown_parameter', 'regoin');
      assertError(await request(`${path}?region=1&format=csv`), 400, 'unknown_parameter', 'format');
    });
  }
});
