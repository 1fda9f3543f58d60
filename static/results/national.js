// The national picture of an election: stations reported, turnout, the
// party lists with the 5% threshold, the map of regions coloured by the
// leading party, turnout through the day, the seats in parliament, the 36
// districts and the open data to check it all.
import { t, nameOf, fmtInt, fmtPct, getLang } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { createMap, COUNTRY_BOUNDS, regionShapes, regionsLayer } from '/js/map.js';
import { chartBox, drawSeatsChart, parliament, entryColor, entryName, paintSwatches, isFigures, THRESHOLD, NONE_COLOR } from '/js/results-ui.js';
import { viewKit, headNodes, figuresPart, ballotPart, turnoutPart, updatedLine, areaName, districtPlace, leaderCell, districtOutcomeKey, countPart } from './view.js';
import { navLink, go } from './nav.js';

const REGION_LINE_COLORS = ['#1f5fa8', '#c0392b', '#2e7d32', '#8e44ad', '#d35400', '#00838f', '#6d4c41', '#ad1457', '#9e7c00', '#546e7a'];

export function nationalView(route) {
  const E = route.election;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();

  function regionsPart(a) {
    const items = Array.isArray(a.regions.items) ? a.regions.items.filter(isFigures) : [];
    const places = new Map((a.places && Array.isArray(a.places.items) ? a.places.items : []).map((r) => [r.id, r]));
    const mapBox = kit.keep('regions-map', () => el('div', { class: 'map map--regions', role: 'region', 'aria-label': t('results.regions_map') }));
    const sig = items.map((f) => [f.area.area, f.stations, f.turnout, f.leader && [f.leader.party_id, f.leader.percent]]);
    return kit.part('regions', sig, () => {
      const s = el('section', { class: 'block results-regions', id: 'regions', 'aria-labelledby': 'regions-h' });
      s.append(el('h2', { id: 'regions-h', text: t('results.by_region') }));
      s.append(el('p', { class: 'hint', text: t('results.map_hint') }));
      s.append(mapBox);
      // the legend: the leading parties on the map
      const leaders = new Map();
      for (const f of items) if (f.leader && f.area.kind === 'region') leaders.set(f.leader.party_id, f.leader);
      const legend = el('ul', { class: 'legend', 'aria-label': t('results.legend') });
      for (const l of leaders.values()) legend.append(el('li', {}, el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: entryColor(l) } }), entryName(l)));
      legend.append(el('li', {}, el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: NONE_COLOR } }), t('results.legend_no_results')));
      s.append(paintSwatches(legend));
      const tbl = table({
        caption: t('results.by_region'),
        columns: [
          { label: t('common.region') },
          { label: t('results.col_reported'), num: true },
          { label: t('results.col_turnout'), num: true },
          { label: t('results.col_leader') },
          { label: t('results.col_percent'), num: true, opt: true },
        ],
        rows: items.map((f) => [
          navLink({ election: E, region: f.area.area }, areaName(f.area)),
          `${fmtInt(f.stations.reported)} / ${fmtInt(f.stations.total)}`,
          f.turnout == null ? t('common.none') : fmtPct(f.turnout, 2),
          leaderCell(f),
          f.leader ? fmtPct(f.leader.percent, 2) : t('common.none'),
        ]),
      });
      [...tbl.tBodies[0].rows].forEach((tr, i) => {
        tr.dataset.region = String(items[i].area.area);
      });
      s.append(el('div', { class: 'table-wrap' }, tbl));
      kit.after(() => {
        const m = kit.keep('regions-leaflet', () => ({ map: createMap(mapBox, { backdrop: false }), layer: null, drawn: 0 }));
        if (!m.map) return;
        m.map.invalidateSize();
        if (!m.fitted) {
          m.map.fitBounds(COUNTRY_BOUNDS, { animate: false });
          m.fitted = true;
        }
        // The regions' shapes, each filled with its leading party's colour
        // (abroad has no shape: it is in the table).
        const figures = new Map(items.filter((f) => f.area.kind === 'region').map((f) => [f.area.area, f]));
        const round = (m.drawn += 1);
        regionShapes()
          .then((geo) => {
            if (round !== m.drawn) return; // a newer round draws
            if (m.layer) m.layer.remove();
            m.layer = regionsLayer(geo, [...places.values()], {
              fill: (id) => {
                const f = figures.get(id);
                return f && f.leader ? entryColor(f.leader) : NONE_COLOR;
              },
              tip: (id) => {
                const f = figures.get(id);
                const r = places.get(id);
                if (!f) return el('div', { class: 'popup' }, el('strong', { text: r ? nameOf(r) : String(id) }), el('span', { text: t('results.legend_no_results') }));
                return el('div', { class: 'popup' }, el('strong', { text: areaName(f.area) }), el('span', { text: f.leader ? `${entryName(f.leader)}: ${fmtPct(f.leader.percent, 2)}` : t('results.legend_no_results') }), el('span', { text: t('results.stations_reported', { n: fmtInt(f.stations.reported), total: fmtInt(f.stations.total) }) }));
              },
              click: (id) => go({ election: E, region: id }),
            }).addTo(m.map);
          })
          .catch((e) => console.warn('region shapes unavailable', e));
      });
      return s;
    });
  }

  function turnoutLines(a) {
    const areas = a.turnout && Array.isArray(a.turnout.areas) ? a.turnout.areas : [];
    return areas
      .filter((x) => x && x.area && Array.isArray(x.series))
      .map((x, i) => ({
        label: areaName(x.area),
        series: x.series,
        color: x.area.area === 0 ? '#1d2733' : REGION_LINE_COLORS[(i - 1 + REGION_LINE_COLORS.length) % REGION_LINE_COLORS.length],
        width: x.area.area === 0 ? 4 : 2,
        hidden: x.area.area !== 0,
      }));
  }

  function seatsPart(a) {
    const seats = a.seats;
    const list = seats.list || {};
    const entries = Array.isArray(a.summary.list.entries) ? a.summary.list.entries : [];
    const leaders = new Map((a.summary.districts || []).map((d) => [d.district, d.figures && d.figures.leader]));
    const listSeats = Number.isFinite(list.seats) ? list.seats : 54;
    const districtSeats = Array.isArray(seats.districts) ? seats.districts.length : 0;
    const { box, canvas } = kit.keep('seats-chart', () => chartBox('chart--seats'));
    return kit.part('seats', [seats, [...leaders]], () => {
      const comp = parliament(seats, leaders, entries);
      const s = el('section', { class: 'block results-seats', id: 'seats', 'aria-labelledby': 'seats-h' });
      s.append(el('h2', { id: 'seats-h', text: t('results.seats') }));
      s.append(el('p', { class: 'hint', text: t('results.seats_intro', { list: listSeats, districts: districtSeats }) }));
      if (seats.preliminary) s.append(el('p', { class: 'notice notice--info', text: t('results.seats_preliminary', { n: fmtInt(seats.stations ? seats.stations.reported : 0), total: fmtInt(seats.stations ? seats.stations.total : 0) }) }));
      const outcome = list.outcome || 'awaiting_results';
      s.append(el('p', { class: `outcome outcome--${outcome}`, id: 'list-outcome', text: t(`results.outcome_${outcome}`) }));
      if (outcome !== 'awaiting_results' && comp.rows.length + comp.open.failed + comp.open.awaiting > 0) s.append(box);
      const total = { list: 0, districts: 0, total: 0 };
      const rows = comp.rows.map((r) => {
        total.list += r.list;
        total.districts += r.districts;
        total.total += r.total;
        return [paintSwatches(el('span', { class: 'entry' }, el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: r.color } }), el('span', { class: 'entry__text' }, el('span', { class: 'entry__name', text: r.label })))), fmtInt(r.list), fmtInt(r.districts), el('strong', { text: fmtInt(r.total) })];
      });
      const open = comp.open.failed + comp.open.awaiting + comp.open.lot;
      if (open) rows.push([t('results.seats_open_detail', { failed: comp.open.failed, awaiting: comp.open.awaiting + comp.open.lot }), fmtInt(listSeats - total.list), fmtInt(open), fmtInt(listSeats - total.list + open)]);
      else if (total.list < listSeats) rows.push([t('results.seats_open'), fmtInt(listSeats - total.list), '0', fmtInt(listSeats - total.list)]);
      const tbl = table({
        caption: t('results.seats'),
        columns: [{ label: t('results.col_party') }, { label: t('results.col_list_seats'), num: true }, { label: t('results.col_district_seats'), num: true }, { label: t('results.col_total_seats'), num: true }],
        rows,
        foot: [t('common.total'), fmtInt(listSeats), fmtInt(districtSeats), fmtInt(listSeats + districtSeats)],
      });
      [...tbl.tBodies[0].rows].forEach((tr, i) => {
        if (comp.rows[i]) tr.dataset.key = comp.rows[i].key;
      });
      s.append(el('div', { class: 'table-wrap' }, tbl));
      if (Array.isArray(list.parties) && list.parties.length) s.append(allocationDetails(list, entries));
      kit.after(() => {
        if (box.isConnected) drawSeatsChart(canvas, comp, listSeats, districtSeats, t('results.seats'));
      });
      return s;
    });
  }

  function allocationDetails(list, entries) {
    const names = new Map(entries.map((e) => [e.party_id, e]));
    const nameOfParty = (p) => (names.get(p.id) ? entryName(names.get(p.id)) : p.name);
    const d = el('details', { class: 'allocation' });
    d.append(el('summary', { text: t('results.allocation') }));
    if (list.thresholds) {
      d.append(el('p', { text: t('results.threshold_votes', { pct: THRESHOLD, votes: fmtInt(list.thresholds.national_votes), participants: fmtInt(list.participants) }) }));
    }
    if (list.quota && list.quota.votes) d.append(el('p', { text: t('results.quota', { votes: fmtInt(list.quota.votes), seats: list.quota.seats, value: String(list.quota.value).replace('.', ',') }) }));
    const why = (p) => {
      if (p.qualified) return t('results.qualified');
      const b = p.below_threshold || {};
      const parts = [];
      if (b.national) parts.push(t('results.below_national', { pct: THRESHOLD }));
      if (Array.isArray(b.regions) && b.regions.length) parts.push(t('results.below_regions', { regions: b.regions.join(', ') }));
      return parts.join('; ') || t('results.not_qualified');
    };
    const parties = list.parties.slice().sort((a, b) => (b.votes || 0) - (a.votes || 0));
    d.append(
      el(
        'div',
        { class: 'table-wrap' },
        table({
          caption: t('results.allocation'),
          columns: [{ label: t('results.col_party') }, { label: t('results.col_votes'), num: true }, { label: t('results.col_threshold') }, { label: t('results.col_list_seats'), num: true }],
          rows: parties.map((p) => [nameOfParty(p), fmtInt(p.votes), why(p), fmtInt(p.seats || 0)]),
        }),
      ),
    );
    // who takes the seats: the open lists, women quota
    for (const p of parties) {
      const elected = p.list && Array.isArray(p.list.elected) ? p.list.elected : [];
      if (!elected.length) continue;
      d.append(el('h3', { text: t('results.elected_of', { party: nameOfParty(p), n: elected.length }) }));
      d.append(
        el(
          'ol',
          { class: 'elected' },
          elected.map((c) =>
            el('li', {}, el('span', { text: c.name }), ' ', el('span', { class: 'muted', text: t('results.elected_line', { position: c.position, votes: fmtInt(c.preference_votes), by: t(`results.by_${c.by}`).startsWith('results.') ? c.by : t(`results.by_${c.by}`) }) })),
          ),
        ),
      );
    }
    return d;
  }

  function districtsPart(a) {
    const districts = Array.isArray(a.summary.districts) ? a.summary.districts : [];
    const outcomes = new Map((a.seats && Array.isArray(a.seats.districts) ? a.seats.districts : []).map((d) => [d.district, d]));
    return kit.part('districts', [districts.map((d) => d.figures), [...outcomes]], () => {
      const s = el('section', { class: 'block results-districts', id: 'districts', 'aria-labelledby': 'districts-h' });
      s.append(el('h2', { id: 'districts-h', text: t('results.districts') }));
      s.append(el('p', { class: 'hint', text: t('results.districts_intro') }));
      const tbl = table({
        caption: t('results.districts'),
        columns: [
          { label: t('results.col_district') },
          { label: t('results.col_reported'), num: true, opt: true },
          { label: t('results.col_leader') },
          { label: t('results.col_percent'), num: true, opt: true },
          { label: t('results.against_all'), num: true, opt: true },
          { label: t('results.col_outcome') },
        ],
        rows: districts.map((d) => {
          const f = d.figures || {};
          const o = outcomes.get(d.district);
          return [
            navLink({ election: E, district: d.district }, el('span', {}, el('strong', { text: `№${d.district}` }), ' ', districtPlace(d.area))),
            f.stations ? `${fmtInt(f.stations.reported)} / ${fmtInt(f.stations.total)}` : t('common.none'),
            leaderCell(f),
            f.leader ? fmtPct(f.leader.percent, 2) : t('common.none'),
            f.against_all && f.against_all.percent != null ? fmtPct(f.against_all.percent, 2) : t('common.none'),
            o ? el('span', { class: `outcome-tag outcome-tag--${o.outcome}`, text: t(districtOutcomeKey(o)) }) : t('common.none'),
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

  function dataPart() {
    return kit.part('data', [], () => {
      const s = el('section', { class: 'block results-data', id: 'open-data', 'aria-labelledby': 'data-h' });
      s.append(el('h2', { id: 'data-h', text: t('results.open_data') }));
      s.append(el('p', { text: t('results.open_data_intro') }));
      const link = (path, key, hint) => el('li', {}, el('a', { href: `${base}/${path}`, download: path.includes('export/') ? '' : null, text: t(key) }), hint ? el('span', { class: 'muted', text: ` — ${t(hint)}` }) : null);
      s.append(
        el(
          'ul',
          { class: 'downloads' },
          link('export/list.csv', 'results.dl_list_csv', 'results.dl_list_csv_hint'),
          link('export/districts.csv', 'results.dl_districts_csv', 'results.dl_districts_csv_hint'),
          link('export/stations.json', 'results.dl_stations_json', 'results.dl_stations_json_hint'),
          link('log?after=0&limit=100', 'results.dl_log', 'results.dl_log_hint'),
          link('seats/input', 'results.dl_seats_input', 'results.dl_seats_input_hint'),
          el('li', {}, el('a', { href: `/api/v1/asu/devices?election=${E}`, text: t('results.dl_devices') }), el('span', { class: 'muted', text: ` — ${t('results.dl_devices_hint')}` })),
        ),
      );
      return s;
    });
  }

  /* The heading of a contest that is not the parliament's: the presidency, a question, a council. */
  function contestHeading(k) {
    if (k.kind === 'president') return t('results.contest_president');
    if (k.kind === 'question') return t('results.contest_question', { n: k.question });
    if (k.kind === 'list') return t('results.contest_list_seats', { seats: k.seats });
    return k.council ? nameOf(k.council) : t('results.contest_council');
  }

  /* What the rules decided, for the ASU's count and the official one (GET .../outcome). */
  function outcomeText(k, o) {
    if (!o || !o.outcome) return t('results.outcome_none');
    const out = o.outcome;
    const name = (id) => {
      const e = (k.figures.entries || []).find((x) => x.candidate_id === id || x.party_id === id);
      return e ? entryName(e) : `#${id}`;
    };
    if (out.error) return t('results.outcome_error', { code: out.error.code });
    switch (out.outcome) {
      case 'awaiting_results':
        return t('results.outcome_awaiting');
      case 'adopted':
      case 'rejected':
      case 'void':
        return t(`results.outcome_${out.outcome}`, { turnout: fmtPct(out.turnout_permille / 10, 1), yes: fmtPct(out.yes_permille / 10, 1) });
      case 'elected':
        return t('results.outcome_elected', { name: name(out.winner), pct: fmtPct(out.leader_permille / 10, 1), round: out.round });
      case 'second_round':
        return t('results.outcome_second_round', { a: name(out.runoff[0]), b: name(out.runoff[1]) });
      case 'lot_required':
        return t('results.outcome_lot', { names: (out.tied || []).map(name).join(', ') });
      case 'failed':
        return t('results.outcome_failed');
      case 'allocated':
        return t('results.outcome_seats', { seats: (out.parties || []).filter((p) => p.seats > 0).map((p) => `${name(p.id)} ${p.seats}`).join(', ') });
      default:
        return t(`results.outcome_${out.outcome}`);
    }
  }

  function contestsParts(a, others) {
    const decided = new Map(((a.outcome && a.outcome.contests) || []).map((c) => [c.contest_id, c]));
    const rounds = (a.outcome && a.outcome.election) || {};
    const parts = [];
    if (rounds.first_round || rounds.second_round)
      parts.push(
        kit.part('rounds', [rounds.first_round, rounds.second_round], () =>
          el('p', { class: 'notice notice--info', id: 'rounds' }, rounds.first_round ? navLink({ election: rounds.first_round }, t('results.first_round')) : navLink({ election: rounds.second_round }, t('results.second_round'))),
        ),
      );
    others.forEach((k) => {
      const f = k.figures;
      if (!isFigures(f)) return;
      const key = `contest-${k.contest_id}`;
      const o = decided.get(k.contest_id) || {};
      parts.push(
        kit.part(`${key}-outcome`, [k.question_ru, o.preliminary && o.preliminary.outcome, o.official && o.official.outcome, getLang()], () => {
          const s = el('section', { class: 'block outcome-box results-outcome', id: `${key}-outcome`, dataset: { kind: k.kind } });
          s.append(el('h2', { text: contestHeading(k) }));
          if (k.kind === 'question') s.append(el('p', { class: 'lead', text: getLang() === 'ky' ? k.question_ky : k.question_ru }));
          if (k.kind === 'council' || k.kind === 'list') s.append(el('p', { class: 'hint', text: t('results.council_rules', { seats: k.seats, pct: fmtPct(k.threshold_permille / 10, 1) }) }));
          s.append(el('p', { class: 'outcome-line', dataset: { count: 'preliminary' } }, el('strong', { text: `${t('results.col_asu')}: ` }), outcomeText(k, o.preliminary)));
          s.append(el('p', { class: 'outcome-line', dataset: { count: 'official' } }, el('strong', { text: `${t('results.col_manual')}: ` }), outcomeText(k, o.official)));
          return s;
        }),
        figuresPart(kit, `${key}-kpis`, f),
        countPart(kit, `${key}-count`, f, { election: E, flagged: others[0] === k ? a.summary.flagged ?? 0 : null, identification: others[0] === k ? a.summary.identification : [] }),
        ballotPart(kit, `${key}-ballot`, { heading: contestHeading(k), figures: f, threshold: false, againstAll: k.kind !== 'question' }),
      );
    });
    // The areas, by the election's first contest (results_main_contest): the map and each region's link.
    if (Array.isArray(a.regions.items) && a.regions.items.length) parts.push(regionsPart(a));
    parts.push(
      turnoutPart(kit, 'turnout', {
        heading: t('results.turnout_day'),
        hours: Array.isArray(a.turnout.hours) ? a.turnout.hours : [8, 10, 12, 14, 16, 18, 20],
        lines: turnoutLines(a),
        series: Array.isArray(a.summary.turnout) ? a.summary.turnout : [],
      }),
      dataPart(),
    );
    return parts;
  }

  return {
    kind: 'national',
    notFound: 'results.election_not_found',
    paths: () => ({
      summary: `${base}/summary`,
      regions: `${base}/regions`,
      turnout: `${base}/turnout`,
      seats: `${base}/seats`,
      outcome: `${base}/outcome`,
      elections: '/api/v1/elections',
    }),
    fixed: () => ({ places: '/api/v1/regions' }),
    valid: (a) => a.summary && a.summary.election && a.regions && a.turnout && a.seats,
    election: (a) => a.summary.election,
    relevant: () => true,
    title: (a) => nameOf(a.summary.election),
    crumbs: () => [],
    render(root, a, ctx) {
      const e = a.summary.election;
      const nodes = headNodes(kit, { election: e, title: nameOf(e), live: ctx.live });
      const f = a.summary.list;
      const others = Array.isArray(a.summary.contests) ? a.summary.contests : [];
      if (!isFigures(f) && others.length) {
        nodes.push(...contestsParts(a, others));
        kit.mount(root, nodes);
        return;
      }
      if (!isFigures(f)) {
        const item = (a.elections.items || []).find((x) => x.id === E);
        nodes.push(
          kit.part('none', [item], () =>
            el(
              'div',
              { class: 'notice notice--info', id: 'no-contests' },
              el('p', { text: t('results.no_contests') }),
              item && item.voters != null ? el('p', { text: t('results.cec_figures', { voters: fmtInt(item.voters), turnout: item.turnout == null ? t('common.none') : fmtPct(item.turnout, 2) }) }) : null,
            ),
          ),
        );
        kit.mount(root, nodes);
        return;
      }
      nodes.push(
        figuresPart(kit, 'kpis', f, { opened: a.summary.opened ? a.summary.opened.stations : null }),
        kit.part('updated', [f.updated_at, f.stations], () => updatedLine(f) || el('span', { hidden: true })),
        countPart(kit, 'count', f, { election: E, flagged: a.summary.flagged ?? 0, identification: a.summary.identification }),
        ballotPart(kit, 'parties', {
          heading: t('results.parties'),
          intro: t('results.parties_intro', { pct: THRESHOLD }),
          figures: f,
          list: true,
          threshold: true,
        }),
        regionsPart(a),
        turnoutPart(kit, 'turnout', {
          heading: t('results.turnout_day'),
          hours: Array.isArray(a.turnout.hours) ? a.turnout.hours : [8, 10, 12, 14, 16, 18, 20],
          lines: turnoutLines(a),
          series: Array.isArray(a.summary.turnout) ? a.summary.turnout : [],
        }),
        seatsPart(a),
        districtsPart(a),
        dataPart(),
      );
      kit.mount(root, nodes);
    },
  };
}

