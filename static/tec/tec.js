// The TEC system administrator's desk: the registers the operators sent,
// the applications of one register, and a decision on each (approve, or
// reject with a reason). An approved move changes the voter's station.
import { initI18n, onLangChange, t, fmtInt } from '/js/i18n.js';
import { getJSON, cached } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { startFrame, sendJSON, failureText, grants, fmtDateTime, apiFailed } from '/js/session.js';
import { appCard } from '/js/application-view.js';
import { wireBoundaries } from './boundaries.js';

const $ = (id) => document.getElementById(id);
const DECIDE_DAYS = 7;

const state = {
  registers: null,
  registersError: null,
  openId: null,
  register: null, // {id, commission_id, formed_at, applications: [APP + voter]}
  registerError: null,
  notes: {}, // application id -> {ok: key, vars} | {error: text}
  reasons: {}, // application id -> text typed (kept across redraws)
  reasonErrors: {}, // application id -> key
  busy: new Set(),
  elections: [],
};

let started = false;

function renderScope() {
  const ids = grants('tec_admin').map((g) => g.commission_id).filter(Boolean);
  $('userbar-scope').textContent = ids.length ? t('operator.scope', { id: ids.join(', ') }) : '';
}

// ---- registers ----

async function loadRegisters() {
  setStatus($('registers-status'), t('common.loading'), 'busy');
  try {
    const data = await getJSON('/api/v1/tec/registers');
    state.registers = Array.isArray(data.items) ? data.items : [];
    state.registersError = null;
  } catch (e) {
    if (apiFailed(e)) return;
    if (e.status === 404 && e.code !== 'not_found') state.registersError = e;
    else if (e.status === 404) state.registers = [];
    else state.registersError = e;
  }
  renderRegisters();
}

function renderRegisters() {
  const box = clear($('registers-table'));
  const status = $('registers-status');
  if (state.registersError) {
    setStatus(status, failureText(state.registersError), 'error');
    return;
  }
  if (!state.registers) return;
  if (!state.registers.length) {
    setStatus(status, t('tec.registers_empty'));
    return;
  }
  const pending = state.registers.reduce((n, r) => n + (Number(r.pending) || 0), 0);
  setStatus(status, t('tec.registers_count', { count: state.registers.length, pending }));
  box.append(
    table({
      caption: t('tec.registers_caption'),
      stack: true,
      columns: [
        { label: t('tec.col_id') },
        { label: t('tec.col_formed') },
        { label: t('tec.col_apps'), num: true },
        { label: t('tec.col_pending'), num: true },
        { label: t('tec.col_action') },
      ],
      rows: state.registers.map((r) => [
        t('tec.register_n', { id: r.id }),
        el('time', { datetime: r.formed_at, text: fmtDateTime(r.formed_at) }),
        fmtInt(r.applications),
        Number(r.pending) > 0 ? el('strong', { class: 'pending-count', text: fmtInt(r.pending) }) : fmtInt(r.pending),
        el('button', {
          type: 'button',
          class: `button button--small${Number(r.pending) > 0 ? '' : ' button--secondary'}`,
          dataset: { register: String(r.id) },
          'aria-label': t('tec.open_n', { id: r.id }),
          text: t('tec.open'),
          onclick: () => openRegister(r.id, { focus: true }),
        }),
      ]),
    }),
  );
}

// ---- one register ----

async function openRegister(id, { focus = false } = {}) {
  state.openId = id;
  state.register = null;
  state.registerError = null;
  state.notes = {};
  if (location.hash !== `#register-${id}`) history.replaceState(null, '', `#register-${id}`);
  $('register').hidden = false;
  renderRegister();
  setStatus($('register-status'), t('common.loading'), 'busy');
  if (focus) $('register').focus();
  await reloadRegister();
  if (focus) $('register').scrollIntoView({ block: 'start' });
}

async function reloadRegister() {
  const id = state.openId;
  try {
    const data = await getJSON(`/api/v1/tec/registers/${id}`);
    if (state.openId !== id) return;
    state.register = data.register;
    state.registerError = null;
  } catch (e) {
    if (apiFailed(e)) return;
    state.registerError = e;
  }
  renderRegister();
}

function closeRegister() {
  state.openId = null;
  state.register = null;
  $('register').hidden = true;
  history.replaceState(null, '', location.pathname);
  const b = document.querySelector('#registers-table button[data-register]');
  if (b) b.focus();
  else $('registers-heading').focus();
}

function addDaysIso(iso, n) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Date(d.getTime() + n * 86400000).toISOString();
}

function renderRegister() {
  const heading = $('register-heading');
  const status = $('register-status');
  const summary = clear($('register-summary'));
  const box = clear($('register-apps'));
  if (state.openId == null) return;
  const r = state.register;
  heading.textContent = r ? t('tec.register_heading', { id: r.id, at: fmtDateTime(r.formed_at) }) : t('tec.register_n', { id: state.openId });
  if (state.registerError) {
    setStatus(status, state.registerError.status === 404 ? t('tec.register_not_found') : failureText(state.registerError), 'error');
    return;
  }
  if (!r) return;
  setStatus(status, '');
  const apps = Array.isArray(r.applications) ? r.applications : [];
  const pending = apps.filter((a) => a.status === 'in_register').length;
  summary.append(el('p', {}, t('tec.register_summary', { count: apps.length, pending })));
  if (pending) summary.append(el('p', { class: 'hint', text: t('tec.deadline', { date: fmtDateTime(addDaysIso(r.formed_at, DECIDE_DAYS)) }) }));
  for (const a of apps) {
    box.append(appCard(a, { elections: state.elections, voter: true, historyOpen: false, extra: [decisionBlock(a)] }));
  }
}

function noteNode(id) {
  const n = state.notes[id];
  if (!n) return null;
  if (n.ok) return el('p', { class: 'notice notice--ok decision-note', role: 'status', text: t(n.ok, n.vars) });
  return el('p', { class: 'notice notice--error decision-note', role: 'alert', text: n.error });
}

function decisionBlock(a) {
  if (a.status !== 'in_register') return state.notes[a.id] ? el('div', { class: 'decision' }, noteNode(a.id)) : null;
  const busy = state.busy.has(a.id);
  const reasonId = `reason-${a.id}`;
  const errId = `reason-${a.id}-error`;
  const hintId = `reason-${a.id}-hint`;
  const reasonErr = state.reasonErrors[a.id];
  const reason = el('textarea', {
    id: reasonId,
    rows: '2',
    maxlength: '1000',
    'aria-describedby': `${hintId} ${errId}`,
    'aria-invalid': reasonErr ? 'true' : 'false',
  });
  reason.value = state.reasons[a.id] || '';
  reason.addEventListener('input', () => {
    state.reasons[a.id] = reason.value;
    if (state.reasonErrors[a.id]) {
      delete state.reasonErrors[a.id];
      reason.setAttribute('aria-invalid', 'false');
      const box = document.getElementById(errId);
      if (box) box.hidden = true;
    }
  });
  return el(
    'div',
    { class: 'decision', id: `decision-${a.id}`, role: 'group', 'aria-label': t('tec.decision_n', { id: a.id }) },
    el('h4', { text: t('tec.decision') }),
    el(
      'div',
      { class: 'decision__approve' },
      el('button', { type: 'button', class: 'button button--ok', disabled: busy, dataset: { action: 'approve' }, text: t('tec.approve'), onclick: () => decide(a, true) }),
      el('span', { class: 'hint', text: t(a.kind === 'correction' ? 'tec.approve_hint_correction' : 'tec.approve_hint_move', { to: a.station_to }) }),
    ),
    el(
      'div',
      { class: 'field decision__reject' },
      el('label', { for: reasonId, text: t('tec.reject_reason_label') }),
      el('p', { class: 'hint', id: hintId, text: t('tec.reject_reason_hint') }),
      reason,
      el('p', { class: 'field-error', id: errId, hidden: !reasonErr, text: reasonErr ? t(reasonErr) : '' }),
      el('button', { type: 'button', class: 'button button--danger', disabled: busy, dataset: { action: 'reject' }, text: t('tec.reject'), onclick: () => decide(a, false) }),
    ),
    noteNode(a.id),
  );
}

async function decide(a, approve) {
  const reason = (state.reasons[a.id] || '').trim();
  if (!approve && !reason) {
    state.reasonErrors[a.id] = 'tec.reason_required';
    renderRegister();
    const input = $(`reason-${a.id}`);
    if (input) input.focus();
    return;
  }
  state.busy.add(a.id);
  renderRegister();
  const body = approve ? { approve: true } : { approve: false, reason };
  if (approve && reason) body.reason = reason;
  try {
    const data = await sendJSON(`/api/v1/tec/applications/${a.id}/decision`, body);
    const updated = { ...a, ...(data.application || {}), voter: a.voter };
    state.register.applications = state.register.applications.map((x) => (x.id === a.id ? updated : x));
    state.notes[a.id] = { ok: approve ? 'tec.approved' : 'tec.rejected', vars: { id: a.id } };
    delete state.reasons[a.id];
  } catch (e) {
    state.busy.delete(a.id);
    if (apiFailed(e)) return;
    if (e.status === 409) {
      state.notes[a.id] = { error: t(`tec.err.${e.code}`) === `tec.err.${e.code}` ? failureText(e) : t(`tec.err.${e.code}`) };
      await reloadRegister();
    } else if (e.status === 400 && e.code === 'reason_required') {
      state.reasonErrors[a.id] = 'tec.reason_required';
    } else {
      state.notes[a.id] = { error: failureText(e) };
    }
  }
  state.busy.delete(a.id);
  renderRegister();
  const note = document.querySelector(`#app-${a.id} .decision-note`);
  if (note) {
    note.tabIndex = -1;
    note.focus();
  }
  loadRegisters();
}

// ---- wiring ----

function wire() {
  $('registers-refresh').addEventListener('click', () => {
    loadRegisters();
    if (state.openId != null) reloadRegister();
  });
  $('register-back').addEventListener('click', closeRegister);
  wireBoundaries();
  onLangChange(() => {
    if (!started) return;
    renderScope();
    renderRegisters();
    renderRegister();
  });
  document.addEventListener('shailoo:signedout', () => {
    started = false;
  });
}

async function main() {
  await initI18n();
  wire();
  const me = await startFrame('tec_admin');
  if (!me) return;
  started = true;
  renderScope();
  try {
    const d = await cached('/api/v1/elections');
    state.elections = Array.isArray(d.items) ? d.items : [];
  } catch (e) {
    console.warn('elections list unavailable', e);
  }
  const m = /^#register-(\d+)$/.exec(location.hash);
  await loadRegisters();
  if (m) openRegister(Number(m[1]));
}

main().catch((e) => console.error('the TEC page failed to start', e));
