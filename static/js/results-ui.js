// The pieces every results page draws the same way: party colours, the
// figures of an area (stations reported, turnout, ballots), the bars of a
// ballot with the 5% threshold, turnout through the day, and the
// parliament's seats. Tables carry the numbers; Chart.js draws the pictures
// (static/js/charts.js); nothing here draws by hand what Chart.js does.
import { t, nameOf, fmtInt, fmtPct, getLang } from './i18n.js';
import { el, table } from './dom.js';
import { COLORS, drawChart } from './charts.js';

export const THRESHOLD = 5; // % of the participants nationwide (DOMAIN.md, "Seat allocation")

// One colour per party (by its id), distinct and dark enough for white text
// and for the thin threshold line to stay visible beside them.
const PARTY_COLORS = [
  '#1f5fa8', '#c0392b', '#2e7d32', '#8e44ad', '#d35400', '#00838f', '#6d4c41',
  '#ad1457', '#546e7a', '#9e7c00', '#283593', '#558b2f', '#c2185b', '#00695c',
  '#5d4037', '#7b1fa2',
];
export const AGAINST_COLOR = '#4f5b68';
export const NONE_COLOR = '#c9d1da';
export const THRESHOLD_COLOR = '#b0101f';

export function partyColor(id) {
  if (!Number.isInteger(id)) return AGAINST_COLOR;
  return PARTY_COLORS[(id - 1 + PARTY_COLORS.length) % PARTY_COLORS.length];
}

/* The colour of a ballot entry: its party's, or grey for a self-nominated candidate. */
export function entryColor(e) {
  if (!e) return NONE_COLOR;
  if (e.answer === 'yes') return '#1d6b36';
  if (e.answer === 'no') return '#9b1c1c';
  if (Number.isInteger(e.party_id)) return partyColor(e.party_id);
  if (e.party && Number.isInteger(e.party.id)) return partyColor(e.party.id);
  return '#7f8c8d';
}

/* A party entry's name in the page's language; a candidate's own name. */
export function entryName(e) {
  if (!e) return '';
  if (e.answer) return t(`results.answer_${e.answer}`); // a referendum's yes or no
  if (typeof e.name === 'string') return e.name;
  return e.short_name || nameOf(e);
}

export function entryFullName(e) {
  if (!e) return '';
  if (e.answer) return t(`results.answer_${e.answer}`);
  if (typeof e.name === 'string') return e.name;
  return nameOf(e) || e.short_name || '';
}

const num = (x) => (Number.isFinite(x) ? x : 0);

/* Entries by votes (most first), ties and zero votes in ballot order. */
export function byVotes(entries) {
  return (Array.isArray(entries) ? entries : [])
    .filter((e) => e && Number.isInteger(e.ballot_position))
    .slice()
    .sort((a, b) => num(b.votes) - num(a.votes) || a.ballot_position - b.ballot_position);
}

// ---- times (Bishkek, whatever the browser's zone) ----

function zoned(iso, opts) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return null;
  let parts;
  try {
    parts = new Intl.DateTimeFormat('ru-RU', { timeZone: 'Asia/Bishkek', hourCycle: 'h23', ...opts }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat('ru-RU', { hourCycle: 'h23', ...opts }).formatToParts(d);
  }
  return Object.fromEntries(parts.map((x) => [x.type, x.value]));
}

/* "2027-01-24T20:04:12+06:00" -> "24.01.2027 20:04:12" (Bishkek time). */
export function fmtStamp(iso) {
  const p = zoned(iso, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return p ? `${p.day}.${p.month}.${p.year}\u00a0${p.hour}:${p.minute}:${p.second}` : t('common.none');
}

/* A Date -> "20:04:12" (Bishkek time). */
export function fmtClock(date) {
  const p = zoned(date.toISOString(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return p ? `${p.hour}:${p.minute}:${p.second}` : '';
}

export const fmtHour = (h) => `${String(h).padStart(2, '0')}:00`;

// ---- figures of an area ----

/* Is this an area's figures object from the results API? */
export function isFigures(f) {
  return f && typeof f === 'object' && f.stations && typeof f.stations === 'object' && Number.isFinite(f.stations.total);
}

/* The key numbers of an area as tiles: stations reported, turnout, ballots. */
export function kpis(f, { opened = null } = {}) {
  const s = f.stations;
  const tile = (cls, label, value, note) =>
    el('div', { class: `kpi ${cls}` }, el('span', { class: 'kpi__label', text: label }), el('span', { class: 'kpi__value', text: value }), note ? el('span', { class: 'kpi__note', text: note }) : null);
  return el(
    'div',
    { class: 'kpis results-kpis' },
    el(
      'div',
      { class: 'kpi kpi--main', id: 'kpi-reported' },
      el('span', { class: 'kpi__label', text: t('results.reported') }),
      el(
        'span',
        { class: 'kpi__value' },
        el('span', { class: 'reported-count', text: fmtInt(s.reported) }),
        el('span', { class: 'kpi__of', text: ` ${t('results.of')} ` }),
        el('span', { class: 'reported-total', text: fmtInt(s.total) }),
      ),
      el('span', { class: 'kpi__note', text: fmtPct(s.percent, 2) }),
      el('progress', { class: 'reported-bar', max: String(Math.max(1, s.total)), value: String(num(s.reported)), 'aria-label': t('results.reported') }),
    ),
    tile('kpi--turnout', t('results.turnout'), f.turnout == null ? t('common.none') : fmtPct(f.turnout, 2), t('results.turnout_note')),
    tile('kpi--voters', t('results.voters'), fmtInt(f.voters), opened != null ? t('results.opened', { n: fmtInt(opened) }) : null),
    tile('kpi--boxes', t('results.in_boxes'), fmtInt(f.in_boxes), t('results.invalid_n', { n: fmtInt(f.invalid) })),
  );
}

// ---- Chart.js: drawChart (charts.js) updates a chart in place on a live refresh ----

export const upsertChart = drawChart;

/* A chart box: <div class="chart"><canvas></canvas></div>. */
export function chartBox(cls = '') {
  const canvas = el('canvas');
  return { box: el('div', { class: `chart ${cls}`.trim() }, canvas), canvas };
}

const narrow = () => window.innerWidth < 560;

/* A long label as two lines, so a phone-width chart keeps its bars. */
function twoLines(s) {
  if (s.length <= 16 || !s.includes(' ')) return s;
  const i = s.lastIndexOf(' ');
  return [s.slice(0, i), s.slice(i + 1)];
}

/* Horizontal bars of a ballot: each entry's share of the participants and
 * "against all"; for a party list, the 5% threshold as a line. */
export function drawBallotChart(canvas, entries, againstAll, { threshold = false, title }) {
  const rows = byVotes(entries).filter((e) => !e.withdrawn || num(e.votes) > 0);
  const labels = rows.map((e) => twoLines(entryName(e)));
  const values = rows.map((e) => num(e.percent));
  const colors = rows.map((e) => entryColor(e));
  if (againstAll) {
    labels.push(t('results.against_all'));
    values.push(num(againstAll.percent));
    colors.push(AGAINST_COLOR);
  }
  const datasets = [
    {
      type: 'bar',
      label: t('results.share_of_participants'),
      data: values,
      backgroundColor: colors,
      borderWidth: 0,
      barPercentage: 0.85,
      categoryPercentage: 0.9,
    },
  ];
  if (threshold) {
    datasets.push({
      type: 'line',
      label: t('results.threshold_line', { pct: THRESHOLD }),
      data: values.map(() => THRESHOLD),
      borderColor: THRESHOLD_COLOR,
      backgroundColor: THRESHOLD_COLOR,
      borderWidth: 2,
      borderDash: [6, 4],
      pointRadius: 0,
      pointHitRadius: 0,
      pointStyle: 'line',
      fill: false,
    });
  }
  const max = Math.max(10, ...values);
  const box = canvas.parentElement;
  box.style.height = `${Math.max(140, 48 + labels.length * (narrow() ? 36 : 30))}px`;
  return upsertChart(
    canvas,
    {
      type: 'bar',
      data: { labels, datasets },
      options: {
        indexAxis: 'y',
        scales: {
          x: {
            min: 0,
            suggestedMax: Math.min(100, Math.ceil((max + 2) / 5) * 5),
            ticks: { callback: (v) => `${v}\u00a0%`, maxTicksLimit: narrow() ? 5 : 10 },
            grid: { color: COLORS.grid },
          },
          y: { ticks: { autoSkip: false, font: { size: narrow() ? 11 : 12 } }, grid: { display: false } },
        },
        plugins: {
          legend: { display: threshold, labels: { usePointStyle: true, filter: (item) => item.datasetIndex === 1 } },
          tooltip: {
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              title: (items) => (items[0] ? [].concat(items[0].label).join(' ') : ''),
              label: (c) => ` ${fmtPct(c.parsed.x, 2)}`,
            },
          },
        },
      },
    },
    t('common.chart_note', { title }),
  );
}

/* The table of a ballot: position, name (party), votes, share, and for a
 * party list whether it passes the national threshold. */
export function ballotTable(entries, againstAll, { caption, list = false, threshold = list, participants = null }) {
  const rows = byVotes(entries);
  const answers = rows.length > 0 && rows.every((e) => e.answer); // a referendum's question
  const columns = [
    { label: answers ? t('results.col_answer') : list ? t('results.col_party') : t('results.col_candidate') },
    { label: t('results.col_position'), num: true, opt: true },
    { label: t('results.col_votes'), num: true },
    { label: t('results.col_percent'), num: true },
  ];
  const swatch = (e) => el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: entryColor(e) } });
  const body = rows.map((e) => {
    const name = el(
      'span',
      { class: 'entry' },
      swatch(e),
      el(
        'span',
        { class: 'entry__text' },
        el('span', { class: 'entry__name', text: list ? entryFullName(e) : entryName(e) }),
        !list && e.party ? el('span', { class: 'entry__party', text: e.party.short_name }) : null,
        !list && !e.party && !e.answer ? el('span', { class: 'entry__party', text: t('results.self_nominated') }) : null,
        e.withdrawn ? el('span', { class: 'entry__party', text: t('results.withdrawn') }) : null,
        threshold && num(e.percent) >= THRESHOLD ? el('span', { class: 'badge badge--pass', text: t('results.passes', { pct: THRESHOLD }) }) : null,
      ),
    );
    return [name, String(e.ballot_position), el('span', { class: 'votes', text: fmtInt(e.votes) }), e.percent == null ? t('common.none') : fmtPct(e.percent, 2)];
  });
  const foot = againstAll ? [t('results.against_all'), '', el('span', { class: 'votes', text: fmtInt(againstAll.votes) }), againstAll.percent == null ? t('common.none') : fmtPct(againstAll.percent, 2)] : null;
  const tbl = table({ caption, columns, rows: body, foot });
  // the rows carry the entry's identity, for scripts and tests
  const trs = tbl.tBodies[0].rows;
  rows.forEach((e, i) => {
    trs[i].dataset.position = String(e.ballot_position);
    if (Number.isInteger(e.party_id)) trs[i].dataset.party = String(e.party_id);
    if (Number.isInteger(e.candidate_id)) trs[i].dataset.candidate = String(e.candidate_id);
  });
  paintSwatches(tbl);
  if (participants != null) tbl.dataset.participants = String(participants);
  return tbl;
}

/* Colour swatches get their colour from data-color through the CSSOM (the
 * pages' Content-Security-Policy refuses inline style attributes). */
export function paintSwatches(root) {
  root.querySelectorAll('[data-color]').forEach((n) => {
    n.style.backgroundColor = n.dataset.color;
  });
  return root;
}

// ---- turnout through the day ----

/* Turnout series [{hour, voted, voters, percent, stations_reported?}] as a table. */
export function turnoutTable(series, { caption, stations = true }) {
  const columns = [{ label: t('results.col_hour') }];
  if (stations) columns.push({ label: t('results.col_stations_reported'), num: true, opt: true });
  columns.push({ label: t('results.col_voted'), num: true }, { label: t('results.col_turnout'), num: true });
  return table({
    caption,
    columns,
    rows: series.map((p) => {
      const r = [p.hour === 8 ? `${fmtHour(8)} (${t('results.opening')})` : p.hour === 20 ? `${fmtHour(20)} (${t('results.closing')})` : fmtHour(p.hour)];
      if (stations) r.push(fmtInt(p.stations_reported));
      r.push(fmtInt(p.voted), p.percent == null ? t('common.none') : fmtPct(p.percent, 2));
      return r;
    }),
  });
}

/* Turnout through the day as lines: lines = [{label, series, color, width, hidden}]. */
export function drawTurnoutChart(canvas, hours, lines, title) {
  return upsertChart(
    canvas,
    {
      type: 'line',
      data: {
        labels: hours.map(fmtHour),
        datasets: lines.map((l) => {
          const at = new Map(l.series.map((p) => [p.hour, p.percent]));
          return {
            label: l.label,
            data: hours.map((h) => (at.has(h) ? at.get(h) : null)),
            borderColor: l.color,
            backgroundColor: l.color,
            borderWidth: l.width || 2,
            pointRadius: l.width && l.width > 2 ? 3 : 2,
            tension: 0.2,
            spanGaps: true,
            hidden: Boolean(l.hidden),
          };
        }),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { grid: { display: false } },
          y: { min: 0, suggestedMax: 50, ticks: { callback: (v) => `${v}\u00a0%`, maxTicksLimit: 6 }, grid: { color: COLORS.grid } },
        },
        plugins: {
          legend: { display: lines.length > 1, position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } },
          tooltip: { callbacks: { label: (c) => ` ${c.dataset.label}: ${c.parsed.y == null ? '—' : fmtPct(c.parsed.y, 2)}` } },
        },
      },
    },
    t('common.chart_note', { title }),
  );
}

// ---- seats in parliament ----

/* The parliament: the list seats by party and the districts by their winner's
 * party. seats: the /seats answer; districtLeaders: district -> the leading
 * candidate (with party) from the summary. Returns rows
 * [{key, label, color, list, districts, total}] in order, and the counts of
 * districts still open. */
export function parliament(seats, districtLeaders, parties) {
  const rows = new Map();
  const row = (key, label, color) => {
    if (!rows.has(key)) rows.set(key, { key, label, color, list: 0, districts: 0, total: 0 });
    return rows.get(key);
  };
  const list = seats && seats.list && Array.isArray(seats.list.parties) ? seats.list : null;
  const names = new Map((parties || []).map((p) => [p.party_id, p]));
  if (list && list.outcome === 'allocated') {
    for (const p of list.parties) {
      if (!num(p.seats)) continue;
      const party = names.get(p.id);
      const r = row(`p${p.id}`, party ? entryName(party) : p.name, partyColor(p.id));
      r.list += p.seats;
      r.total += p.seats;
    }
  }
  const open = { failed: 0, awaiting: 0, lot: 0 };
  for (const d of (seats && Array.isArray(seats.districts) ? seats.districts : [])) {
    if (d.outcome === 'elected' && d.winner) {
      const leader = districtLeaders.get(d.district);
      const party = leader && leader.candidate_id === d.winner.id ? leader.party : null;
      const r = party ? row(`p${party.id}`, names.get(party.id) ? entryName(names.get(party.id)) : party.short_name, partyColor(party.id)) : row('self', t('results.self_nominated'), '#7f8c8d');
      r.districts += 1;
      r.total += 1;
    } else if (d.outcome === 'failed_against_all' || d.outcome === 'failed_no_votes') open.failed += 1;
    else if (d.outcome === 'lot_required') open.lot += 1;
    else open.awaiting += 1;
  }
  const sorted = [...rows.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label, getLang()));
  return { rows: sorted, open };
}

/* A hemicycle of seats: a half doughnut, one segment per party. */
export function drawSeatsChart(canvas, comp, listSeats, districtSeats, title) {
  const labels = comp.rows.map((r) => r.label);
  const data = comp.rows.map((r) => r.total);
  const colors = comp.rows.map((r) => r.color);
  const filled = data.reduce((a, b) => a + b, 0);
  const rest = listSeats + districtSeats - filled;
  if (rest > 0) {
    labels.push(t('results.seats_open'));
    data.push(rest);
    colors.push(NONE_COLOR);
  }
  return upsertChart(
    canvas,
    {
      type: 'doughnut',
      data: { labels, datasets: [{ data, backgroundColor: colors, borderColor: '#fff', borderWidth: 2 }] },
      options: {
        rotation: -90,
        circumference: 180,
        cutout: '48%',
        plugins: {
          // on a phone the table below carries the colours; the legend would crowd the arc out
          legend: { position: 'bottom', display: !narrow() },
          tooltip: { callbacks: { label: (c) => ` ${c.label}: ${fmtInt(c.parsed)}` } },
        },
      },
    },
    t('common.chart_note', { title }),
  );
}
