// "Statistics" and "Dynamics": the published figures of the voter list, as
// tables (the accessible source) and Chart.js charts (the picture).
import { t, nameOf, fmtInt, fmtPct, fmtSigned, fmtDate, fmtMonth, fmtCompact, share } from '/js/i18n.js';
import { latest, isAbort, errorText, cached } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { drawChart, COLORS } from '/js/charts.js';
import { createMap, regionShapes, regionsLayer, COUNTRY_BOUNDS } from '/js/map.js';

const ABROAD = '10';  // the areas' one numbering: 1..9 regions, 10 abroad

/* Fill an area <select>: whole country, the regions, voters abroad. */
function fillAreas(sel, regions) {
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '', text: t('common.all_country') }));
  for (const r of regions) sel.append(el('option', { value: String(r.id), text: nameOf(r) }));
  sel.append(el('option', { value: ABROAD, text: t('common.abroad') }));
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
}

async function regionList() {
  try {
    const data = await cached('/api/v1/regions');
    return Array.isArray(data.items) ? data.items.filter((r) => r && Number.isInteger(r.id)) : [];
  } catch (e) {
    console.warn('regions unavailable', e);
    return [];
  }
}

const areaName = (r) => (r ? (r.code === 'abroad' || r.id === 10 ? nameOf(r) || t('common.abroad') : nameOf(r)) : t('common.all_country'));
const num = (x) => (Number.isFinite(x) ? x : 0);
const ticks = { precision: 0, callback: (v) => fmtCompact(v) }; // people come in whole numbers

/* A long category label as two lines, so a phone-width chart keeps its bars. */
function twoLines(s) {
  if (s.length <= 14 || !s.includes(' ')) return s;
  const i = s.lastIndexOf(' ');
  return [s.slice(0, i), s.slice(i + 1)];
}

/*
 * One panel of figures for an area: its <select> (#ID-region), status line
 * (#ID-status) and figures (#ID-body), loaded from path (?region=) when first
 * shown and whenever the area changes.  valid(d) checks the answer, draw(d)
 * fills the figures; the old figures stay while new ones load.
 */
function areaPanel(id, path, valid, draw) {
  const sel = document.getElementById(`${id}-region`);
  const status = document.getElementById(`${id}-status`);
  const body = document.getElementById(`${id}-body`);
  const request = latest();
  let regions = [];
  let data = null;
  let state = 'idle'; // 'loading', 'ok' or 'error' (then failure says why)
  let failure = null;
  let started = false;

  function showState() {
    if (state === 'loading') setStatus(status, t('common.loading'), 'busy');
    else if (state === 'error') setStatus(status, errorText(failure, t), 'error');
    else setStatus(status, '');
    body.hidden = !data;
  }

  function render() {
    if (!data) return;
    body.hidden = false;
    draw(data);
  }

  async function load() {
    state = 'loading';
    showState();
    const q = sel.value === '' ? '' : `?region=${encodeURIComponent(sel.value)}`;
    try {
      const d = await request(`${path}${q}`);
      if (!valid(d)) throw new Error('unexpected answer');
      data = d;
      state = 'ok';
    } catch (e) {
      if (isAbort(e)) return;
      data = null;
      failure = e;
      state = 'error';
    }
    showState();
    render();
  }

  sel.addEventListener('change', load);

  return {
    async shown() {
      if (started) return;
      started = true;
      const list = regionList();
      load();
      regions = await list;
      fillAreas(sel, regions);
    },
    relabel() {
      fillAreas(sel, regions);
      if (started) showState();
      render();
    },
  };
}

export function setupStats() {
  return areaPanel('stats', '/api/v1/tizme/stats',
    (d) => Number.isFinite(d.total) && d.by_sex && Array.isArray(d.by_age), drawStats);
}

export function setupDynamics() {
  return areaPanel('dynamics', '/api/v1/tizme/stats/dynamics', (d) => Array.isArray(d.series), drawDynamics);
}

function drawStats(data) {
  const total = data.total;
  const f = num(data.by_sex.female);
  const m = num(data.by_sex.male);
  document.getElementById('stats-updated').textContent = `${t('stats.updated', { date: fmtDate(data.as_of) })} · ${t('stats.for_area', { name: areaName(data.region) })}`;
  document.getElementById('stats-total').textContent = fmtInt(total);
  document.getElementById('stats-female').textContent = `${fmtInt(f)} (${fmtPct(share(f, total))})`;
  document.getElementById('stats-male').textContent = `${fmtInt(m)} (${fmtPct(share(m, total))})`;

  // by sex
  clear(document.getElementById('table-sex')).append(
    table({
      caption: t('stats.sex_caption'),
      columns: [{ label: t('stats.sex') }, { label: t('common.total'), num: true }, { label: t('common.share'), num: true, opt: true }],
      rows: [
        [t('common.female'), fmtInt(f), fmtPct(share(f, f + m))],
        [t('common.male'), fmtInt(m), fmtPct(share(m, f + m))],
      ],
      foot: [t('common.total'), fmtInt(f + m), fmtPct(100)],
    }),
  );
  drawChart(
    document.getElementById('chart-sex'),
    {
      type: 'doughnut',
      data: { labels: [t('common.female'), t('common.male')], datasets: [{ data: [f, m], backgroundColor: [COLORS.female, COLORS.male], borderWidth: 1 }] },
      options: { plugins: { legend: { position: 'right' }, tooltip: { callbacks: { label: (c) => ` ${c.label}: ${fmtInt(c.parsed)}` } } } },
    },
    t('common.chart_note', { title: t('stats.sex_caption') }),
  );

  // by age group
  const ages = data.by_age.filter((a) => a && typeof a.group === 'string');
  clear(document.getElementById('table-age')).append(
    table({
      caption: t('stats.age_caption'),
      columns: [
        { label: t('stats.age_group') },
        { label: t('common.female'), num: true },
        { label: t('common.male'), num: true },
        { label: t('common.total'), num: true },
        { label: t('common.share'), num: true, opt: true },
      ],
      rows: ages.map((a) => [a.group, fmtInt(a.female), fmtInt(a.male), fmtInt(a.total), fmtPct(share(a.total, total))]),
      foot: [t('common.total'), fmtInt(f), fmtInt(m), fmtInt(total), fmtPct(100)],
    }),
  );
  drawChart(
    document.getElementById('chart-age'),
    {
      type: 'bar',
      data: {
        labels: ages.map((a) => a.group),
        datasets: [
          { label: t('common.female'), data: ages.map((a) => num(a.female)), backgroundColor: COLORS.female },
          { label: t('common.male'), data: ages.map((a) => num(a.male)), backgroundColor: COLORS.male },
        ],
      },
      options: {
        scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, ticks, grid: { color: COLORS.grid } } },
        plugins: { tooltip: { callbacks: { label: (c) => ` ${c.dataset.label}: ${fmtInt(c.parsed.y)}` } } },
      },
    },
    t('common.chart_note', { title: t('stats.age_caption') }),
  );

  // by region
  // The breakdown by region is of the whole list; the API sends it even when
  // one area is asked for, where it would only repeat the figures above.
  const byRegion = Array.isArray(data.by_region) && !data.region ? data.by_region.filter((r) => r && Number.isInteger(r.id)) : [];
  const block = document.getElementById('block-region');
  block.hidden = byRegion.length === 0;
  if (byRegion.length) {
    const sum = (k) => byRegion.reduce((x, r) => x + num(r[k]), 0);
    clear(document.getElementById('table-region')).append(
      table({
        caption: t('stats.region_caption'),
        columns: [
          { label: t('common.region') },
          { label: t('common.female'), num: true },
          { label: t('common.male'), num: true },
          { label: t('common.total'), num: true },
          { label: t('common.share'), num: true, opt: true },
        ],
        rows: byRegion.map((r) => [areaName(r), fmtInt(r.female), fmtInt(r.male), fmtInt(r.total), fmtPct(share(r.total, total))]),
        foot: byRegion.length > 1 ? [t('common.total'), fmtInt(sum('female')), fmtInt(sum('male')), fmtInt(sum('total')), fmtPct(share(sum('total'), total))] : null,
      }),
    );
    drawChart(
      document.getElementById('chart-region'),
      {
        type: 'bar',
        data: {
          labels: byRegion.map((r) => twoLines(areaName(r))),
          datasets: [
            { label: t('common.female'), data: byRegion.map((r) => num(r.female)), backgroundColor: COLORS.female },
            { label: t('common.male'), data: byRegion.map((r) => num(r.male)), backgroundColor: COLORS.male },
          ],
        },
        options: {
          indexAxis: 'y',
          scales: {
            // a linear axis does not skip overlapping labels: fewer on a phone
            x: { stacked: true, ticks: { ...ticks, maxTicksLimit: window.innerWidth < 560 ? 3 : 6, maxRotation: 0 }, grid: { color: COLORS.grid } },
            y: { stacked: true, ticks: { autoSkip: false }, grid: { display: false } },
          },
          plugins: { tooltip: { callbacks: { label: (c) => ` ${c.dataset.label}: ${fmtInt(c.parsed.x)}` } } },
        },
      },
      t('common.chart_note', { title: t('stats.region_caption') }),
    );
    const chartBox = document.getElementById('chart-region').parentElement;
    chartBox.style.height = `${Math.max(160, 56 + byRegion.length * 34)}px`;
    drawRegionMap(block, byRegion);
  }
}

// The regions coloured by their number of voters (five classes, each about a
// fifth of the regions), with its legend; abroad is in the table.
const MAP_SCALE = ['#e3eef8', '#b3d0ea', '#7badd8', '#3f82c0', '#0f4f91'];
let statsMap = null;
let statsLayer = null;
let mapRound = 0;

function drawRegionMap(block, byRegion) {
  let box = document.getElementById('stats-map');
  if (!box) {
    box = el('div', { class: 'map map--regions', id: 'stats-map', role: 'region' });
    document.getElementById('table-region').before(el('p', { class: 'hint', id: 'stats-map-hint' }), box, el('ul', { class: 'legend', id: 'stats-map-legend', 'aria-label': t('results.legend') }));
  }
  box.setAttribute('aria-label', t('stats.map_label'));
  document.getElementById('stats-map-hint').textContent = t('stats.map_hint');
  const home = byRegion.filter((r) => r.id >= 1 && r.id <= 9);
  const values = home.map((r) => num(r.total)).sort((a, b) => a - b);
  const k = Math.min(MAP_SCALE.length, values.length);
  const breaks = [];
  for (let i = 1; i < k; i += 1) breaks.push(values[Math.floor((i * values.length) / k)]);
  const classOf = (v) => breaks.filter((b) => v >= b).length;
  const legend = clear(document.getElementById('stats-map-legend'));
  legend.setAttribute('aria-label', t('results.legend'));
  for (let c = 0; c < k; c += 1) {
    const inClass = values.filter((v) => classOf(v) === c);
    if (!inClass.length) continue;
    const sw = el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: MAP_SCALE[c] } });
    sw.style.backgroundColor = MAP_SCALE[c];
    legend.append(el('li', {}, sw, `${fmtInt(inClass[0])} – ${fmtInt(inClass[inClass.length - 1])}`));
  }
  if (!statsMap) statsMap = createMap(box, { backdrop: false });
  if (!statsMap) return;
  statsMap.invalidateSize();
  statsMap.fitBounds(COUNTRY_BOUNDS, { animate: false });
  const figures = new Map(home.map((r) => [r.id, r]));
  const round = (mapRound += 1);
  Promise.all([regionShapes(), regionList()])
    .then(([geo, regions]) => {
      if (round !== mapRound) return;
      if (statsLayer) statsLayer.remove();
      statsLayer = regionsLayer(geo, regions, {
        fill: (id) => (figures.has(id) ? MAP_SCALE[classOf(num(figures.get(id).total))] : null),
        tip: (id) => {
          const r = figures.get(id);
          return r ? el('div', { class: 'popup' }, el('strong', { text: areaName(r) }), el('span', { text: `${t('common.total')}: ${fmtInt(r.total)}` }), el('span', { text: `${t('common.female')}: ${fmtInt(r.female)} · ${t('common.male')}: ${fmtInt(r.male)}` })) : '';
        },
      }).addTo(statsMap);
    })
    .catch((e) => console.warn('region shapes unavailable', e));
}

function drawDynamics(data) {
  const series = data.series.filter((p) => p && typeof p.month === 'string').sort((a, b) => (a.month < b.month ? -1 : 1));
  const first = series[0];
  const last = series[series.length - 1];
  document.getElementById('dynamics-period').textContent = series.length
    ? `${t('stats.for_area', { name: areaName(data.region) })}. ${t('dynamics.period', {
        from: fmtMonth(first.month),
        to: fmtMonth(last.month),
        change: fmtSigned(num(last.total) - num(first.total)),
      })}`
    : t('stats.for_area', { name: areaName(data.region) });

  clear(document.getElementById('table-dynamics')).append(
    table({
      caption: t('dynamics.caption'),
      columns: [
        { label: t('dynamics.month') },
        { label: t('common.female'), num: true },
        { label: t('common.male'), num: true },
        { label: t('common.total'), num: true },
        { label: t('dynamics.change'), num: true, opt: true },
      ],
      rows: series.map((p, i) => [
        fmtMonth(p.month),
        fmtInt(p.female),
        fmtInt(p.male),
        fmtInt(p.total),
        i === 0 ? t('common.none') : fmtSigned(num(p.total) - num(series[i - 1].total)),
      ]),
    }),
  );
  drawChart(
    document.getElementById('chart-dynamics'),
    {
      type: 'line',
      data: {
        labels: series.map((p) => fmtMonth(p.month, true)),
        datasets: [
          { label: t('common.total'), data: series.map((p) => num(p.total)), borderColor: COLORS.total, backgroundColor: COLORS.total, yAxisID: 'y', tension: 0.2, pointRadius: 2 },
          { label: t('common.female'), data: series.map((p) => num(p.female)), borderColor: COLORS.female, backgroundColor: COLORS.female, yAxisID: 'y1', tension: 0.2, pointRadius: 2, borderDash: [6, 3] },
          { label: t('common.male'), data: series.map((p) => num(p.male)), borderColor: COLORS.male, backgroundColor: COLORS.male, yAxisID: 'y1', tension: 0.2, pointRadius: 2, borderDash: [2, 3] },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { labels: { usePointStyle: true, pointStyle: 'line' } },
          tooltip: { callbacks: { label: (c) => ` ${c.dataset.label}: ${fmtInt(c.parsed.y)}` } },
        },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          y: { position: 'left', title: { display: true, text: t('common.total') }, ticks: { ...ticks, maxTicksLimit: 6 }, grid: { color: COLORS.grid } },
          y1: { position: 'right', title: { display: true, text: `${t('common.female')} / ${t('common.male')}` }, ticks: { ...ticks, maxTicksLimit: 6 }, grid: { display: false } },
        },
      },
    },
    t('common.chart_note', { title: t('dynamics.chart_title') }),
  );
}
