// How an application for a change in the voter list is shown: the same card
// in the voter's cabinet, at the identification operator's desk and at the
// TEC administrator's, with its progress and its full history (a timeline).
import { t, nameOf, fmtDate } from './i18n.js';
import { el, dl } from './dom.js';
import { fmtDateTime, label } from './session.js';

export const STATUSES = ['awaiting_identification', 'identified', 'in_register', 'approved', 'rejected'];
export const PENDING = ['awaiting_identification', 'identified', 'in_register'];

export function isPending(app) {
  return app && PENDING.includes(app.status);
}

/* A status as a coloured badge with its words (the colour is never the only sign). */
export function statusBadge(status) {
  return el('span', { class: `badge badge--${STATUSES.includes(status) || status === 'not_processed' ? status : 'other'}`, dataset: { status } }, label('app.status', status));
}

/* The election of an application by its id, from a list of elections. */
export function electionName(id, elections) {
  const e = (elections || []).find((x) => x && x.id === id);
  return e ? `${nameOf(e)} (${fmtDate(e.date)})` : t('app.election_n', { id });
}

function stationText(n) {
  return n == null ? t('common.none') : t('station.number', { number: n });
}

/* The words of a history entry's comment: the server's standard comments are
 * translated; a person's own words (a rejection's reason) are shown as they are. */
function commentText(c) {
  if (!c) return null;
  const known = {
    'submitted online': 'app.c_submitted',
    'identified by biometrics': 'app.c_identified',
    'biometrics did not match': 'app.c_not_matched',
  };
  if (known[c]) return t(known[c]);
  const m = /^register (\d+)$/.exec(c);
  if (m) return t('app.c_register', { id: m[1] });
  return c;
}

/* Submitted -> identification -> with the TEC -> decision: the steps behind
 * are ticked, the step in progress (or the decision, once made) is marked. */
export function progress(app) {
  const decided = app.status === 'approved' || app.status === 'rejected';
  const at = { awaiting_identification: 1, identified: 2, in_register: 3, approved: 3, rejected: 3 }[app.status] ?? 0;
  const names = ['app.step_submitted', 'app.step_identified', 'app.step_in_register', app.status === 'rejected' ? 'app.step_rejected' : app.status === 'approved' ? 'app.step_approved' : 'app.step_decided'];
  return el(
    'ol',
    { class: `steps${app.status === 'rejected' ? ' steps--rejected' : ''}`, 'aria-label': t('app.progress') },
    names.map((key, i) =>
      el(
        'li',
        { class: `steps__item${i < at || (decided && i === at) ? ' steps__item--done' : ''}${i === at ? ' steps__item--current' : ''}`, 'aria-current': i === at ? 'step' : null },
        el('span', { class: 'steps__text', text: t(key) }),
      ),
    ),
  );
}

/* The full history of an application, oldest first. */
export function timeline(app) {
  const items = Array.isArray(app.history) ? app.history : [];
  return el(
    'ol',
    { class: 'timeline' },
    items.map((h) =>
      el(
        'li',
        { class: `timeline__item timeline__item--${h.status}` },
        el('time', { class: 'timeline__at', datetime: h.at, text: fmtDateTime(h.at) }),
        el('span', { class: 'timeline__status' }, label('app.status', h.status)),
        el('span', { class: 'timeline__by', text: t('app.by', { who: label('app.actor', h.by) }) }),
        commentText(h.comment) ? el('span', { class: 'timeline__comment', text: commentText(h.comment) }) : null,
      ),
    ),
  );
}

function identificationText(idn) {
  if (!idn) return t('app.ident_none');
  return t(idn.matched ? 'app.ident_ok' : 'app.ident_failed', { at: fmtDateTime(idn.at), device: idn.device_id });
}

/* The facts of an application as a <dl>. opts.voter: show the applicant. */
export function appFacts(app, { elections = [], voter = false } = {}) {
  return dl([
    voter && app.voter ? [t('app.voter'), el('span', { class: 'app-voter' }, el('strong', { text: app.voter.name }), ' · ', t('app.pin_n', { pin: app.voter.pin }))] : [null, null],
    [t('app.election'), electionName(app.election_id, elections)],
    [t('app.kind'), label('app.kind_name', app.kind)],
    app.kind === 'correction'
      ? [t('app.station'), stationText(app.station_from)]
      : [t('app.move'), el('span', { class: 'app-move' }, stationText(app.station_from), ' \u2192 ', el('strong', { class: 'app-station-to', text: stationText(app.station_to) }))],
    [t('app.commission'), app.commission ? nameOf(app.commission) : null],
    [t('app.reason'), app.reason ? el('span', { class: 'app-reason', text: app.reason }) : null],
    [t('app.registry'), app.registry_status && app.registry_status !== 'ok' ? label('app.registry_status', app.registry_status) : null],
    [t('app.identification'), identificationText(app.identification)],
    [t('app.decision_reason'), app.decision_reason ? el('span', { class: 'app-decision-reason', text: app.decision_reason }) : null],
    [t('app.created'), fmtDateTime(app.created_at)],
    [t('app.updated'), app.updated_at && app.updated_at !== app.created_at ? fmtDateTime(app.updated_at) : null],
  ].filter(([term]) => term));
}

/* The whole card: heading with number and status, progress, facts, history.
 * extra: nodes to append (the staff's forms). */
export function appCard(app, { elections = [], voter = false, headingLevel = 3, history = true, historyOpen = true, extra = [] } = {}) {
  const headingId = `app-${app.id}-heading`;
  return el(
    'article',
    { class: `card app app--${app.status}`, id: `app-${app.id}`, 'aria-labelledby': headingId, dataset: { id: String(app.id), status: app.status } },
    el(
      `h${headingLevel}`,
      { class: 'app__title', id: headingId },
      el('span', { text: t('app.number', { id: app.id }) }),
      ' ',
      statusBadge(app.status),
    ),
    progress(app),
    appFacts(app, { elections, voter }),
    history && Array.isArray(app.history) && app.history.length
      ? el('details', { class: 'app__history', open: historyOpen }, el('summary', { text: t('app.history') }), timeline(app))
      : null,
    extra,
  );
}
