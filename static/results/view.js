// What the views of the results site share: a kit that keeps the charts and
// maps of a view alive across live refreshes (and rebuilds only the parts
// whose data changed, so focus and scroll stay put), and the parts drawn
// the same way in several views.
import { t, nameOf, getLang, fmtInt, fmtDate, fmtPct } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { createMap, fitTo, regionBoundaries } from '/js/map.js';
import { chartBox, drawBallotChart, ballotTable, drawTurnoutChart, turnoutTable, kpis, entryName, entryColor, paintSwatches, NONE_COLOR } from '/js/results-ui.js';
import { navLink, go } from './nav.js';

export function viewKit() {
  const kept = new Map();
  const parts = new Map();
  let queue = [];
  return {
    /* The same node for the life of the view (a chart's box, a map). */
    keep(key, make) {
      if (!kept.has(key)) kept.set(key, make());
      return kept.get(key);
    },
    /* A part of the page, built again only when sig (its data) changes. */
    part(key, sig, build) {
      const s = `${getLang()}|${JSON.stringify(sig)}`;
      const c = parts.get(key);
      if (c && c.sig === s) return c.node;
      const node = build();
      parts.set(key, { sig: s, node });
      return node;
    },
    /* Runs fn once the view's nodes are in the document (Leaflet needs a size). */
    after(fn) {
      queue.push(fn);
    },
    mount(root, nodes) {
      // move only what changed, so a focused link or a map stays where it is
      const want = nodes.filter(Boolean);
      want.forEach((n, i) => {
        if (root.children[i] !== n) root.insertBefore(n, root.children[i] || null);
      });
      while (root.children.length > want.length) root.lastElementChild.remove();
      const q = queue;
      queue = [];
      for (const fn of q) fn();
    },
  };
}

// ---- names ----

export function areaName(area) {
  if (!area) return '';
  if (area.kind === 'country') return t('results.country');
  if (area.kind === 'abroad') return t('common.abroad');
  return nameOf(area);
}

/* "Одномандатный избирательный округ №7 (Ленинский район)" -> "Ленинский район". */
export function districtPlace(d) {
  const name = nameOf(d) || '';
  const m = /\(([^()]*)\)\s*$/.exec(name);
  return m ? m[1] : name;
}

/* The seat tool's outcome of a district as the page says it: while stations
 * are still to report, an "elected" winner is only leading. */
export function districtOutcomeKey(o) {
  const partial = o.stations && o.stations.reported < o.stations.total;
  if (partial && o.outcome === 'elected') return 'results.district_leading';
  if (partial && o.outcome === 'failed_against_all') return 'results.district_against_leading';
  return `results.district_${o.outcome}`;
}

export const entriesOf = (f) => (f && Array.isArray(f.entries) ? f.entries : []);

// ---- the head of a view ----

export function electionLine(e) {
  if (!e) return null;
  const type = t(`election_type.${e.type}`);
  const status = t(`election_status.${e.status}`);
  return el('p', { class: 'eyebrow' }, el('span', { class: 'nowrap', text: fmtDate(e.date) }), ' · ', type.startsWith('election_type.') ? e.type : type, ' · ', status.startsWith('election_status.') ? e.status : status);
}

/* The notice that the night's figures are not the legal result. */
export function preliminaryNotice(e) {
  if (!e || e.status === 'completed') return null;
  return el('p', { class: 'notice notice--info' }, t('results.preliminary_notice'));
}

/* The head of a view: the election, the title, the live indicator and the
 * notice that the night's figures are preliminary. */
export function headNodes(kit, { election, title, sub, live }) {
  return [
    kit.part('head', [election && [election.date, election.type, election.status], title, sub], () => el('header', { class: 'results-head' }, electionLine(election), el('h1', { text: title }), sub ? el('p', { class: 'lead', text: sub }) : null)),
    live,
    kit.part('prelim', [election && election.status], () => preliminaryNotice(election) || el('span', { hidden: true })),
  ];
}

export function updatedLine(f) {
  return f && f.updated_at && f.stations && f.stations.reported ? el('p', { class: 'as-of', text: t('results.figures_at', { time: fmtStampShort(f.updated_at) }) }) : null;
}

function fmtStampShort(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return new Intl.DateTimeFormat('ru-RU', { timeZone: 'Asia/Bishkek', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d).replace(',', '');
  } catch {
    return d.toISOString();
  }
}

// ---- parts ----

export function figuresPart(kit, key, f, opts) {
  return kit.part(key, [f.stations, f.turnout, f.voters, f.in_boxes, f.invalid, opts && opts.opened], () => kpis(f, opts || {}));
}

/* A ballot: heading, bars (Chart.js) and the table. */
export function ballotPart(kit, key, { heading, intro, figures, list, threshold = false, note, againstAll = true }) {
  const { box, canvas } = kit.keep(`${key}-chart`, () => chartBox('chart--ballot'));
  const entries = entriesOf(figures);
  // A referendum's ballot has no "against all".
  if (!againstAll) figures = { ...figures, against_all: null };
  const section = kit.part(key, [entries, figures.against_all, figures.in_boxes, note], () => {
    const s = el('section', { class: 'block results-ballot', id: key, 'aria-labelledby': `${key}-h` });
    s.append(el('h2', { id: `${key}-h`, text: heading }));
    if (intro) s.append(el('p', { class: 'hint', text: intro }));
    if (!figures.in_boxes) {
      s.append(el('p', { class: 'empty', text: t('results.no_votes_yet') }));
    }
    s.append(box);
    s.append(el('div', { class: 'table-wrap' }, ballotTable(entries, figures.against_all, { caption: heading, list, threshold, participants: figures.in_boxes })));
    if (note) s.append(el('p', { class: 'hint', text: note }));
    kit.after(() => {
      box.hidden = !figures.in_boxes;
      if (figures.in_boxes) drawBallotChart(canvas, entries, figures.against_all, { threshold, title: heading });
    });
    return s;
  });
  return section;
}

/* Turnout through the day: chart and table. lines: [{label, series, color, width, hidden}]. */
export function turnoutPart(kit, key, { heading, hours, lines, series, stations = true }) {
  const { box, canvas } = kit.keep(`${key}-chart`, () => chartBox());
  return kit.part(key, [hours, lines.map((l) => [l.label, l.series]), series], () => {
    const s = el('section', { class: 'block results-turnout', id: key, 'aria-labelledby': `${key}-h` });
    s.append(el('h2', { id: `${key}-h`, text: heading }));
    if (!series.length) {
      s.append(el('p', { class: 'empty', text: t('results.no_turnout_yet') }));
      return s;
    }
    s.append(box, el('div', { class: 'table-wrap' }, turnoutTable(series, { caption: heading, stations })));
    kit.after(() => drawTurnoutChart(canvas, hours, lines, heading));
    return s;
  });
}

/*
 * Stations of an area: a map of their places (and, given region, their
 * boundaries: the region's published GeoJSON at the map's level) and a table
 * with links.
 */
export function stationsPart(kit, key, { heading, election, stations, region = null }) {
  const mapBox = kit.keep(`${key}-map`, () => el('div', { class: 'map map--results', role: 'region', 'aria-label': t('results.stations_map') }));
  const withCoords = stations.filter((s) => Number.isFinite(s.lat) && Number.isFinite(s.lon));
  const section = kit.part(key, [stations], () => {
    const s = el('section', { class: 'block results-stations', id: key, 'aria-labelledby': `${key}-h` });
    const reported = stations.filter((x) => x.reported).length;
    s.append(el('h2', { id: `${key}-h`, text: heading }));
    s.append(el('p', { class: 'hint', text: t('results.stations_reported', { n: fmtInt(reported), total: fmtInt(stations.length) }) }));
    if (withCoords.length) s.append(mapBox, el('p', { class: 'hint map-legend' }, el('span', { class: 'dot dot--reported', 'aria-hidden': 'true' }), t('results.legend_reported'), ' ', el('span', { class: 'dot dot--waiting', 'aria-hidden': 'true' }), t('results.legend_waiting')));
    const tbl = table({
      caption: heading,
      columns: [
        { label: t('results.col_station') },
        { label: t('results.col_station_name'), opt: true },
        { label: t('results.col_settlement') },
        { label: t('results.col_reported') },
        { label: t('results.col_voters'), num: true, opt: true },
        { label: t('results.col_turnout'), num: true },
      ],
      rows: stations.map((x) => [
        navLink({ election, station: x.number }, String(x.number), { 'aria-label': t('station.number', { number: x.number }) }),
        x.name,
        x.settlement,
        x.reported ? el('span', { class: 'yes', text: t('results.yes_reported') }) : el('span', { class: 'muted', text: t('results.not_reported') }),
        x.voters == null ? t('common.none') : fmtInt(x.voters),
        x.turnout == null ? t('common.none') : fmtPct(x.turnout, 2),
      ]),
    });
    [...tbl.tBodies[0].rows].forEach((tr, i) => {
      tr.dataset.station = String(stations[i].number);
    });
    s.append(el('div', { class: 'table-wrap table-wrap--tall' }, tbl));
    if (withCoords.length) {
      kit.after(() => {
        const m = kit.keep(`${key}-leaflet`, () => ({ map: createMap(mapBox), layer: null }));
        if (!m.map) return;
        m.map.invalidateSize();
        if (m.layer) m.layer.remove();
        const L = window.L;
        const markers = withCoords.map((x) =>
          L.circleMarker([x.lat, x.lon], {
            radius: 8,
            color: '#fff',
            weight: 2,
            fillColor: x.reported ? '#1f5fa8' : NONE_COLOR,
            fillOpacity: 0.95,
          })
            .bindTooltip(`${t('station.number', { number: x.number })}${x.turnout != null ? ` · ${fmtPct(x.turnout, 1)}` : ''}`)
            .on('click', () => go({ election, station: x.number })),
        );
        m.layer = L.featureGroup(markers).addTo(m.map);
        if (!m.fitted) {
          fitTo(m.map, [m.layer], 13);
          m.fitted = true;
        }
        if (region == null) return;
        const round = (m.round = (m.round || 0) + 1);
        const byNumber = new Map(stations.map((x) => [x.number, x]));
        regionBoundaries(region, m.map.getZoom())
          .then((fc) => {
            if (round !== m.round) return;
            if (m.areas) m.areas.remove();
            m.areas = L.geoJSON(fc, {
              filter: (f) => Boolean(f.geometry) && byNumber.has(f.id),
              style: (f) => ({ color: '#5b6b7b', weight: 1, fillColor: byNumber.get(f.id).reported ? '#1f5fa8' : NONE_COLOR, fillOpacity: 0.2, className: 'station-area' }),
              onEachFeature: (f, l) => l.bindTooltip(t('station.number', { number: f.id }), { sticky: true }).on('click', () => go({ election, station: f.id })),
            }).addTo(m.map);
            m.areas.bringToBack();
          })
          .catch((e) => console.warn('station boundaries unavailable', e));
      });
    }
    return s;
  });
  return section;
}

/* The leading entry of an area as "● name 21,7 %". */
export function leaderCell(f) {
  const l = f && f.leader;
  if (!l) return el('span', { class: 'muted', text: t('common.none') });
  return paintSwatches(
    el(
      'span',
      { class: 'entry' },
      el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: entryColor(l) } }),
      el('span', { class: 'entry__text' }, el('span', { class: 'entry__name', text: entryName(l) }), l.party ? el('span', { class: 'entry__party', text: l.party.short_name }) : typeof l.name === 'string' ? el('span', { class: 'entry__party', text: t('results.self_nominated') }) : null),
    ),
  );
}

/*
 * The two counts of an area side by side: the ASU's (preliminary, as the
 * night's reports arrive) and the precinct commissions' manual protocols
 * (official), with how many stations each has, the flagged stations, the
 * identification devices' turnout beside the ASU's, and each entry's votes
 * in both.  f: the area's figures (with f.official); opts.flagged: the
 * election's flagged stations (national view); opts.identification: the
 * area's identification sums.
 */
export function countPart(kit, key, f, { election, flagged = null, identification = [] } = {}) {
  const o = f.official || null;
  return kit.part(key, [f.stations, o && o.stations, o && o.in_boxes, o && o.votes, f.in_boxes, flagged, identification], () => {
    const s = el('section', { class: 'block results-count', id: key, 'aria-labelledby': `${key}-h` });
    s.append(el('h2', { id: `${key}-h`, text: t('results.count_heading') }));
    s.append(el('p', { class: 'hint', text: t('results.count_intro') }));
    const facts = [
      [t('results.count_asu'), `${fmtInt(f.stations.reported)} ${t('results.of')} ${fmtInt(f.stations.total)}`],
      [t('results.count_manual'), o ? `${fmtInt(o.stations.reported)} ${t('results.of')} ${fmtInt(o.stations.total)}` : t('results.official_none')],
    ];
    const ul = el('dl', { class: 'facts' });
    for (const [k, v] of facts) ul.append(el('div', { class: 'facts__row' }, el('dt', { text: k }), el('dd', { text: v })));
    if (flagged != null)
      ul.append(el('div', { class: 'facts__row', id: `${key}-flagged` }, el('dt', { text: t('results.count_flagged') }), el('dd', {}, fmtInt(flagged), ' · ', navLink({ election, discrepancies: true }, t('results.discrepancies_all')))));
    const fin = (identification || []).find((x) => x.stage === 'final');
    if (fin)
      ul.append(el('div', { class: 'facts__row' }, el('dt', { text: t('results.count_identification') }), el('dd', { text: t('results.count_identification_value', { identified: fmtInt(fin.identified), stations: fmtInt(fin.stations), turnout: fin.turnout == null ? t('common.none') : fmtPct(fin.turnout, 2), asu: f.turnout == null ? t('common.none') : fmtPct(f.turnout, 2) }) })));
    s.append(ul);
    if (o && o.stations.reported > 0) {
      const kind = entriesKind(o);
      const answers = kind === 'answers'; // a referendum's question
      const asuBy = new Map((f.entries || []).map((e) => [e.ballot_position, e]));
      const rows = (o.entries || [])
        .slice()
        .sort((a, b) => b.votes - a.votes || a.ballot_position - b.ballot_position)
        .map((e) => {
          const p = asuBy.get(e.ballot_position) || {};
          return [entryName(e), fmtInt(p.votes), p.percent == null ? t('common.none') : fmtPct(p.percent, 2), fmtInt(e.votes), e.percent == null ? t('common.none') : fmtPct(e.percent, 2)];
        });
      if (!answers) rows.push([t('results.against_all'), fmtInt(f.against_all && f.against_all.votes), '', fmtInt(o.against_all && o.against_all.votes), '']);
      rows.push([t('results.line_in_boxes'), fmtInt(f.in_boxes), '', fmtInt(o.in_boxes), '']);
      const tbl = table({
        caption: t('results.count_heading'),
        columns: [{ label: t(answers ? 'results.col_answer' : kind === 'parties' ? 'results.col_party' : 'results.col_candidate') }, { label: t('results.col_asu'), num: true }, { label: '%', num: true, opt: true }, { label: t('results.col_manual'), num: true }, { label: '%', num: true, opt: true }],
        rows,
      });
      s.append(el('div', { class: 'table-wrap' }, tbl));
    }
    return s;
  });
}

/* What an area's ballot holds, from its entries: 'answers' (a referendum's question), 'candidates', 'parties'. */
export function entriesKind(f) {
  const e = (f && Array.isArray(f.entries) && f.entries[0]) || (f && f.leader) || null;
  if (!e) return 'parties';
  if (e.answer) return 'answers';
  return Number.isInteger(e.candidate_id) ? 'candidates' : 'parties';
}
