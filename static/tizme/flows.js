// Who came to a station's list and who left it, and why: approved
// applications to vote elsewhere, changes of the station boundaries (with the
// commission's reason), deaths the civil registry reported.
import { t, fmtInt, fmtDate, fmtMonth } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, table } from '/js/dom.js';

const MONTHS_SHOWN = 12;
const CHANGES_SHOWN = 10;

function summary(f) {
  return el(
    'p',
    { class: 'flows-summary' },
    t('flows.summary', {
      in_app: fmtInt(f.came_in.application),
      in_boundary: fmtInt(f.came_in.boundary),
      out_app: fmtInt(f.left.application),
      out_boundary: fmtInt(f.left.boundary),
      out_death: fmtInt(f.left.death),
    }),
  );
}

function months(f) {
  const rows = f.months.slice(-MONTHS_SHOWN).reverse();
  return table({
    caption: t('flows.months_caption'),
    stack: true,
    columns: [
      { label: t('flows.col_month') },
      { label: t('flows.col_in_app'), num: true },
      { label: t('flows.col_in_boundary'), num: true },
      { label: t('flows.col_out_app'), num: true },
      { label: t('flows.col_out_boundary'), num: true },
      { label: t('flows.col_out_death'), num: true },
    ],
    rows: rows.map((m) => [
      fmtMonth(`${m.month}-01`),
      fmtInt(m.came_in.application),
      fmtInt(m.came_in.boundary),
      fmtInt(m.left.application),
      fmtInt(m.left.boundary),
      fmtInt(m.left.death),
    ]),
  });
}

function changes(f) {
  return el(
    'ul',
    { class: 'flows-changes' },
    ...f.boundary_changes.slice(0, CHANGES_SHOWN).map((c) =>
      el('li', {
        text: t('flows.change', {
          date: fmtDate(c.at),
          reason: c.reason,
          came_in: fmtInt(c.came_in),
          left: fmtInt(c.left),
        }),
      }),
    ),
  );
}

/* A section that fills itself from GET /api/v1/stations/{n}/flows. */
export function stationFlows(number) {
  const status = el('p', { class: 'status status--busy', text: t('common.loading') });
  const box = el('section', { class: 'station-flows' }, el('h4', { text: t('flows.heading') }), status);
  getJSON(`/api/v1/stations/${number}/flows`)
    .then((f) => {
      status.remove();
      const quiet = !f.months.length && !f.boundary_changes.length;
      if (quiet) {
        box.append(el('p', { class: 'muted', text: t('flows.none') }));
        return;
      }
      box.append(summary(f));
      if (f.months.length) box.append(el('div', { class: 'table-wrap' }, months(f)));
      if (f.boundary_changes.length) box.append(el('h5', { text: t('flows.changes_heading') }), changes(f));
      if (f.boundary_changes.length > CHANGES_SHOWN) {
        box.append(el('p', { class: 'muted', text: t('flows.more_changes', { count: fmtInt(f.boundary_changes.length - CHANGES_SHOWN) }) }));
      }
    })
    .catch(() => {
      status.className = 'status status--error';
      status.textContent = t('flows.unavailable');
    });
  return box;
}
