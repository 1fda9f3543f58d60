// A region (or the stations abroad) and a single-member district: their
// figures, the ballots, turnout through the day, and their stations on a map
// and in a table, each a link to the station's protocol.
import { t, nameOf, fmtInt, fmtPct } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { isFigures } from '/js/results-ui.js';
import { viewKit, headNodes, figuresPart, ballotPart, turnoutPart, stationsPart, updatedLine, areaName, districtPlace, leaderCell, districtOutcomeKey, countPart, entriesKind } from './view.js';
import { navLink } from './nav.js';

function hoursOf(election) {
  const h = election && Array.isArray(election.turnout_hours) ? election.turnout_hours : [10, 12, 14, 16, 18];
  return [...new Set([8, ...h, 20])].sort((a, b) => a - b);
}

export function regionView(route) {
  const E = route.election;
  const N = route.region;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();

  function districtsPart(a) {
    const districts = Array.isArray(a.region.districts) ? a.region.districts : [];
    if (!districts.length) return null;
    return kit.part('districts', [districts], () => {
      const s = el('section', { class: 'block results-districts', id: 'districts', 'aria-labelledby': 'districts-h' });
      s.append(el('h2', { id: 'districts-h', text: t('results.region_districts') }));
      const tbl = table({
        caption: t('results.region_districts'),
        columns: [
          { label: t('results.col_district') },
          { label: t('results.col_reported'), num: true, opt: true },
          { label: t('results.col_list_leader') },
          { label: t('results.col_district_leader') },
          { label: t('results.col_percent'), num: true },
        ],
        rows: districts.map((d) => {
          const lf = d.list || {};
          const cf = (d.contest && d.contest.figures) || {};
          return [
            navLink({ election: E, district: d.district }, el('span', {}, el('strong', { text: `№${d.district}` }), ' ', districtPlace(d))),
            lf.stations ? `${fmtInt(lf.stations.reported)} / ${fmtInt(lf.stations.total)}` : t('common.none'),
            leaderCell(lf),
            leaderCell(cf),
            cf.leader ? fmtPct(cf.leader.percent, 2) : t('common.none'),
          ];
        }),
      });
      [...tbl.tBodies[0].rows].forEach((tr, i) => {
        tr.dataset.district = String(districts[i].district);
      });
      s.append(el('div', { class: 'table-wrap' }, tbl));
      return s;
    });
  }

  return {
    kind: 'region',
    notFound: 'results.region_not_found',
    paths: () => ({ region: `${base}/regions/${N}` }),
    valid: (a) => a.region && a.region.election && isFigures(a.region.region) && Array.isArray(a.region.stations),
    election: (a) => a.region.election,
    relevant: (ev) => ev.region === N || (N === 10 && ev.abroad === true),
    title: (a) => areaName(a.region.region.area),
    crumbs: (a) => [
      { label: nameOf(a.region.election), route: { election: E } },
      { label: areaName(a.region.region.area), route: { election: E, region: N } },
    ],
    render(root, a, ctx) {
      const e = a.region.election;
      const f = a.region.region;
      const name = areaName(f.area);
      const series = Array.isArray(a.region.turnout) ? a.region.turnout : [];
      kit.mount(root, [
        ...headNodes(kit, { election: e, title: name, live: ctx.live }),
        figuresPart(kit, 'kpis', f),
        kit.part('updated', [f.updated_at, f.stations], () => updatedLine(f) || el('span', { hidden: true })),
        countPart(kit, 'count', f, { election: E, identification: a.region.identification }),
        ballotPart(kit, 'parties', {
          heading: t(`results.${entriesKind(f)}_in`, { area: name }),
          figures: f,
          list: entriesKind(f) === 'parties',
          note: entriesKind(f) === 'parties' && e.type === 'parliamentary' ? t('results.region_threshold_note') : null,
          againstAll: entriesKind(f) !== 'answers',
        }),
        turnoutPart(kit, 'turnout', { heading: t('results.turnout_day'), hours: hoursOf(e), lines: [{ label: name, series, color: '#1d2733', width: 3 }], series }),
        districtsPart(a),
        stationsPart(kit, 'stations', { heading: t('results.stations'), election: E, stations: a.region.stations, region: N >= 1 && N <= 9 ? N : null }),
      ]);
    },
  };
}

export function districtView(route) {
  const E = route.election;
  const N = route.district;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();

  function outcomePart(a) {
    const o = a.seats && Array.isArray(a.seats.districts) ? a.seats.districts.find((d) => d.district === N) : null;
    return kit.part('outcome', [o], () => {
      if (!o) return el('span', { hidden: true });
      const box = el('div', { class: `outcome-box outcome-box--${o.outcome}`, id: 'district-outcome' });
      box.append(el('p', { class: 'outcome-box__title', text: t(districtOutcomeKey(o)) }));
      if (o.outcome === 'elected' && o.winner) box.append(el('p', {}, el('strong', { class: 'winner', text: o.winner.name }), ' · ', t('results.votes_n', { n: fmtInt(o.winner.votes) })));
      if (a.seats.preliminary && o.outcome !== 'awaiting_results') box.append(el('p', { class: 'hint', text: t('results.outcome_preliminary') }));
      return box;
    });
  }

  return {
    kind: 'district',
    notFound: 'results.district_not_found',
    paths: () => ({ district: `${base}/districts/${N}`, seats: `${base}/seats` }),
    fixed: () => ({ places: '/api/v1/regions' }),
    valid: (a) => a.district && a.district.election && a.district.district && Array.isArray(a.district.stations),
    election: (a) => a.district.election,
    relevant: (ev) => ev.district === N,
    title: () => t('results.district_title', { n: N }),
    crumbs: (a) => {
      const rid = a.district.district.region_id;
      const places = a.places && Array.isArray(a.places.items) ? a.places.items : [];
      const region = places.find((r) => r.id === rid);
      return [
        { label: nameOf(a.district.election), route: { election: E } },
        region ? { label: nameOf(region), route: { election: E, region: rid } } : null,
        { label: t('results.district_title', { n: N }), route: { election: E, district: N } },
      ].filter(Boolean);
    },
    render(root, a, ctx) {
      const d = a.district;
      const e = d.election;
      const contest = isFigures(d.contest) ? d.contest : null;
      const list = isFigures(d.list) ? d.list : null;
      const series = Array.isArray(d.turnout) ? d.turnout : [];
      const f = contest || list;
      kit.mount(root, [
        ...headNodes(kit, { election: e, title: t('results.district_title', { n: N }), sub: districtPlace(d.district), live: ctx.live }),
        outcomePart(a),
        f ? figuresPart(kit, 'kpis', f) : null,
        f ? kit.part('updated', [f.updated_at, f.stations], () => updatedLine(f) || el('span', { hidden: true })) : null,
        f ? countPart(kit, 'count', f, { election: E, identification: d.identification }) : null,
        contest ? ballotPart(kit, 'candidates', { heading: t('results.candidates'), intro: t('results.candidates_intro'), figures: contest, list: false }) : null,
        list ? ballotPart(kit, 'parties', {
          heading: entriesKind(list) === 'parties' ? t('results.parties_in_district') : t(`results.${entriesKind(list)}_in`, { area: t('results.district_title', { n: N }) }),
          figures: list,
          list: entriesKind(list) === 'parties',
          note: entriesKind(list) === 'parties' && e.type === 'parliamentary' ? t('results.region_threshold_note') : null,
          againstAll: entriesKind(list) !== 'answers',
        }) : null,
        turnoutPart(kit, 'turnout', { heading: t('results.turnout_day'), hours: hoursOf(e), lines: [{ label: t('results.district_title', { n: N }), series, color: '#1d2733', width: 3 }], series }),
        stationsPart(kit, 'stations', { heading: t('results.stations'), election: E, stations: d.stations }),
      ]);
    },
  };
}

