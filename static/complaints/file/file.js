// Filing a complaint (/complaints/file/, signed in through ESIA): the
// election, who files (the roles are checked), what it is about, when and
// what happened, an attachment; the receipt's number; then the person's
// complaints (filed, and about them) with the clock, the hearing, the
// decision, and an appeal within its 3 days.
import { initI18n, onLangChange, t, label, nameOf, fmtInt, fmtDate } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { startFrame, sendJSON, sendFile, failureText, fmtDateTime, apiFailed } from '/js/session.js';
import { SUBJECTS, statusBadge, deadlineBadge, commissionName, complaintFacts, historyList, attachmentsList } from '../view.js';

const $ = (id) => document.getElementById(id);
const KINDS = ['voter', 'candidate', 'party', 'observer', 'ngo'];
const state = { elections: [], commissions: [], mine: [], current: null, appealOf: null };

function say(node, e, ok) {
  if (e) {
    if (!apiFailed(e)) setStatus(node, failureText(e), 'error');
  } else setStatus(node, ok || '');
}

function fillSelects() {
  const kind = $('c-kind');
  const k = kind.value || 'voter';
  clear(kind).append(...KINDS.map((x) => el('option', { value: x, text: label('complainant_kind', x) })));
  kind.value = k;
  const subject = $('c-subject');
  const s = subject.value || 'station';
  clear(subject).append(...SUBJECTS.map((x) => el('option', { value: x, text: label('complaint_subject', x) })));
  subject.value = s;
  showFields();
}

// Only the fields the chosen kind and subject need.
function showFields() {
  const kind = $('c-kind').value;
  const subject = $('c-subject').value;
  $('c-party-label').hidden = kind !== 'party';
  $('c-org-label').hidden = !['observer', 'ngo'].includes(kind);
  const commission = ['territorial', 'district', 'central'].includes(subject);
  $('c-commission-label').hidden = !commission;
  $('c-candidate-label').hidden = subject !== 'candidate';
  $('c-subject-party-label').hidden = subject !== 'party';
  $('c-official-label').hidden = subject !== 'official';
  if (commission) {
    const sel = $('c-commission');
    clear(sel).append(...state.commissions.filter((k) => k.kind === subject).map((k) => el('option', { value: String(k.id), text: nameOf(k) })));
  }
  const appeal = state.appealOf != null;
  for (const id of ['c-election', 'c-subject']) $(id).closest('label').hidden = appeal;
  $('appeal-note').hidden = !appeal;
  $('appeal-cancel').hidden = !appeal;
}

const num = (id) => ($(id).value.trim() ? Number($(id).value) : undefined);
const text = (id) => $(id).value.trim() || undefined;

function body() {
  const kind = $('c-kind').value;
  const subject = $('c-subject').value;
  const b = {
    complainant_kind: kind,
    party_id: kind === 'party' ? num('c-party') : undefined,
    organisation: ['observer', 'ngo'].includes(kind) ? text('c-org') : undefined,
    station: num('c-station'),
    district: num('c-district'),
    district_contest: $('c-district-contest').checked,
    happened_at: $('c-happened').value,
    summary: $('c-summary').value.trim(),
  };
  if (state.appealOf != null) return { ...b, appeal_of: state.appealOf };
  return {
    ...b,
    election_id: Number($('c-election').value),
    subject,
    subject_commission: ['territorial', 'district', 'central'].includes(subject) ? num('c-commission') : undefined,
    subject_candidate: subject === 'candidate' ? num('c-candidate') : undefined,
    subject_party: subject === 'party' ? num('c-subject-party') : undefined,
    subject_official: subject === 'official' ? text('c-official') : undefined,
  };
}

const upload = (id, file) => sendFile(`/api/v1/documents/complaints/${id}/attachment`, file);

async function submit(ev) {
  ev.preventDefault();
  const status = $('new-status');
  setStatus(status, t('common.loading'), 'busy');
  let c;
  try {
    c = await sendJSON('/api/v1/complaints', body());
  } catch (e) {
    say(status, e);
    return;
  }
  const file = $('c-file').files && $('c-file').files[0];
  let note = '';
  if (file) {
    try {
      await upload(c.id, file);
    } catch (e) {
      note = ` ${t('complaints.attachment_failed', { why: failureText(e) })}`;
    }
  }
  setStatus(status, t('complaints.filed', { number: c.number, due: fmtDateTime(c.review_due) }) + note, note ? 'error' : '');
  $('complaint-form').reset();
  state.appealOf = null;
  showFields();
  await loadMine();
  show(c.id);
}

async function loadMine() {
  const status = $('mine-status');
  try {
    state.mine = (await getJSON('/api/v1/cabinet/complaints')).items;
  } catch (e) {
    say(status, e);
    return;
  }
  setStatus(status, state.mine.length ? '' : t('complaints.none_mine'));
  clear($('mine-table')).append(state.mine.length ? table({
    caption: t('complaints.mine_heading'), stack: true,
    columns: [{ label: t('complaints.number') }, { label: t('complaints.received_at') }, { label: t('complaints.commission') },
      { label: t('complaints.status') }, { label: t('complaints.deadline') }, { label: t('complaints.hearing') }, { label: '' }],
    rows: state.mine.map((c) => [c.number, fmtDateTime(c.received_at), commissionName(c.commission), statusBadge(c.status),
      deadlineBadge(c.deadline), c.hearing ? `${fmtDateTime(c.hearing.at)}, ${c.hearing.place}` : t('common.none'),
      el('button', { type: 'button', class: 'button button--small', text: t('complaints.open_one'), onclick: () => show(c.id) })]),
  }) : '');
}

async function show(id) {
  let c;
  try {
    c = await getJSON(`/api/v1/cabinet/complaints/${id}`);
  } catch (e) {
    say($('mine-status'), e);
    return;
  }
  state.current = c;
  $('detail').hidden = false;
  $('detail-heading').textContent = t('complaints.complaint_n', { number: c.number });
  clear($('detail-body')).append(complaintFacts(c, [
    [t('complaints.your_role'), label('complaint_role', c.your_role)],
    [t('complaints.attachments'), attachmentsList(c.attachments)],
  ]));
  clear($('detail-history')).append(historyList(c));
  const mine = c.your_role === 'complainant';
  $('attach-form').hidden = !mine || c.status === 'decided';
  $('appeal').hidden = !(mine && c.decision && Date.parse(c.decision.appeal_due) > Date.now()
    && c.decision.outcome !== 'upheld' && c.commission.kind !== 'central');
  setStatus($('detail-status'), '');
  $('detail').focus();
}

async function main() {
  await initI18n();
  if (!(await startFrame(null))) return;
  try {
    const [elections, commissions] = await Promise.all([getJSON('/api/v1/elections'), getJSON('/api/v1/commissions')]);
    state.elections = elections.items || [];
    state.commissions = commissions.items || [];
  } catch (e) {
    say($('new-status'), e);
    return;
  }
  const sel = $('c-election');
  for (const e of state.elections) sel.append(el('option', { value: String(e.id), text: `${fmtDate(e.date)} — ${nameOf(e)}` }));
  const open = state.elections.find((e) => e.status === 'scheduled' || e.status === 'open');
  if (open) sel.value = String(open.id);
  fillSelects();
  onLangChange(fillSelects);
  $('c-kind').addEventListener('change', showFields);
  $('c-subject').addEventListener('change', showFields);
  $('complaint-form').addEventListener('submit', submit);
  $('attach-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = $('attach-file').files && $('attach-file').files[0];
    if (!file) return;
    setStatus($('detail-status'), t('common.loading'), 'busy');
    try {
      await upload(state.current.id, file);
      await show(state.current.id);
      setStatus($('detail-status'), t('complaints.attached'));
    } catch (e) {
      say($('detail-status'), e);
    }
  });
  $('appeal').addEventListener('click', () => {
    state.appealOf = state.current.id;
    $('appeal-note').textContent = t('complaints.appeal_note', { number: state.current.number, due: fmtDateTime(state.current.decision.appeal_due) });
    showFields();
    $('c-summary').focus();
  });
  $('appeal-cancel').addEventListener('click', () => {
    state.appealOf = null;
    showFields();
  });
  await loadMine();
  setStatus($('mine-status'), state.mine.length ? t('complaints.count_mine', { n: fmtInt(state.mine.length) }) : t('complaints.none_mine'));
}

main();
