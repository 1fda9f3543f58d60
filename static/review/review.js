// The commission's review desk (Talapker): the queue of nominations to review
// by deadline (the CEC: lists and every district; a territorial commission:
// the districts it acts for), a nomination with the registers' checks and
// their X-Road evidence, a verdict on each document, deficiencies sent to the
// party, the decision; the CEC's overview of the election and the amounts of
// its funds.
import { initI18n, t, label, nameOf, fmtInt, fmtDate } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, table, setStatus, dl } from '/js/dom.js';
import { startFrame, sendJSON, failureText, fmtDateTime, apiFailed, hasRole, roleRefused } from '/js/session.js';

const $ = (id) => document.getElementById(id);
const state = { queue: null, current: null, elections: [] };
const badge = (s, prefix = 'nomination_status') => el('span', { class: `badge badge--${s}`, text: label(prefix, s) });

function say(node, e, ok) {
  if (e) {
    if (!apiFailed(e)) setStatus(node, failureText(e), 'error');
  } else setStatus(node, ok || '');
}

function who(n) {
  const whose = n.party ? n.party.short_name : t('talapker.self_nominated');
  return n.kind === 'list' ? `${whose} — ${t('talapker.kind_list')}` : `${n.candidate || ''} (${whose}, ${t('talapker.district_n', { n: n.district })})`;
}

async function loadQueue() {
  const status = $('queue-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    state.queue = (await getJSON(`/api/v1/review/nominations?election=${$('queue-election').value}`)).items;
  } catch (e) {
    say(status, e);
    return;
  }
  const open = state.queue.filter((q) => ['submitted', 'under_review', 'deficiencies'].includes(q.status));
  setStatus(status, t('review.queue_count', { open: fmtInt(open.length), all: fmtInt(state.queue.length) }));
  clear($('queue-table')).append(table({
    caption: t('review.queue_heading'), stack: true,
    columns: [{ label: t('party.nomination') }, { label: t('talapker.status') }, { label: t('party.review_deadline') },
      { label: t('review.missing'), num: true }, { label: t('review.failed_checks'), num: true }, { label: '' }],
    rows: state.queue.map((q) => [who(q), badge(q.status),
      el('span', { class: q.overdue ? 'badge badge--late' : null, text: q.review_deadline ? fmtDateTime(q.review_deadline) : t('common.none') }),
      fmtInt(q.missing_documents), fmtInt(q.failed_checks),
      el('button', { type: 'button', class: 'button button--small', text: t('party.open'), onclick: () => open_(q.id) })]),
  }));
}

async function loadOverview() {
  if (!hasRole('cec_admin')) return;
  try {
    const o = await getJSON(`/api/v1/review/elections/${$('queue-election').value}/overview`);
    $('overview').hidden = false;
    clear($('overview-body')).append(
      dl(Object.entries(o.by_status).map(([k, v]) => [label('nomination_status', k), fmtInt(v)])),
      el('p', { text: t('review.near', { n: o.near_deadline.length }) }),
      el('p', { class: o.overdue.length ? 'notice notice--warning' : null, text: t('review.overdue', { n: o.overdue.length }) }));
  } catch (e) {
    say($('queue-status'), e);
  }
}

// The CEC sets the amounts of an election's funds (whole som); until then, the law's.
function showLimits(l) {
  if (String(l.election_id) !== $('queue-election').value) return; // an answer for the election chosen before
  $('limits').hidden = false;
  $('limits').dataset.election = String(l.election_id);
  $('limits-state').textContent = t(l.set ? 'review.limits_set' : 'review.limits_law');
  $('limit-citizen').value = String(Math.round(l.citizen_max));
  $('limit-entity').value = String(Math.round(l.legal_entity_max));
  $('limit-list').value = String(Math.round(l.list_fund_max));
  $('limit-district').value = String(Math.round(l.district_fund_max));
}

// Each load or save of the limits takes a number: an answer that comes after a newer one began is
// dropped (a slow GET for the election chosen at start came back after the CEC's save, showing the
// law's amounts over the ones just set).
let limitsSeq = 0;

async function loadLimits() {
  if (!hasRole('cec_admin')) return;
  const seq = ++limitsSeq;
  try {
    const l = await getJSON(`/api/v1/elections/${$('queue-election').value}/fund-limits`);
    if (seq === limitsSeq) showLimits(l);
  } catch (e) {
    say($('limits-status'), e);
  }
}

async function saveLimits(ev) {
  ev.preventDefault();
  const status = $('limits-status');
  const seq = ++limitsSeq;
  setStatus(status, t('common.loading'), 'busy');
  try {
    // The answer is the amounts as set (a GET could be the browser's cached copy, public for 30 s).
    const l = await sendJSON(`/api/v1/elections/${$('queue-election').value}/fund-limits`, {
      citizen_max: Number($('limit-citizen').value), legal_entity_max: Number($('limit-entity').value),
      list_fund_max: Number($('limit-list').value), district_fund_max: Number($('limit-district').value),
    }, { method: 'PUT' });
    if (seq === limitsSeq) showLimits(l);
    setStatus(status, t('review.limits_saved'));
  } catch (e) {
    say(status, e);
  }
}

async function open_(id) {
  try {
    show(await getJSON(`/api/v1/review/nominations/${id}`));
  } catch (e) {
    say($('queue-status'), e);
  }
}

function show(r) {
  state.current = r;
  const n = r.nomination;
  $('detail').hidden = false;
  $('detail-heading').textContent = who({ ...n, candidate: n.kind === 'district' ? n.candidates[0]?.name : null });
  clear($('detail-facts')).append(dl([
    [t('talapker.status'), badge(n.status)],
    [t('party.receipt_short'), n.receipt ? `${n.receipt.number}, ${fmtDateTime(n.receipt.issued_at)}` : null],
    [t('party.review_deadline'), n.review_deadline ? fmtDateTime(n.review_deadline) : null],
    [t('party.deposit_heading'), n.deposit ? t('party.deposit_done', { ref: n.deposit.reference, amount: fmtInt(n.deposit.amount) }) : t('review.no_deposit')],
    [t('talapker.col_candidates'), fmtInt(n.candidates.filter((c) => !c.withdrawn).length)],
    [t('talapker.refusal_reason'), n.decision_reason],
  ]));
  const under = n.status === 'under_review';
  $('start').hidden = n.status !== 'submitted';
  $('recheck').hidden = !['submitted', 'under_review'].includes(n.status);
  $('deficiencies').hidden = !under;
  $('register').hidden = !under;
  $('refuse').hidden = !under;
  clear($('checks')).append(r.checks.length ? table({
    caption: t('review.checks_heading'), stack: true,
    columns: [{ label: '№', num: true }, { label: t('review.check') }, { label: t('review.outcome') }, { label: t('review.detail') }, { label: t('review.evidence') }],
    rows: r.checks.map((c) => [String(c.position), label('review.check_name', c.check), badge(c.outcome, 'review.outcome_name'), c.detail,
      c.evidence ? el('span', { class: 'receipt', text: `X-Road-Id ${c.evidence.x_road_id}, ${c.evidence.service}` }) : t('review.no_evidence')]),
  }) : el('p', { text: t('review.no_checks') }));
  clear($('documents')).append(table({
    caption: t('party.package_heading'), stack: true,
    columns: [{ label: t('party.whose') }, { label: t('party.document') }, { label: t('talapker.status') }, { label: '' }],
    rows: n.package.items.map((i) => {
      const d = i.document;
      return [i.position ? `№${i.position} ${i.candidate}` : t('party.the_nomination'), `${label('doc_kind', i.kind)}${i.required ? ' *' : ''}`,
        d ? el('span', {}, el('a', { href: `/api/v1/documents/${d.id}/file`, text: `v${d.version}` }), ' ', d.review ? badge(d.review, 'party.review') : null, d.comment ? ` ${d.comment}` : '')
          : el('span', { class: i.required ? 'badge badge--late' : 'badge', text: i.required ? t('party.missing') : t('party.optional') }),
        under && d ? el('span', { class: 'row-actions' },
          el('button', { type: 'button', class: 'button button--small', text: t('review.accept'), onclick: () => verdict(d.id, 'accepted') }),
          el('button', { type: 'button', class: 'button button--secondary button--small', text: t('review.deficient'), onclick: () => verdict(d.id, 'deficient') })) : ''];
    }),
  }));
  clear($('detail-history')).append(...n.history.map((h) => el('li', { text: `${fmtDateTime(h.at)} — ${label('party.event', h.action)}${h.comment ? `: ${h.comment}` : ''}` })));
}

async function act(path, body, ok) {
  const status = $('detail-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    await sendJSON(path, body);
    await open_(state.current.nomination.id);
    setStatus(status, ok || '');
    loadQueue();
  } catch (e) {
    say(status, e);
  }
}

function verdict(doc, v) {
  const comment = v === 'deficient' ? window.prompt(t('review.deficient_prompt')) : '';
  if (v === 'deficient' && !comment) return;
  act(`/api/v1/review/documents/${doc}`, { verdict: v, comment: comment || undefined }, t(v === 'accepted' ? 'review.accepted' : 'review.noted'));
}

async function main() {
  await initI18n();
  if (!(await startFrame(null))) return;
  if (!hasRole('tec_admin') && !hasRole('cec_admin')) {
    roleRefused();
    return;
  }
  const base = (p) => `/api/v1/review/nominations/${state.current.nomination.id}${p}`;
  $('start').addEventListener('click', () => act(base('/start'), {}));
  $('recheck').addEventListener('click', () => act(base('/checks'), {}, t('review.rechecked')));
  $('deficiencies').addEventListener('click', () => act(base('/deficiencies'), {}, t('review.sent')));
  $('register').addEventListener('click', () => act(base('/decision'), { decision: 'registered' }, t('review.registered')));
  $('refuse').addEventListener('click', () => {
    const reason = window.prompt(t('review.refuse_prompt'));
    if (reason) act(base('/decision'), { decision: 'refused', reason }, t('review.refused'));
  });
  $('queue-refresh').addEventListener('click', loadQueue);
  try {
    state.elections = ((await getJSON('/api/v1/elections')).items || []).filter((e) => e.type === 'parliamentary');
  } catch (e) {
    say($('queue-status'), e);
    return;
  }
  const sel = $('queue-election');
  for (const e of state.elections) sel.append(el('option', { value: String(e.id), text: `${fmtDate(e.date)} — ${nameOf(e)}` }));
  const scheduled = state.elections.find((e) => e.status === 'scheduled' || e.status === 'open');
  if (scheduled) sel.value = String(scheduled.id);
  sel.addEventListener('change', () => {
    loadQueue();
    loadOverview();
    loadLimits();
  });
  $('limits-form').addEventListener('submit', saveLimits);
  await loadQueue();
  loadOverview();
  loadLimits();
}

main();
