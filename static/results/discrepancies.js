// The national list of discrepancies: every line where a station's manual
// count and its ASU differ, and every station whose identified voters and
// ballots issued differ beyond the election's tolerance, largest first, each
// with the station's scans at hand; downloadable as CSV and JSON.
import { t, nameOf, fmtInt } from '/js/i18n.js';
import { el, table } from '/js/dom.js';
import { viewKit, headNodes } from './view.js';
import { navLink } from './nav.js';

const SHOWN_MAX = 500; // lines drawn; the downloads have every one

function lineLabel(d) {
  const contest = d.contest_kind === 'list' ? t('results.protocol_list') : t('results.protocol_district', { n: d.district });
  if (d.kind === 'identification') return t('results.flag_identification');
  if (d.line === 'votes') return `${contest}: ${t('results.flag_entry', { n: d.entry })}`;
  if (d.line === 'preferences') return `${contest}: ${t('results.flag_preference', { n: d.entry, place: d.place })}`;
  return `${contest}: ${t(`results.line_${d.line}`)}`;
}

export function discrepanciesView(route) {
  const E = route.election;
  const base = `/api/v1/results/elections/${E}`;
  const kit = viewKit();
  return {
    kind: 'discrepancies',
    notFound: 'results.election_not_found',
    paths: () => ({ list: `${base}/discrepancies` }),
    valid: (a) => a.list && a.list.election && Array.isArray(a.list.items),
    election: (a) => a.list.election,
    relevant: () => true,
    title: () => t('results.discrepancies'),
    crumbs: (a) => [
      { label: nameOf(a.list.election), route: { election: E } },
      { label: t('results.discrepancies'), route: { election: E, discrepancies: true } },
    ],
    render(root, a, ctx) {
      const d = a.list;
      kit.mount(root, [
        ...headNodes(kit, { election: d.election, title: t('results.discrepancies'), live: ctx.live }),
        kit.part('list', [d.items, d.stations, d.tolerance], () => {
          const s = el('section', { class: 'block results-discrepancies', id: 'discrepancies', 'aria-labelledby': 'discrepancies-h' });
          s.append(el('h2', { id: 'discrepancies-h', text: t('results.discrepancies') }));
          s.append(el('p', { class: 'hint', text: t('results.discrepancies_intro', { ballots: fmtInt(d.tolerance.ballots), permille: d.tolerance.permille / 10 }) }));
          s.append(
            el(
              'p',
              { class: 'downloads' },
              el('a', { href: `${base}/discrepancies.csv`, download: `discrepancies-${E}.csv`, text: t('results.download_csv') }),
              ' · ',
              el('a', { href: `${base}/discrepancies`, text: t('results.download_json') }),
            ),
          );
          s.append(el('p', { id: 'discrepancies-count', text: t('results.discrepancies_count', { lines: fmtInt(d.items.length), stations: fmtInt(d.stations) }) }));
          if (!d.items.length) {
            s.append(el('p', { class: 'empty', text: t('results.no_discrepancies') }));
            return s;
          }
          const shown = d.items.slice(0, SHOWN_MAX);
          const tbl = table({
            caption: t('results.discrepancies'),
            stack: true,
            columns: [{ label: t('results.col_station') }, { label: t('results.col_flag') }, { label: t('results.col_asu'), num: true }, { label: t('results.col_manual'), num: true }, { label: t('results.col_difference'), num: true }, { label: t('results.documents') }],
            rows: shown.map((x) => [
              navLink({ election: E, station: x.station }, `№${x.station}`),
              lineLabel(x),
              fmtInt(x.asu),
              fmtInt(x.manual),
              (x.difference > 0 ? '+' : '') + fmtInt(x.difference),
              x.documents && x.documents.length ? el('span', {}, x.documents.map((doc, i) => [i ? ', ' : '', el('a', { href: `/api/v1/documents/${doc.id}/file`, text: t(`results.doc_${doc.kind}`) })])) : t('results.no_documents_short'),
            ]),
          });
          [...tbl.tBodies[0].rows].forEach((tr, i) => {
            tr.dataset.station = String(shown[i].station);
          });
          s.append(el('div', { class: 'table-wrap' }, tbl));
          if (d.items.length > shown.length) s.append(el('p', { class: 'hint', text: t('results.discrepancies_more', { n: fmtInt(d.items.length - shown.length) }) }));
          return s;
        }),
      ]);
    },
  };
}
