// Landing page: translations and the list of elections.
import { initI18n, onLangChange, t } from './i18n.js';
import { getJSON, errorText } from './api.js';
import { el, clear, setStatus } from './dom.js';
import { electionsTable } from './elections.js';

let elections = null;
let failure = null;

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
    electionsTable(elections, t('home.elections_caption'), (e, name) =>
      e.results || e.status === 'completed' || e.status === 'counting'
        ? el('a', { class: 'election-name', href: `/results/?election=${e.id}`, text: name })
        : el('span', { class: 'election-name', text: name })),
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
