// The voter's cabinet, Talapker's part: the nominations naming the signed-in
// person (a party's list or district, or their own), and their consent: the
// paper form of today, given (or refused) here before the party submits.
import { initI18n, onLangChange, t, label, fmtDate } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { loadMe, sendJSON, failureText } from '/js/session.js';

const $ = (id) => document.getElementById(id);
let items = null;

function render() {
  const sec = $('nominations');
  const box = clear($('nominations-body'));
  sec.hidden = !items || !items.length;
  if (!items || !items.length) return;
  box.append(table({
    caption: t('nominee.heading'), stack: true,
    columns: [{ label: t('talapker.election') }, { label: t('talapker.party') }, { label: t('talapker.col_where') },
      { label: t('talapker.status') }, { label: t('party.consent') }, { label: '' }],
    rows: items.map((n) => [
      `${fmtDate(n.election_date)} ${n.election}`,
      n.party ? n.party.short_name : t('talapker.self_nominated'),
      n.kind === 'list' ? t('talapker.list_position', { n: n.position }) : t('talapker.district_n', { n: n.district }),
      el('span', { class: `badge badge--${n.status}`, text: label('nomination_status', n.status) }),
      el('span', { class: `badge badge--${n.consent}`, text: label('party.consent_state', n.consent) }),
      n.status === 'draft' && !n.withdrawn
        ? el('span', { class: 'row-actions' },
          n.consent !== 'given' ? el('button', { type: 'button', class: 'button button--small', text: t('nominee.agree'), onclick: () => answer(n, true) }) : null,
          n.consent !== 'declined' ? el('button', { type: 'button', class: 'button button--secondary button--small', text: t('nominee.decline'), onclick: () => answer(n, false) }) : null)
        : ['submitted', 'under_review', 'deficiencies', 'registered'].includes(n.status) && !n.withdrawn
          ? el('button', { type: 'button', class: 'button button--secondary button--small', text: t('nominee.withdraw'), onclick: () => withdraw(n) })
          : n.withdrawn ? t('nominee.withdrawn') : '',
    ]),
  }));
}

async function answer(n, consent) {
  const status = $('nominations-status');
  try {
    items = (await sendJSON(`/api/v1/cabinet/nominations/${n.nomination_id}/consent`, { consent })).items;
    setStatus(status, consent ? t('nominee.agreed') : t('nominee.declined'));
  } catch (e) {
    setStatus(status, failureText(e), 'error');
  }
  render();
}

async function withdraw(n) {
  const reason = window.prompt(t('nominee.withdraw_prompt'));
  if (reason === null) return;
  const status = $('nominations-status');
  try {
    items = (await sendJSON(`/api/v1/cabinet/nominations/${n.nomination_id}/withdraw`, { reason })).items;
    setStatus(status, t('nominee.withdrawn_now'));
  } catch (e) {
    setStatus(status, failureText(e), 'error');
  }
  render();
}

async function main() {
  await initI18n();
  onLangChange(render);
  if (!(await loadMe())) return;
  try {
    items = (await getJSON('/api/v1/cabinet/nominations')).items;
  } catch (e) {
    setStatus($('nominations-status'), failureText(e), 'error');
    return;
  }
  render();
}

main();
