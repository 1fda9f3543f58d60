// A polling station: every line of its protocol for each contest with the
// control relations checked, the ASU's count (preliminary) beside the
// precinct commission's manual count (official) with every line that
// differs marked, the protocol's versions with what each changed, the
// flags, the scans and the identification device's counts, its turnout
// through the day, and the signed reports its ASU sent, with their SHA-256
// and place in the public log, so that an observer can check the figures
// against the signed originals.
import { t, nameOf, fmtInt, fmtPct } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { entryName, entryColor, paintSwatches, fmtStamp } from '/js/results-ui.js';
import { stationFacts } from '/tizme/station-view.js';
import { relations } from '/js/relations.js';
import { createMap, boundaryLayer, stationMarker, hasCoords, fitTo } from '/js/map.js';
import { viewKit, headNodes, turnoutPart } from './view.js';

const num = (x) => (Number.isFinite(x) ? x : 0);

/* The control relations of a protocol (js/relations.js), labelled. */
function controls(c) {
  const f = { ...c, votes: (c.entries || []).map((e) => num(e.votes)), against_all: c.against_all ? num(c.against_all.votes) : 0 };
  return relations(f).map(([k, ok]) => [t(`results.check_${k}`), ok]);
}

export function stationView(route) {
  const E = route.election;
  const N = route.station;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();

  /* The figures of one count (the ASU's, or the manual protocol's) by line key. */
  function byLine(f) {
    if (!f || !f.reported) return null;
    const m = { voters: f.voters, received: f.received, issued: f.issued, cancelled: f.cancelled, in_boxes: f.in_boxes, invalid: f.invalid, valid: f.valid, against_all: f.against_all ? f.against_all.votes : null };
    for (const e of f.entries || []) m[`entry:${e.ballot_position}`] = e.votes;
    return m;
  }

  function contestPart(c, i, station) {
    const heading = c.kind === 'list' ? t('results.protocol_list') : t('results.protocol_district', { n: c.district });
    const key = `contest-${c.contest_id}`;
    return kit.part(key, [c], () => {
      const s = el('section', { class: 'block results-protocol', id: c.kind === 'list' ? 'protocol-list' : 'protocol-district', 'aria-labelledby': `${key}-h` });
      s.append(el('h2', { id: `${key}-h`, text: heading }));
      const asu = byLine(c);
      const official = c.official ? byLine(c.official) : null;
      if (asu && official) s.classList.add('results-protocol--both'); // two columns of figures: the whole width
      if (!asu && !official) {
        s.append(el('p', { class: 'empty', text: t('results.station_not_reported') }));
        return s;
      }
      // The figures shown first: the ASU's when it reported, else the manual count's.
      const main = asu ? c : c.official;
      s.append(
        el(
          'p',
          { class: 'hint' },
          asu ? (c.report_id != null ? t('results.from_report', { seq: c.report_seq }) : t('results.from_protocol')) : t('results.asu_not_reported'),
          c.updated_at ? ` · ${fmtStamp(c.updated_at)}` : '',
          official ? ` · ${t('results.official_version', { version: c.official.version })}` : ` · ${t('results.official_none')}`,
        ),
      );
      const lines = [
        ['1', t('results.line_voters'), 'voters'],
        ['2', t('results.line_received'), 'received'],
        ['3', t('results.line_issued'), 'issued'],
        ['4', t('results.line_cancelled'), 'cancelled'],
        ['5', t('results.line_in_boxes'), 'in_boxes'],
        ['6', t('results.line_invalid'), 'invalid'],
        ['7', t('results.line_valid'), 'valid'],
      ];
      const both = Boolean(asu && official);
      // A cell of the manual count's column: its figure, marked when it differs from the ASU's.
      const manualCell = (k) => {
        const v = official[k];
        const differs = asu[k] !== v;
        return el('span', { class: differs ? 'votes--official differs' : 'votes--official', title: differs ? t('results.differs', { asu: fmtInt(asu[k]) }) : null }, fmtInt(v), differs ? el('span', { class: 'differs__mark', 'aria-hidden': 'true', text: ' ≠' }) : null, differs ? el('span', { class: 'sr-only', text: ` (${t('results.differs', { asu: fmtInt(asu[k]) })})` }) : null);
      };
      const first = asu || official;
      const row = (n, label, k, pct) => {
        const cells = [n, label, el('span', { class: asu ? 'votes' : 'votes votes--official', text: fmtInt(first[k]) })];
        if (both) cells.push(manualCell(k));
        cells.push(pct);
        return cells;
      };
      const entries = (main.entries || []).slice().sort((a, b) => a.ballot_position - b.ballot_position);
      const rows = lines.map(([n, label, k]) => row(n, label, k, ''));
      entries.forEach((e, k) => {
        const who = el('span', { class: 'entry' }, el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: entryColor(e) } }), el('span', { class: 'entry__text' }, el('span', { class: 'entry__name', text: c.kind === 'list' ? nameOf(e) || entryName(e) : entryName(e) }), c.kind !== 'list' && e.party ? el('span', { class: 'entry__party', text: e.party.short_name }) : null));
        rows.push(row(`8.${k + 1}`, who, `entry:${e.ballot_position}`, e.percent == null ? t('common.none') : fmtPct(e.percent, 2)));
      });
      rows.push(row('9', t('results.against_all'), 'against_all', main.against_all && main.against_all.percent != null ? fmtPct(main.against_all.percent, 2) : t('common.none')));
      const columns = [{ label: t('results.col_line') }, { label: t('results.col_line_name') }, { label: asu ? t('results.col_asu') : t('results.col_manual'), num: true }];
      if (both) columns.push({ label: t('results.col_manual'), num: true });
      columns.push({ label: t('results.col_percent'), num: true, opt: true });
      const tbl = table({ caption: heading, columns, rows });
      const trs = tbl.tBodies[0].rows;
      lines.forEach(([, , k], j) => {
        trs[j].dataset.line = k;
      });
      entries.forEach((e, k) => {
        trs[lines.length + k].dataset.position = String(e.ballot_position);
      });
      trs[trs.length - 1].dataset.line = 'against_all';
      s.append(el('div', { class: 'table-wrap' }, paintSwatches(tbl)));
      s.append(el('h3', { text: t('results.checks') }));
      s.append(
        el(
          'ul',
          { class: 'checks' },
          controls(main).map(([label, ok]) => el('li', { class: ok ? 'check check--ok' : 'check check--bad' }, el('span', { class: 'check__mark', text: ok ? '✓' : '✗', 'aria-hidden': 'true' }), el('span', { class: 'sr-only', text: ok ? t('results.check_ok') : t('results.check_bad') }), ' ', label)),
        ),
      );
      return s;
    });
  }

  /* Every version of the station's manual-count protocol: who, when, why, what changed. */
  function versionsPart(a) {
    const versions = Array.isArray(a.station.versions) ? a.station.versions : [];
    const contests = new Map((a.station.contests || []).map((c) => [c.contest_id, c]));
    const lineName = (ch) => {
      if (ch.line === 'votes' || ch.line === 'preferences') {
        const c = contests.get(ch.contest_id);
        const src = c && (c.entries || (c.official && c.official.entries));
        const e = src && src.find((x) => x.ballot_position === ch.entry);
        const who = e ? (c.kind === 'list' ? nameOf(e) || entryName(e) : entryName(e)) : `№${ch.entry}`;
        return ch.line === 'votes' ? who : t('results.preference_of', { who, place: ch.place });
      }
      return t(`results.line_${ch.line}`);
    };
    return kit.part('versions', [versions], () => {
      const s = el('section', { class: 'block results-versions', id: 'versions', 'aria-labelledby': 'versions-h' });
      s.append(el('h2', { id: 'versions-h', text: t('results.versions') }));
      s.append(el('p', { class: 'hint', text: t('results.versions_intro') }));
      if (!versions.length) {
        s.append(el('p', { class: 'empty', text: t('results.no_versions') }));
        return s;
      }
      const list = el('ol', { class: 'versions' });
      for (const v of versions) {
        const li = el('li', { class: 'version', dataset: { version: String(v.version) } });
        li.append(el('p', { class: 'version__head' }, el('strong', { text: t('results.version_n', { version: v.version }) }), ' · ', fmtStamp(v.entered_at), ' · ', v.entered_by, ` (${t(`results.role_${v.role}`)})`, v.log_seq != null ? ' · ' : '', v.log_seq != null ? el('a', { href: `${base}/log?after=${v.log_seq - 1}&limit=1`, text: `#${v.log_seq}`, 'aria-label': t('results.log_entry', { seq: v.log_seq }) }) : null));
        if (v.reason) li.append(el('p', { class: 'version__reason' }, el('span', { class: 'muted', text: `${t('results.version_reason')}: ` }), v.reason));
        if (v.complaint) li.append(el('p', {}, el('span', { class: 'muted', text: `${t('results.version_complaint')}: ` }), el('a', { href: `/complaints/#${v.complaint.id}`, text: v.complaint.number })));
        if (Array.isArray(v.changes) && v.changes.length)
          li.append(
            el(
              'ul',
              { class: 'version__changes' },
              v.changes.map((ch) => el('li', { dataset: { line: ch.line } }, `${ch.kind === 'list' ? t('results.protocol_list') : t('results.protocol_district', { n: ch.district })}: ${lineName(ch)} `, el('del', { text: fmtInt(ch.from) }), ' → ', el('ins', { text: fmtInt(ch.to) }))),
            ),
          );
        li.append(el('p', { class: 'muted' }, 'SHA-256 ', el('code', { class: 'hash', text: v.sha256 })));
        list.append(li);
      }
      s.append(list);
      return s;
    });
  }

  /* The flags: every line where the two counts differ, identification beyond the tolerance. */
  function flagsPart(a) {
    const flags = Array.isArray(a.station.flags) ? a.station.flags : [];
    return kit.part('flags', [flags], () => {
      const s = el('section', { class: 'block results-flags', id: 'flags', 'aria-labelledby': 'flags-h' });
      s.append(el('h2', { id: 'flags-h', text: t('results.flags') }));
      if (!flags.length) {
        s.append(el('p', { class: 'empty', text: t('results.no_flags') }));
        return s;
      }
      s.append(el('p', { class: 'hint' }, t('results.flags_intro'), ' ', el('a', { href: `/results/?election=${E}&discrepancies=1`, text: t('results.discrepancies_all') })));
      const tbl = table({
        caption: t('results.flags'),
        columns: [{ label: t('results.col_flag') }, { label: t('results.col_asu'), num: true }, { label: t('results.col_manual'), num: true }, { label: t('results.col_difference'), num: true }],
        rows: flags.map((f) => [
          f.kind === 'identification' ? t('results.flag_identification') : `${f.contest_kind === 'list' ? t('results.protocol_list') : t('results.protocol_district_short')}: ${f.line === 'votes' ? t('results.flag_entry', { n: f.entry }) : f.line === 'preferences' ? t('results.flag_preference', { n: f.entry, place: f.place }) : t(`results.line_${f.line}`)}`,
          fmtInt(f.asu),
          fmtInt(f.manual),
          (f.difference > 0 ? '+' : '') + fmtInt(f.difference),
        ]),
      });
      s.append(el('div', { class: 'table-wrap' }, tbl));
      return s;
    });
  }

  /* The scans the commission published, and the identification device's counts. */
  function documentsPart(a) {
    const docs = Array.isArray(a.station.documents) ? a.station.documents : [];
    const ident = Array.isArray(a.station.identification) ? a.station.identification : [];
    const list = (a.station.contests || []).find((c) => c.kind === 'list');
    return kit.part('documents', [docs, ident, list && list.issued, list && list.official && list.official.issued], () => {
      const s = el('section', { class: 'block results-documents', id: 'documents', 'aria-labelledby': 'documents-h' });
      s.append(el('h2', { id: 'documents-h', text: t('results.documents') }));
      if (!docs.length) s.append(el('p', { class: 'empty', text: t('results.no_documents') }));
      else
        s.append(
          el(
            'ul',
            { class: 'documents' },
            docs.map((d) => el('li', { dataset: { kind: d.kind } }, el('a', { href: `/api/v1/documents/${d.id}/file`, text: t(`results.doc_${d.kind}`) }), ` · ${t('results.doc_version', { version: d.version })} · `, fmtStamp(d.uploaded_at), ' · SHA-256 ', el('code', { class: 'hash', text: d.sha256 }))),
          ),
        );
      s.append(el('h3', { text: t('results.identification') }));
      if (!ident.length) s.append(el('p', { class: 'empty', text: t('results.no_identification') }));
      else {
        const issued = list && list.official ? list.official.issued : list ? list.issued : null;
        s.append(
          el(
            'div',
            { class: 'table-wrap' },
            table({
              caption: t('results.identification'),
              columns: [{ label: t('results.col_stage') }, { label: t('results.col_face'), num: true }, { label: t('results.col_fingerprint'), num: true }, { label: t('results.col_document'), num: true }, { label: t('results.col_identified'), num: true }, { label: t('results.col_turnout'), num: true }],
              rows: ident.map((x) => [t(`results.stage_${x.stage}`), fmtInt(x.face), fmtInt(x.fingerprint), fmtInt(x.document), fmtInt(x.identified), x.turnout == null ? t('common.none') : fmtPct(x.turnout, 2)]),
            }),
          ),
        );
        if (issued != null) s.append(el('p', { class: 'hint', text: t('results.identification_vs_issued', { issued: fmtInt(issued) }) }));
      }
      return s;
    });
  }

  function reportsPart(a) {
    const reports = Array.isArray(a.station.reports) ? a.station.reports : [];
    const devices = Array.isArray(a.station.devices) ? a.station.devices : [];
    return kit.part('reports', [reports, devices], () => {
      const s = el('section', { class: 'block results-reports', id: 'reports', 'aria-labelledby': 'reports-h' });
      s.append(el('h2', { id: 'reports-h', text: t('results.reports') }));
      s.append(el('p', { class: 'hint', text: t('results.reports_intro') }));
      if (!reports.length) s.append(el('p', { class: 'empty', text: t('results.no_reports') }));
      else {
        const tbl = table({
          caption: t('results.reports'),
          stack: true,
          columns: [
            { label: t('results.col_log_seq') },
            { label: t('results.col_kind') },
            { label: t('results.col_signed_at') },
            { label: t('results.col_received_at') },
            { label: t('results.col_applied') },
            { label: t('results.col_sha256') },
          ],
          rows: reports.map((r) => [
            r.log_seq != null ? el('a', { href: `${base}/log?after=${Math.max(0, r.log_seq - 1)}&limit=1`, text: `#${r.log_seq}`, 'aria-label': t('results.log_entry', { seq: r.log_seq }) }) : t('common.none'),
            `${t(`results.kind_${r.kind}`)} · ${t('results.device_seq', { seq: r.seq })}`,
            fmtStamp(r.signed_at),
            fmtStamp(r.received_at),
            r.applied ? t('results.applied_yes') : el('span', { class: 'muted', text: t('results.applied_no') }),
            el('code', { class: 'hash', text: r.sha256 }),
          ]),
        });
        [...tbl.tBodies[0].rows].forEach((tr, i) => {
          tr.dataset.logSeq = String(reports[i].log_seq);
        });
        s.append(el('div', { class: 'table-wrap' }, tbl));
      }
      s.append(el('h3', { text: t('results.devices') }));
      if (!devices.length) s.append(el('p', { class: 'empty', text: t('results.no_devices') }));
      else
        s.append(
          el(
            'ul',
            { class: 'devices' },
            devices.map((d) => el('li', {}, el('code', { text: d.device_id }), ' · ', t('results.device_registered', { at: fmtStamp(d.registered_at) }), d.revoked_at ? ` · ${t('results.device_revoked', { at: fmtStamp(d.revoked_at) })}` : '')),
          ),
        );
      s.append(el('p', {}, el('a', { href: `/api/v1/asu/devices?election=${E}&station=${N}`, text: t('results.device_keys') })));
      return s;
    });
  }

  /* The station's boundary and place on a map (nothing abroad, or without either). */
  function placePart(p) {
    if (!p || (!p.boundary && !hasCoords(p))) return null;
    const mapBox = kit.keep('place-map', () => el('div', { class: 'map map--station', id: 'station-map', role: 'region', 'aria-label': t('station.map_label', { number: N }) }));
    return kit.part('place', [p.boundary, p.lat, p.lon], () => {
      const s = el('section', { class: 'block results-station-place', id: 'place' }, mapBox);
      kit.after(() => {
        const m = kit.keep('place-leaflet', () => ({ map: createMap(mapBox), layers: [] }));
        if (!m.map) return;
        m.map.invalidateSize();
        for (const l of m.layers) l.remove();
        m.layers = [boundaryLayer(p), hasCoords(p) ? stationMarker(p, { active: true }) : null].filter(Boolean);
        for (const l of m.layers) l.addTo(m.map);
        fitTo(m.map, m.layers, 16);
      });
      return s;
    });
  }

  return {
    kind: 'station',
    notFound: 'results.station_not_found',
    paths: () => ({ station: `${base}/stations/${N}` }),
    // the station's place and boundary (GET /api/v1/stations/N)
    fixed: () => ({ place: `/api/v1/stations/${N}` }),
    valid: (a) => a.station && a.station.election && a.station.station && Array.isArray(a.station.contests),
    election: (a) => a.station.election,
    relevant: (ev) => ev.station === N,
    title: () => t('station.number', { number: N }),
    crumbs: (a) => {
      const s = a.station.station;
      const out = [{ label: nameOf(a.station.election), route: { election: E } }];
      if (s.abroad) out.push({ label: t('common.abroad'), route: { election: E, region: 10 } });
      else if (s.region) out.push({ label: nameOf(s.region), route: { election: E, region: s.region.id } });
      if (s.district != null) out.push({ label: t('results.district_title', { n: s.district }), route: { election: E, district: s.district } });
      out.push({ label: t('station.number', { number: N }), route: { election: E, station: N } });
      return out;
    },
    render(root, a, ctx) {
      const st = a.station.station;
      const e = a.station.election;
      const series = Array.isArray(a.station.turnout) ? a.station.turnout : [];
      const hours = [...new Set([8, ...(Array.isArray(e.turnout_hours) ? e.turnout_hours : []), 20])].sort((x, y) => x - y);
      kit.mount(root, [
        ...headNodes(kit, { election: e, title: t('station.number', { number: N }), sub: st.name, live: ctx.live }),
        kit.part('facts', [st], () => el('section', { class: 'block results-station-facts', 'aria-label': t('results.station_facts') }, stationFacts(st))),
        placePart(a.place && a.place.station),
        ...a.station.contests.map((c, i) => contestPart(c, i, st)),
        flagsPart(a),
        versionsPart(a),
        documentsPart(a),
        turnoutPart(kit, 'turnout', { heading: t('results.turnout_day'), hours, lines: [{ label: t('station.number', { number: N }), series, color: '#1d2733', width: 3 }], series, stations: false }),
        reportsPart(a),
      ]);
    },
  };
}
