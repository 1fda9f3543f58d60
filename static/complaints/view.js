// A complaint as the pages show it (the public registry, the complainant's
// page, the reviewers' desk): its subject, where it is and its clock, the
// hearing, the decision, appeals, courts' rulings, documents, history.
import { t, label, nameOf, fmtDate } from '/js/i18n.js';
import { el, dl } from '/js/dom.js';
import { fmtDateTime } from '/js/session.js';

export const STATUSES = ['received', 'hearing_set', 'decided'];
export const OUTCOMES = ['upheld', 'partly_upheld', 'rejected', 'not_considered'];
export const DEADLINES = ['open', 'overdue', 'met', 'missed'];
export const SUBJECTS = ['station', 'territorial', 'district', 'central', 'candidate', 'party', 'official'];

export const statusBadge = (s) => el('span', { class: `badge badge--${s}`, text: label('complaint_status', s) });
// The clock: met and open are plain; overdue and missed stand out (never hidden).
export const deadlineBadge = (d) => el('span', { class: `badge badge--clock-${d}`, text: label('complaint_deadline', d) });
export const commissionName = (c) => (c ? nameOf(c) : t('common.none'));

export function subjectText(c) {
  const s = c.subject;
  const what = label('complaint_subject', s.kind);
  const who = s.commission ? nameOf(s.commission) : s.candidate ? s.candidate.name : s.party ? s.party.short_name : s.official;
  const where = [c.station ? t('complaints.station_n', { n: c.station }) : null, c.district ? t('complaints.district_n', { n: c.district }) : null]
    .filter(Boolean).join(', ');
  return [what, who, where].filter(Boolean).join(' — ');
}

/* What a decision changed: a station's protocol links to the station's results. */
function changedLink(election, ch) {
  const what = t(`complaints.changed_${ch.kind}`, { n: ch.id });
  return ch.kind === 'protocol' ? el('a', { href: `/results/?election=${election}&station=${ch.id}`, text: what }) : what;
}

const docLink = (d) => el('a', { href: `/api/v1/documents/${d.id}/file`, text: `${label('complaint_doc', d.kind)} v${d.version}` });

/* The facts of complaint c; extra rows (the complainant, for those who may see them) after the subject. */
export function complaintFacts(c, extra = []) {
  const d = c.decision;
  return dl([
    [t('complaints.number'), c.number],
    [t('complaints.received_at'), fmtDateTime(c.received_at)],
    [t('complaints.complainant'), label('complainant_kind', c.complainant.kind)],
    ...extra,
    [t('complaints.subject'), subjectText(c)],
    [t('complaints.happened_at'), fmtDateTime(c.happened_at)],
    [t('complaints.summary'), c.summary],
    [t('complaints.commission'), commissionName(c.commission)],
    [t('complaints.status'), statusBadge(c.status)],
    [t('complaints.review_due'), el('span', {}, `${fmtDateTime(c.review_due)} `, deadlineBadge(c.deadline))],
    [t('complaints.hearing'), c.hearing ? `${fmtDateTime(c.hearing.at)}, ${c.hearing.place}` : null],
    [t('complaints.decision'), d ? `${label('complaint_outcome', d.outcome)} (${fmtDateTime(d.decided_at)}): ${d.text}` : null],
    [t('complaints.ordered'), d && d.ordered ? `${label('complaint_order', d.ordered)}${d.ordered_note ? `: ${d.ordered_note}` : ''}` : null],
    [t('complaints.changed'), d && d.changed ? changedLink(c.election_id, d.changed) : null],
    [t('complaints.appeal_due'), d ? fmtDateTime(d.appeal_due) : null],
    [t('complaints.appeal_of'), c.appeal_of ? c.appeal_of.number : null],
    [t('complaints.appeals'), c.appeals.length ? c.appeals.map((a) => `${a.number} (${label('complaint_status', a.status)})`).join('; ') : null],
    [t('complaints.court_rulings'), c.court_rulings.length
      ? el('ul', {}, c.court_rulings.map((r) => el('li', { text: `${label('court_instance', r.instance)}: ${r.court}, ${fmtDate(r.ruled_on)} — ${label('court_outcome', r.outcome)}${r.summary ? `. ${r.summary}` : ''}` })))
      : null],
    [t('complaints.documents'), c.documents.length ? el('span', { class: 'doc-links' }, c.documents.map(docLink)) : null],
  ]);
}

export function attachmentsList(items) {
  return items.length ? el('span', { class: 'doc-links' }, items.map(docLink)) : t('common.none');
}

export function historyList(c) {
  return el('ul', { class: 'history' }, c.history.map((h) => el('li', {
    text: `${fmtDateTime(h.at)} — ${label('complaint_event', h.action)}${h.commission ? `, ${nameOf(h.commission)}` : ''}`
      + `${h.to_commission ? ` → ${nameOf(h.to_commission)}` : ''}${h.in_time === false ? ` (${t('complaints.late')})` : ''}`
      + `${h.comment ? `: ${h.action === 'decided' ? label('complaint_outcome', h.comment) : h.comment}` : ''}`,
  })));
}
