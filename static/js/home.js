// Landing page: translations and the list of elections.
import { initI18n, onLangChange, t, nameOf, fmtInt, fmtDate, fmtPct } from './i18n.js';
import { getJSON, errorText } from './api.js';
import { el, clear, table, setStatus } from './dom.js';

let elections = null;
let failure = null;

function label(prefix, value) {
  const s = t(`${prefix}.${value}`);
  return s === `${prefix}.${value}` ? value : s;
}

function render() {
  const box = document.getElementById('elections');
  const status = document.getElementById('elections-status');
  clear(box);
  if (failure) {
    setStatus(status, errorText(failure, t), 'error');
    return;
  }
  if (!elections) {
    setStatus(status, t('common.loading'), 'busy');
    return;
  }
  if (!elections.length) {
    setStatus(status, t('home.elections_empty'));
    return;
  }
  setStatus(status, '');
  box.append(
    table({
      caption: t('home.elections_caption'),
      stack: true,
      columns: [
        { label: t('home.col_date') },
        { label: t('home.col_name') },
        { label: t('home.col_type') },
        { label: t('home.col_status') },
        { label: t('home.col_voters'), num: true },
        { label: t('home.col_turnout'), num: true },
      ],
      rows: elections.map((e) => [
        el('span', { class: 'nowrap', text: fmtDate(e.date) }),
        e.results || e.status === 'completed' || e.status === 'counting'
          ? el('a', { class: 'election-name', href: `/results/?election=${e.id}`, text: nameOf(e) })
          : el('span', { class: 'election-name', text: nameOf(e) }),
        label('election_type', e.type),
        label('election_status', e.status),
        e.voters == null ? t('common.none') : fmtInt(e.voters),
        e.turnout == null ? t('common.none') : fmtPct(e.turnout, 2),
      ]),
    }),
  );
}

async function main() {
  await initI18n();
  onLangChange(render);
  render();
  try {
    const data = await getJSON('/api/v1/elections');
    elections = Array.isArray(data.items) ? data.items : [];
  } catch (e) {
    failure = e;
  }
  render();
}

main().catch((e) => console.error('home page failed to start', e));
