// A polling station: every line of its protocol for each contest with the
// control relations checked, its turnout through the day, and the signed
// reports its ASU sent, with their SHA-256 and place in the public log, so
// that an observer can check the figures against the signed originals.
import { t, nameOf, fmtInt, fmtPct } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { entryName, entryColor, paintSwatches, fmtStamp } from '/js/results-ui.js';
import { stationFacts } from '/tizme/station-view.js';
import { viewKit, headNodes, turnoutPart } from './view.js';

const num = (x) => (Number.isFinite(x) ? x : 0);

/* The control relations of a protocol (DOMAIN.md, "Voting, counting and results"). */
function controls(c) {
  const votes = (c.entries || []).reduce((a, e) => a + num(e.votes), 0);
  const against = c.against_all ? num(c.against_all.votes) : 0;
  return [
    [t('results.check_received'), c.received === c.issued + c.cancelled],
    [t('results.check_boxes'), c.in_boxes === c.valid + c.invalid],
    [t('results.check_valid'), c.valid === votes + against],
    [t('results.check_order'), c.in_boxes <= c.issued && c.issued <= c.voters],
  ];
}

export function stationView(route) {
  const E = route.election;
  const N = route.station;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();

  function contestPart(c, i, station) {
    const heading = c.kind === 'list' ? t('results.protocol_list') : t('results.protocol_district', { n: c.district });
    const key = `contest-${c.contest_id}`;
    return kit.part(key, [c], () => {
      const s = el('section', { class: 'block results-protocol', id: c.kind === 'list' ? 'protocol-list' : 'protocol-district', 'aria-labelledby': `${key}-h` });
      s.append(el('h2', { id: `${key}-h`, text: heading }));
      if (!c.reported) {
        s.append(el('p', { class: 'empty', text: t('results.station_not_reported') }));
        return s;
      }
      s.append(
        el(
          'p',
          { class: 'hint' },
          c.report_id != null ? t('results.from_report', { seq: c.report_seq }) : t('results.from_protocol'),
          c.updated_at ? ` · ${fmtStamp(c.updated_at)}` : '',
        ),
      );
      const lines = [
        ['1', t('results.line_voters'), c.voters, 'voters'],
        ['2', t('results.line_received'), c.received, 'received'],
        ['3', t('results.line_issued'), c.issued, 'issued'],
        ['4', t('results.line_cancelled'), c.cancelled, 'cancelled'],
        ['5', t('results.line_in_boxes'), c.in_boxes, 'in_boxes'],
        ['6', t('results.line_invalid'), c.invalid, 'invalid'],
        ['7', t('results.line_valid'), c.valid, 'valid'],
      ];
      const entries = (c.entries || []).slice().sort((a, b) => a.ballot_position - b.ballot_position);
      const rows = lines.map(([n, label, v]) => [n, label, el('span', { class: 'votes', text: fmtInt(v) }), '']);
      entries.forEach((e, k) => {
        const who = el('span', { class: 'entry' }, el('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: entryColor(e) } }), el('span', { class: 'entry__text' }, el('span', { class: 'entry__name', text: c.kind === 'list' ? nameOf(e) || entryName(e) : entryName(e) }), c.kind !== 'list' && e.party ? el('span', { class: 'entry__party', text: e.party.short_name }) : null));
        rows.push([`8.${k + 1}`, who, el('span', { class: 'votes', text: fmtInt(e.votes) }), e.percent == null ? t('common.none') : fmtPct(e.percent, 2)]);
      });
      rows.push(['9', t('results.against_all'), el('span', { class: 'votes', text: fmtInt(c.against_all && c.against_all.votes) }), c.against_all && c.against_all.percent != null ? fmtPct(c.against_all.percent, 2) : t('common.none')]);
      const tbl = table({
        caption: heading,
        columns: [{ label: t('results.col_line') }, { label: t('results.col_line_name') }, { label: t('results.col_number'), num: true }, { label: t('results.col_percent'), num: true, opt: true }],
        rows,
      });
      const trs = tbl.tBodies[0].rows;
      lines.forEach(([, , , k], j) => {
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
          controls(c).map(([label, ok]) => el('li', { class: ok ? 'check check--ok' : 'check check--bad' }, el('span', { class: 'check__mark', text: ok ? '✓' : '✗', 'aria-hidden': 'true' }), el('span', { class: 'sr-only', text: ok ? t('results.check_ok') : t('results.check_bad') }), ' ', label)),
        ),
      );
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

  return {
    kind: 'station',
    notFound: 'results.station_not_found',
    paths: () => ({ station: `${base}/stations/${N}` }),
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
        ...a.station.contests.map((c, i) => contestPart(c, i, st)),
        turnoutPart(kit, 'turnout', { heading: t('results.turnout_day'), hours, lines: [{ label: t('station.number', { number: N }), series, color: '#1d2733', width: 3 }], series, stations: false }),
        reportsPart(a),
      ]);
    },
  };
}
