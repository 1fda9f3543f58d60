// The complaints' desk (/complaints/review/, a commission's complaint
// reviewers): the queue by deadline, a complaint with its attachments, the
// hearing, forwarding to another commission, the decision with its scan;
// the CEC's reviewers also record courts' rulings.
import { initI18n, onLangChange, t, label, nameOf, fmtInt } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { startFrame, sendJSON, sendFile, failureText, fmtDateTime, apiFailed, grants } from '/js/session.js';
import { OUTCOMES, statusBadge, deadlineBadge, commissionName, subjectText, complaintFacts, historyList, attachmentsList } from '../view.js';

const $ = (id) => document.getElementById(id);
const CEC = 9000; // the central commission's id (migration 026)
const state = { queue: [], current: null, commissions: [] };

function say(node, e, ok) {
  if (e) {
    if (!apiFailed(e)) setStatus(node, failureText(e), 'error');
  } else setStatus(node, ok || '');
}

const atCec = () => grants('complaints_reviewer').some((g) => g.commission_id === CEC);

function fillSelects() {
  const set = (id, values, prefix, blank) => {
    const s = $(id);
    const keep = s.value;
    clear(s).append(...(blank ? [el('option', { value: '', text: t('common.none') })] : []),
      ...values.map((v) => el('option', { value: v, text: label(prefix, v) })));
    s.value = keep;
  };
  set('decision-outcome', OUTCOMES, 'complaint_outcome');
  set('decision-ordered', ['recount', 'correction', 'cancel_registration', 'other'], 'complaint_order', true);
  set('decision-changed', ['protocol', 'nomination', 'application'], 'complaint_changed', true);
  set('ruling-instance', ['first', 'appeal', 'supreme'], 'court_instance');
  set('ruling-outcome', ['upheld', 'overturned', 'partly_overturned', 'dismissed', 'returned'], 'court_outcome');
  set('scan-kind', atCec() ? ['decision', 'court_ruling'] : ['decision'], 'complaint_doc');
}

async function loadQueue() {
  const status = $('queue-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    state.queue = (await getJSON('/api/v1/review/complaints')).items;
  } catch (e) {
    say(status, e);
    return;
  }
  const open = state.queue.filter((c) => c.status !== 'decided');
  setStatus(status, t('complaints.queue_count', { open: fmtInt(open.length), all: fmtInt(state.queue.length) }));
  clear($('queue-table')).append(state.queue.length ? table({
    caption: t('complaints.queue_heading'), stack: true,
    columns: [{ label: t('complaints.number') }, { label: t('complaints.received_at') }, { label: t('complaints.subject') },
      { label: t('complaints.commission') }, { label: t('complaints.status') }, { label: t('complaints.review_due') }, { label: '' }],
    rows: state.queue.map((c) => [c.number, fmtDateTime(c.received_at), `${label('complaint_subject', c.subject)}${c.station ? `, ${t('complaints.station_n', { n: c.station })}` : ''}`,
      commissionName(c.commission), statusBadge(c.status), el('span', {}, `${fmtDateTime(c.review_due)} `, deadlineBadge(c.deadline)),
      el('button', { type: 'button', class: 'button button--small', text: t('complaints.open_one'), onclick: () => show(c.id) })]),
  }) : el('p', { text: t('complaints.queue_empty') }));
}

async function show(id) {
  let c;
  try {
    c = await getJSON(`/api/v1/cabinet/complaints/${id}`);
  } catch (e) {
    say($('queue-status'), e);
    return;
  }
  state.current = c;
  $('detail').hidden = false;
  $('detail-heading').textContent = `${t('complaints.complaint_n', { number: c.number })} — ${subjectText(c)}`;
  clear($('detail-body')).append(complaintFacts(c, [
    [t('complaints.complainant_name'), c.complainant.name],
    [t('complaints.organisation'), c.complainant.organisation],
    [t('complaints.attachments'), attachmentsList(c.attachments)],
  ]));
  clear($('detail-history')).append(historyList(c));
  $('acts').hidden = !c.may_act;
  $('scan-form').hidden = !(c.may_act || (c.status === 'decided' && c.your_role === 'reviewer') || atCec());
  $('court').hidden = !atCec();
  const to = $('forward-to');
  clear(to).append(...state.commissions.filter((k) => k.id !== c.commission.id).map((k) => el('option', { value: String(k.id), text: nameOf(k) })));
  setStatus($('detail-status'), '');
  $('detail').focus();
}

async function act(path, body, ok) {
  const status = $('detail-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    await sendJSON(`/api/v1/review/complaints/${state.current.id}/${path}`, body);
    await show(state.current.id);
    setStatus(status, ok);
    loadQueue();
  } catch (e) {
    say(status, e);
  }
}

async function uploadScan(ev) {
  ev.preventDefault();
  const file = $('scan-file').files && $('scan-file').files[0];
  if (!file) return;
  const status = $('detail-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    await sendFile(`/api/v1/documents/complaints/${state.current.id}/${$('scan-kind').value}`, file);
  } catch (e) {
    say(status, e);
    return;
  }
  await show(state.current.id);
  setStatus($('detail-status'), t('complaints.uploaded'));
}

async function main() {
  await initI18n();
  if (!(await startFrame('complaints_reviewer'))) return;
  try {
    state.commissions = (await getJSON('/api/v1/commissions')).items || [];
  } catch (e) {
    say($('queue-status'), e);
  }
  fillSelects();
  onLangChange(fillSelects);
  $('queue-refresh').addEventListener('click', loadQueue);
  $('hearing-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act('hearing', { at: $('hearing-at').value, place: $('hearing-place').value.trim() }, t('complaints.hearing_set'));
  });
  $('forward-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act('forward', { commission_id: Number($('forward-to').value), reason: $('forward-reason').value.trim() }, t('complaints.forwarded'));
  });
  $('decision-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act('decision', {
      outcome: $('decision-outcome').value, text: $('decision-text').value.trim(),
      ordered: $('decision-ordered').value || undefined, ordered_note: $('decision-note').value.trim() || undefined,
      changed: $('decision-changed').value || undefined,
      changed_id: $('decision-changed').value && $('decision-changed-id').value ? Number($('decision-changed-id').value) : undefined,
    }, t('complaints.decided'));
  });
  $('ruling-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act('court-rulings', {
      court: $('ruling-court').value.trim(), instance: $('ruling-instance').value, ruled_on: $('ruling-date').value,
      outcome: $('ruling-outcome').value, summary: $('ruling-summary').value.trim() || undefined,
    }, t('complaints.ruling_recorded'));
  });
  $('scan-form').addEventListener('submit', uploadScan);
  await loadQueue();
}

main();
