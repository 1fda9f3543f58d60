// The CEC's list of elections as a table: date, name, type, status, voters,
// turnout (the home page and the results site).
import { t, label, nameOf, fmtInt, fmtDate, fmtPct } from './i18n.js';
import { el, table } from './dom.js';

/* A table of items (GET /api/v1/elections); nameCell(e, name) makes the name's
 * cell (a link, or text). */
export function electionsTable(items, caption, nameCell) {
  return table({
    caption,
    stack: true,
    columns: [
      { label: t('home.col_date') },
      { label: t('home.col_name') },
      { label: t('home.col_type') },
      { label: t('home.col_status') },
      { label: t('home.col_voters'), num: true },
      { label: t('home.col_turnout'), num: true },
    ],
    rows: items.map((e) => [
      el('span', { class: 'nowrap', text: fmtDate(e.date) }),
      nameCell(e, nameOf(e)),
      label('election_type', e.type),
      label('election_status', e.status),
      e.voters == null ? t('common.none') : fmtInt(e.voters),
      e.turnout == null ? t('common.none') : fmtPct(e.turnout, 2),
    ]),
  });
}
