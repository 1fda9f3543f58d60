// The party's office (Talapker): a party's head notifies the commission and
// names representatives; they build the list (the list rules say what is
// wrong as it is built), nominate district candidates, pay the deposit,
// upload the package, submit (a receipt), correct deficiencies, and keep the
// election fund (lines one by one or as CSV, the reports). A self-nominated
// candidate uses the same page for their own nomination.
import { initI18n, t, label, nameOf, fmtInt, fmtDate } from '/js/i18n.js';
import { getJSON, request, ApiError } from '/js/api.js';
import { el, clear, table, setStatus, dl } from '/js/dom.js';
import { startFrame, sendJSON, sendFile, failureText, fmtDateTime, apiFailed, currentUser, todayISO } from '/js/session.js';

const $ = (id) => document.getElementById(id);
const SOURCES = ['own', 'party', 'citizen', 'legal_entity'];
const ITEMS = ['media', 'print', 'events', 'staff', 'transport', 'other'];

const state = { mine: null, office: null, open: null, nomination: null, elections: [] };

/* The page's words for a refusal it knows by its code (the server's details
 * kept where they name what is missing), else the general text. */
function refusalText(e) {
  const key = e && e.code ? `refusal.${e.code}` : null;
  const own = key ? t(key) : key;
  if (!own || own === key) return failureText(e);
  return ['consent_missing', 'documents_missing'].includes(e.code) && e.message ? `${own} (${e.message})` : own;
}

function say(node, e, ok) {
  if (e) {
    if (apiFailed(e)) return;
    setStatus(node, refusalText(e), 'error');
  } else setStatus(node, ok || '');
}

const badge = (s, prefix = 'nomination_status') => el('span', { class: `badge badge--${s}`, text: label(prefix, s) });

/* "closes in 9 days 4 hours" / "closed" for a deadline. */
function clock(iso) {
  const ms = Date.parse(iso) - Date.now();
  if (!(ms > 0)) return t('party.closed');
  const d = Math.floor(ms / 86400e3);
  const h = Math.floor((ms % 86400e3) / 3600e3);
  return t('party.left', { days: d, hours: h });
}

// ---- my parties and candidacies ----

async function loadMine() {
  try {
    state.mine = await getJSON('/api/v1/talapker/me');
  } catch (e) {
    say($('mine-status'), e);
    return;
  }
  renderMine();
}

function renderMine() {
  const box = clear($('mine-table'));
  const m = state.mine;
  if (!m) return;
  const rows = [
    ...m.parties.map((p) => [p.short_name, String(p.election_id), label('party.role', p.role),
      el('button', { type: 'button', class: 'button button--small', text: t('party.open'), onclick: () => openOffice(p.election_id, p.party_id) })]),
    ...m.candidacies.filter((c) => c.self_nominated).map((c) => [t('talapker.self_nominated'), String(c.election_id),
      t('talapker.district_n', { n: c.district }),
      el('button', { type: 'button', class: 'button button--small', text: t('party.open'), onclick: () => openNomination(c.nomination_id) })]),
  ];
  setStatus($('mine-status'), rows.length ? '' : t('party.mine_empty'));
  if (rows.length) {
    box.append(table({ caption: t('party.mine_heading'), stack: true,
      columns: [{ label: t('talapker.party') }, { label: t('talapker.election') }, { label: t('party.role_col') }, { label: '' }], rows }));
  }
}

// ---- notifying ----

async function notify(ev) {
  ev.preventDefault();
  const status = $('notify-status');
  setStatus(status, t('party.asking_register'), 'busy');
  try {
    const o = await sendJSON(`/api/v1/elections/${$('notify-election').value}/parties`, { registration_number: $('notify-number').value.trim() });
    setStatus(status, t('party.notified', { party: o.party.short_name }));
    await loadMine();
    showOffice(o);
  } catch (e) {
    say(status, e);
  }
}

// ---- the office ----

async function openOffice(election, party) {
  try {
    showOffice(await getJSON(`/api/v1/elections/${election}/parties/${party}/office`));
  } catch (e) {
    say($('mine-status'), e);
  }
}

function showOffice(o) {
  state.office = o;
  const sec = $('office');
  sec.hidden = false;
  $('office-heading').textContent = `${nameOf(o.party)} — ${o.election_id}`;
  clear($('office-facts')).append(dl([
    [t('talapker.registration_number'), o.party.registration_number],
    [t('party.head'), o.head.name],
    [t('party.role_col'), label('party.role', o.your_role)],
    [t('party.submission_closes'), el('span', { class: 'clock', text: `${fmtDateTime(o.calendar.submission_closes)} (${clock(o.calendar.submission_closes)})` })],
  ]));
  const head = o.your_role === 'head';
  $('rep-form').hidden = !head;
  clear($('reps-table')).append(o.representatives.length ? table({
    caption: t('party.reps_heading'), stack: true,
    columns: [{ label: t('talapker.name') }, { label: t('party.granted') }, { label: t('talapker.status') }, { label: '' }],
    rows: o.representatives.map((r) => [r.name ? `${r.name} (${r.pin})` : r.pin, fmtDateTime(r.granted_at), r.active ? t('party.active') : t('party.withdrawn_at', { at: fmtDateTime(r.withdrawn_at) }),
      head && r.active ? el('button', { type: 'button', class: 'button button--secondary button--small', text: t('party.rep_withdraw'), onclick: () => withdrawRep(r.pin) }) : '']),
  }) : el('p', { text: t('party.no_reps') }));
  clear($('nominations-table')).append(o.nominations.length ? table({
    caption: t('party.nominations_heading'), stack: true,
    columns: [{ label: t('party.nomination') }, { label: t('talapker.status') }, { label: t('talapker.col_candidates'), num: true }, { label: '' }],
    rows: o.nominations.map((n) => [n.kind === 'list' ? t('talapker.kind_list') : t('talapker.district_n', { n: n.district }), badge(n.status), fmtInt(n.candidates),
      el('button', { type: 'button', class: 'button button--small', text: t('party.open'), onclick: () => openNomination(n.id) })]),
  }) : el('p', { text: t('party.no_nominations') }));
  $('new-list').hidden = o.nominations.some((n) => n.kind === 'list' && n.status !== 'withdrawn');
  clear($('office-history')).append(...o.history.map((h) => el('li', { text: `${fmtDateTime(h.at)} — ${label('party.event', h.action)}${h.subject ? ` (${h.subject})` : ''}` })));
  sec.focus();
}

async function officeCall(fn) {
  const o = state.office;
  try {
    showOffice(await fn(`/api/v1/elections/${o.election_id}/parties/${o.party.id}`));
    setStatus($('office-status'), '');
  } catch (e) {
    say($('office-status'), e);
  }
}

const withdrawRep = (pin) => officeCall((base) => sendJSON(`${base}/representatives/${pin}`, undefined, { method: 'DELETE' }));

// ---- a nomination ----

async function openNomination(id) {
  try {
    showNomination(await getJSON(`/api/v1/nominations/${id}`));
  } catch (e) {
    say($('mine-status'), e);
  }
}

async function nominationCall(promise, okText) {
  const status = $('nomination-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    const r = await promise;
    await reloadNomination();
    setStatus(status, okText || '');
    return r;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'list_rules') {
      setStatus(status, t('party.rules_refused'), 'error');
      await reloadNomination();
    } else say(status, e);
    return null;
  }
}

async function reloadNomination() {
  showNomination(await getJSON(`/api/v1/nominations/${state.nomination.nomination.id}`), false);
}

function showNomination(r, focus = true) {
  state.nomination = r;
  const n = r.nomination;
  const sec = $('nomination');
  sec.hidden = false;
  const draft = n.status === 'draft';
  const open = draft || n.status === 'deficiencies';
  $('nomination-heading').textContent = `${n.party ? n.party.short_name : t('talapker.self_nominated')} — ${n.kind === 'list' ? t('talapker.kind_list') : t('talapker.district_n', { n: n.district })}`;
  clear($('nomination-facts')).append(dl([
    [t('talapker.status'), badge(n.status)],
    [t('party.submission_closes'), draft ? el('span', { class: 'clock', text: `${fmtDateTime(n.calendar.submission_closes)} (${clock(n.calendar.submission_closes)})` }) : null],
    [t('party.review_deadline'), n.review_deadline ? `${fmtDateTime(n.review_deadline)} (${clock(n.review_deadline)})` : null],
    [t('party.deficiencies_due'), n.deficiencies_due ? el('span', { class: 'clock', text: `${fmtDateTime(n.deficiencies_due)} (${clock(n.deficiencies_due)})` }) : null],
    [t('talapker.refusal_reason'), n.decision_reason],
  ]));
  renderRules(r.rules);
  renderCandidates(n, draft);
  $('add-form').hidden = !(draft && n.kind === 'list');
  clear($('deposit')).append(n.deposit
    ? el('p', { text: t('party.deposit_done', { ref: n.deposit.reference, amount: fmtInt(n.deposit.amount) }) })
    : el('p', { text: t('party.deposit_due', { amount: fmtInt(n.deposit_due) }) }),
  n.deposit_refund && n.deposit ? el('p', { text: label('party.refund', n.deposit_refund.outcome) }) : null);
  $('deposit-form').hidden = !open || !!n.deposit;
  renderPackage(n, open);
  $('submit').hidden = !draft;
  $('resubmit').hidden = n.status !== 'deficiencies';
  $('withdraw').hidden = ['withdrawn', 'refused'].includes(n.status);
  clear($('receipt'));
  if (n.receipt) {
    $('receipt').append(el('details', {}, el('summary', { text: t('party.receipt', { number: n.receipt.number, at: fmtDateTime(n.receipt.issued_at) }) }),
      el('ul', { class: 'receipt' }, n.receipt.documents.map((d) => el('li', { text: `${d.position ? `№${d.position} ` : ''}${d.kind} v${d.version}: ${d.sha256}` })))));
  }
  const fundOpen = !['draft', 'refused'].includes(n.status);
  $('line-form').hidden = !fundOpen;
  $('csv-form').hidden = !fundOpen;
  $('report-buttons').hidden = !fundOpen;
  if (fundOpen) loadFund(n.id);
  else clear($('fund-summary')).append(el('p', { text: t('party.fund_after_submission') }));
  clear($('nomination-history')).append(...n.history.map((h) => el('li', { text: `${fmtDateTime(h.at)} — ${label('party.event', h.action)}${h.position ? ` (№${h.position})` : ''}${h.comment ? `: ${h.comment}` : ''}` })));
  if (focus) sec.focus();
}

function renderRules(rules) {
  const box = clear($('nomination-rules'));
  if (!rules) return;
  if (rules.keeps_rules) {
    box.append(el('p', { class: 'notice', text: t('party.rules_kept') }));
    return;
  }
  box.append(el('div', { class: 'notice notice--warning' }, el('p', { text: t('party.rules_broken') }),
    el('ul', { class: 'rules' }, rules.violations.map((v) => {
      const key = `list_rule.${v.rule}`;
      const text = t(key, { positions: v.positions.join(', ') });
      return el('li', { text: text === key ? v.message : text, title: v.message });
    }))));
}

function renderCandidates(n, draft) {
  const box = clear($('nomination-candidates'));
  if (!n.candidates.length) {
    box.append(el('p', { text: t('party.no_candidates') }));
    return;
  }
  const move = (i, d) => {
    const pins = n.candidates.map((c) => c.pin);
    [pins[i], pins[i + d]] = [pins[i + d], pins[i]];
    nominationCall(sendJSON(`/api/v1/nominations/${n.id}/order`, { pins }, { method: 'PUT' }));
  };
  const remove = (c) => {
    const reason = draft ? '' : window.prompt(t('party.withdraw_reason')) || '';
    nominationCall(sendJSON(`/api/v1/nominations/${n.id}/candidates/${c.pin}?reason=${encodeURIComponent(reason)}`, undefined, { method: 'DELETE' }));
  };
  box.append(table({
    caption: t('talapker.candidates_caption'), stack: true,
    columns: [{ label: '№', num: true }, { label: t('talapker.name') }, { label: t('party.sex_age') }, { label: t('party.declared') }, { label: t('party.consent') }, { label: '' }],
    rows: n.candidates.map((c, i) => [
      String(c.position), c.withdrawn ? el('s', { text: c.name }) : c.name,
      `${c.sex === 'F' ? t('common.female') : t('common.male')}, ${c.age_on_election_day}`,
      [c.other_ethnicity ? t('party.other_ethnicity') : null, c.disability ? t('party.disability') : null, c.higher_education ? t('party.higher_education') : null].filter(Boolean).join(', ') || t('common.none'),
      badge(c.consent, 'party.consent_state'),
      el('span', { class: 'row-actions' },
        draft && n.kind === 'list' && i > 0 ? el('button', { type: 'button', class: 'button button--secondary button--small', text: '↑', 'aria-label': t('party.up'), onclick: () => move(i, -1) }) : null,
        draft && n.kind === 'list' && i < n.candidates.length - 1 ? el('button', { type: 'button', class: 'button button--secondary button--small', text: '↓', 'aria-label': t('party.down'), onclick: () => move(i, 1) }) : null,
        n.kind === 'list' && !c.withdrawn && !['withdrawn', 'refused'].includes(n.status)
          ? el('button', { type: 'button', class: 'button button--secondary button--small', text: draft ? t('party.remove') : t('party.withdraw_candidate'), onclick: () => remove(c) }) : null),
    ]),
  }));
}

async function upload(item, input) {
  const file = input.files && input.files[0];
  if (!file) return;
  const status = $('nomination-status');
  setStatus(status, t('party.uploading'), 'busy');
  const path = item.document ? `/api/v1/documents/${item.document.id}/versions` : `/api/v1/documents/${item.owner}/${item.owner_id}/${item.kind}`;
  try {
    await sendFile(path, file);
    await reloadNomination();
    setStatus(status, t('party.uploaded'));
  } catch (e) {
    say(status, e);
  }
}

function renderPackage(n, open) {
  const box = clear($('package'));
  const p = n.package;
  box.append(el('p', { text: p.complete ? t('party.package_complete') : t('party.package_missing', { n: p.missing }) }));
  box.append(table({
    caption: t('party.package_heading'), stack: true, cls: 'data package',
    columns: [{ label: t('party.whose') }, { label: t('party.document') }, { label: t('talapker.status') }, { label: '' }],
    rows: p.items.map((i) => {
      const input = el('input', { type: 'file', class: 'file-input', accept: '.pdf,.jpg,.jpeg,.png', 'aria-label': t('party.file_for', { what: label('doc_kind', i.kind) }) });
      input.addEventListener('change', () => upload(i, input));
      const d = i.document;
      return [
        i.position ? `№${i.position} ${i.candidate}` : t('party.the_nomination'),
        `${label('doc_kind', i.kind)}${i.required ? ' *' : ''}`,
        d ? el('span', {}, el('a', { href: `/api/v1/documents/${d.id}/file`, text: `v${d.version}` }), ' ',
          d.review ? badge(d.review, 'party.review') : null, d.comment ? ` ${d.comment}` : '')
          : el('span', { class: i.required ? 'badge badge--late' : 'badge', text: i.required ? t('party.missing') : t('party.optional') }),
        open ? input : '',
      ];
    }),
  }));
}

// ---- the fund ----

async function loadFund(id) {
  try {
    const f = await getJSON(`/api/v1/funds/${id}`);
    clear($('fund-summary')).append(dl([
      [t('talapker.income'), `${f.income} ${t('talapker.som')}`],
      [t('talapker.expenses'), `${f.expenses} ${t('talapker.som')}`],
      [t('talapker.report_interim'), f.reports[0].filed_at ? fmtDateTime(f.reports[0].filed_at) : t('talapker.report_due', { date: fmtDate(f.reports[0].due_at) })],
      [t('talapker.report_final'), f.reports[1].filed_at ? fmtDateTime(f.reports[1].filed_at) : t('talapker.report_due', { date: fmtDate(f.reports[1].due_at) })],
    ]), el('p', {}, el('a', { href: `/candidates/?election=${f.election_id}&tab=funds`, text: t('party.fund_public') })));
  } catch (e) {
    clear($('fund-summary')).append(el('p', { text: failureText(e) }));
  }
}

function fundErrors(e) {
  const box = clear($('fund-errors'));
  if (e && e.rows) box.append(el('ul', { class: 'rules notice notice--error' }, e.rows.map((r) => el('li', { text: `${t('party.line_n', { n: r.line })}: ${r.message}${r.article ? ` (${r.article})` : ''}` }))));
}

async function fundPost(path, body, type) {
  const status = $('nomination-status');
  fundErrors(null);
  try {
    const res = await fetch(path, { method: 'POST', body, credentials: 'same-origin', headers: { 'X-CSRF-Token': currentUser().csrf_token, 'Content-Type': type } });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      fundErrors(data.error);
      throw new ApiError('http', res.status, data.error?.code, data.error?.message || '');
    }
    setStatus(status, t('party.fund_added', { n: data.added ?? 1 }));
    loadFund(state.nomination.nomination.id);
  } catch (e) {
    say(status, e);
  }
}

function renderCategories() {
  const dir = $('line-direction').value;
  const sel = clear($('line-category'));
  for (const c of dir === 'income' ? SOURCES : ITEMS) sel.append(el('option', { value: c, text: label(dir === 'income' ? 'fund_source' : 'fund_item', c) }));
}

// ---- the page ----

function wire() {
  $('notify-form').addEventListener('submit', notify);
  $('rep-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    officeCall((base) => sendJSON(`${base}/representatives`, { pin: $('rep-pin').value.trim() }));
  });
  $('new-list').addEventListener('click', async () => {
    const o = state.office;
    try {
      const r = await sendJSON('/api/v1/nominations', { election_id: o.election_id, kind: 'list', party_id: o.party.id });
      await openOffice(o.election_id, o.party.id);
      showNomination(r);
    } catch (e) {
      say($('office-status'), e);
    }
  });
  $('district-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const o = state.office;
    setStatus($('office-status'), t('party.asking_register'), 'busy');
    try {
      const r = await sendJSON('/api/v1/nominations', { election_id: o.election_id, kind: 'district', party_id: o.party.id,
        district: Number($('district-number').value), pin: $('district-pin').value.trim(), higher_education: $('district-education').checked });
      setStatus($('office-status'), '');
      await openOffice(o.election_id, o.party.id);
      showNomination(r);
    } catch (e) {
      say($('office-status'), e);
    }
  });
  $('add-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    nominationCall(sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/candidates`, {
      pin: $('add-pin').value.trim(), higher_education: $('add-education').checked,
      other_ethnicity: $('add-ethnicity').checked, disability: $('add-disability').checked,
    }), t('party.added')).then((r) => { if (r) $('add-pin').value = ''; });
  });
  $('deposit-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    nominationCall(sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/deposit`, { payment_reference: $('deposit-ref').value.trim() }));
  });
  $('submit').addEventListener('click', () => nominationCall(sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/submit`, {}), t('party.submitted')));
  $('resubmit').addEventListener('click', () => nominationCall(sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/resubmit`, {})));
  $('withdraw').addEventListener('click', () => {
    if (!window.confirm(t('party.withdraw_confirm'))) return;
    nominationCall(sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/withdraw`, { reason: '' }));
  });
  $('line-direction').addEventListener('change', renderCategories);
  $('line-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { direction: $('line-direction').value, category: $('line-category').value, amount: $('line-amount').value.trim(), date: $('line-date').value };
    for (const [k, id] of [['counterparty', 'line-counterparty'], ['donor_id', 'line-donor'], ['description', 'line-description']]) if ($(id).value.trim()) body[k] = $(id).value.trim();
    fundPost(`/api/v1/nominations/${state.nomination.nomination.id}/fund/lines`, JSON.stringify(body), 'application/json');
  });
  $('csv-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = $('csv-file').files[0];
    if (f) fundPost(`/api/v1/nominations/${state.nomination.nomination.id}/fund/lines.csv`, f, 'text/csv');
  });
  for (const kind of ['interim', 'final']) {
    $(`report-${kind}`).addEventListener('click', async () => {
      try {
        await sendJSON(`/api/v1/nominations/${state.nomination.nomination.id}/fund/reports`, { kind });
        setStatus($('nomination-status'), t('party.report_filed'));
        loadFund(state.nomination.nomination.id);
      } catch (e) {
        say($('nomination-status'), e);
      }
    });
  }
}

async function main() {
  await initI18n();
  wire();
  const district = $('district-number');
  district.append(...Array.from({ length: 36 }, (_, i) => el('option', { value: String(i + 1), text: String(i + 1) })));
  renderCategories();
  $('line-date').value = todayISO();
  if (!(await startFrame(null))) return;
  try {
    const all = (await getJSON('/api/v1/elections')).items || [];
    state.elections = all.filter((e) => e.type === 'parliamentary' && (e.status === 'scheduled' || e.status === 'open'));
  } catch (e) {
    say($('notify-status'), e);
  }
  const sel = $('notify-election');
  for (const e of state.elections) sel.append(el('option', { value: String(e.id), text: `${fmtDate(e.date)} — ${nameOf(e)}` }));
  await loadMine();
  const q = new URLSearchParams(location.search);
  if (q.get('nomination')) openNomination(Number(q.get('nomination')));
}

main();
