// The biometric identification operator's desk: find a pending application
// by the applicant's PIN or its number, record the identification (device
// identifier, matched or not), see the day's register and send the summary
// register of identified applications to the TEC.
import { initI18n, onLangChange, t, fmtDate } from '/js/i18n.js';
import { getJSON, cached } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { startFrame, sendJSON, failureText, grants, fmtDateTime, label, apiFailed } from '/js/session.js';
import { appCard } from '/js/application-view.js';

const $ = (id) => document.getElementById(id);

const state = {
  query: null, // {pin} | {id}
  found: null, // [APP + voter]
  findError: null,
  findProblem: null, // {key, vars}: the query is malformed
  notes: {}, // application id -> {ok: true, key, vars} | {error: text}
  register: null, // {date, commission_id, items}
  registerError: null,
  sent: null, // {ok: register} | {warning: key} | {error: text}
  elections: [],
  busy: new Set(), // application ids being recorded
};

let started = false;

function renderScope() {
  const ids = grants('operator').map((g) => g.commission_id).filter(Boolean);
  $('userbar-scope').textContent = ids.length ? t('operator.scope', { id: ids.join(', ') }) : '';
}

// ---- finding ----

/* {pin} for 14 digits, {id} for a shorter number, or a problem. */
export function parseQuery(raw) {
  const s = raw.replace(/[\s-]/g, '');
  if (!s) return { problem: { key: 'operator.find_empty' } };
  if (/\D/.test(s.replace(/^№/, ''))) return { problem: { key: 'operator.find_not_digits' } };
  const d = s.replace(/^№/, '');
  if (d.length === 14) return { pin: d };
  if (d.length <= 12 && Number(d) > 0) return { id: String(Number(d)) };
  return { problem: { key: 'operator.find_bad', vars: { count: d.length } } };
}

async function find() {
  const q = state.query;
  state.found = null;
  state.findError = null;
  setStatus($('find-status'), t('operator.finding'), 'busy');
  clear($('find-results'));
  try {
    const data = await getJSON(`/api/v1/biometrics/applications?${q.pin ? `pin=${q.pin}` : `id=${q.id}`}`);
    state.found = Array.isArray(data.items) ? data.items : [];
  } catch (e) {
    if (apiFailed(e)) return;
    if (e.status === 404) state.found = [];
    else state.findError = e;
  }
  renderFound();
}

function renderFindProblem() {
  const box = $('find-error');
  const input = $('find-q');
  const p = state.findProblem;
  box.textContent = p ? t(p.key, p.vars) : '';
  box.hidden = !p;
  input.setAttribute('aria-invalid', p ? 'true' : 'false');
}

function renderFound() {
  const box = clear($('find-results'));
  const status = $('find-status');
  renderFindProblem();
  if (state.findError) {
    setStatus(status, failureText(state.findError), 'error');
    return;
  }
  if (!state.found) {
    setStatus(status, '');
    return;
  }
  if (!state.found.length) {
    setStatus(status, t(state.query && state.query.pin ? 'operator.none_pin' : 'operator.none_id'));
    return;
  }
  setStatus(status, t('operator.found', { count: state.found.length }));
  for (const a of state.found) box.append(appCard(a, { elections: state.elections, voter: true, historyOpen: false, extra: [identifyBlock(a)] }));
}

function noteNode(id) {
  const n = state.notes[id];
  if (!n) return null;
  if (n.ok) return el('p', { class: 'notice notice--ok ident-note', role: 'status', text: t(n.key, n.vars) });
  return el('p', { class: 'notice notice--error ident-note', role: 'alert', text: n.error });
}

/* The form that records an identification, or what was recorded. */
function identifyBlock(a) {
  if (a.status !== 'awaiting_identification') {
    return state.notes[a.id] ? el('div', { class: 'ident' }, noteNode(a.id)) : null;
  }
  const deviceId = `device-${a.id}`;
  const errId = `device-${a.id}-error`;
  const hintId = `device-${a.id}-hint`;
  const busy = state.busy.has(a.id);
  const form = el(
    'form',
    { class: 'form ident', id: `ident-${a.id}`, novalidate: true, autocomplete: 'off', dataset: { id: String(a.id) } },
    el('h4', { text: t('operator.ident_heading') }),
    el(
      'div',
      { class: 'field' },
      el('label', { for: deviceId, text: t('operator.device_label') }),
      el('p', { class: 'hint', id: hintId, text: t('operator.device_hint') }),
      el('input', { id: deviceId, name: 'device_id', type: 'text', inputmode: 'numeric', maxlength: '24', spellcheck: 'false', class: 'mono device-input', 'aria-describedby': `${hintId} ${errId}`, 'aria-invalid': 'false' }),
      el('p', { class: 'field-error', id: errId, hidden: true }),
    ),
    el(
      'fieldset',
      { class: 'field choice choice--inline', id: `matched-${a.id}` },
      el('legend', { text: t('operator.matched_legend') }),
      el('label', { class: 'choice__item' }, el('input', { type: 'radio', name: 'matched', value: 'yes' }), el('span', { text: t('operator.matched_yes') })),
      el('label', { class: 'choice__item' }, el('input', { type: 'radio', name: 'matched', value: 'no' }), el('span', { text: t('operator.matched_no') })),
      el('p', { class: 'field-error', id: `matched-${a.id}-error`, hidden: true }),
    ),
    el('div', { class: 'form__actions' }, el('button', { type: 'submit', class: 'button', disabled: busy, text: t(busy ? 'operator.recording' : 'operator.record') })),
    noteNode(a.id),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    identify(a, form);
  });
  form.querySelector('input[name="device_id"]').addEventListener('input', (e) => {
    if (e.target.getAttribute('aria-invalid') === 'true') {
      e.target.setAttribute('aria-invalid', 'false');
      form.querySelector(`#${errId}`).hidden = true;
    }
  });
  return form;
}

function fieldError(form, input, box, text) {
  box.textContent = text;
  box.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

async function identify(a, form) {
  const input = form.querySelector('input[name="device_id"]');
  const device = input.value.replace(/[\s-]/g, '');
  const matchedInput = form.querySelector('input[name="matched"]:checked');
  const devErr = form.querySelector(`#device-${a.id}-error`);
  const mErr = form.querySelector(`#matched-${a.id}-error`);
  devErr.hidden = true;
  mErr.hidden = true;
  if (!/^\d{20}$/.test(device)) {
    fieldError(form, input, devErr, t(/\D/.test(device) ? 'operator.device_not_digits' : 'operator.device_bad', { count: device.length }));
    return;
  }
  if (!matchedInput) {
    fieldError(form, form.querySelector('input[name="matched"]'), mErr, t('operator.matched_required'));
    return;
  }
  const matched = matchedInput.value === 'yes';
  state.busy.add(a.id);
  form.querySelector('button[type="submit"]').disabled = true;
  form.querySelector('button[type="submit"]').textContent = t('operator.recording');
  try {
    const data = await sendJSON('/api/v1/biometrics/identifications', { application_id: a.id, device_id: device, matched });
    const updated = { ...a, ...(data.application || {}), voter: a.voter };
    state.found = state.found.map((x) => (x.id === a.id ? updated : x));
    state.notes[a.id] = { ok: true, key: matched ? 'operator.recorded_ok' : 'operator.recorded_failed', vars: { id: a.id } };
  } catch (e) {
    state.busy.delete(a.id);
    if (apiFailed(e)) return;
    if (e.status === 400 && e.field === 'device_id') {
      state.notes[a.id] = { error: t('operator.device_bad', { count: device.length }) };
    } else if (e.status === 422 && e.field === 'device_id') {
      // Not a working device of this commission: said under the field, the number kept to correct.
      state.busy.delete(a.id);
      form.querySelector('button[type="submit"]').disabled = false;
      form.querySelector('button[type="submit"]').textContent = t('operator.record');
      const key = `operator.err.${e.code}`;
      fieldError(form, input, devErr, t(key) === key ? failureText(e) : t(key));
      return;
    } else if (e.status === 409 || e.status === 404) {
      state.notes[a.id] = { error: t(`operator.err.${e.code}`) === `operator.err.${e.code}` ? failureText(e) : t(`operator.err.${e.code}`) };
    } else {
      state.notes[a.id] = { error: failureText(e) };
    }
  }
  state.busy.delete(a.id);
  renderFound();
  const card = $(`app-${a.id}`);
  const note = card && card.querySelector('.ident-note');
  if (note) {
    note.tabIndex = -1;
    note.focus();
  }
  loadRegister($('register-date').value || null);
}

// ---- the day's register ----

async function loadRegister(date) {
  setStatus($('register-status'), t('common.loading'), 'busy');
  try {
    state.register = await getJSON(`/api/v1/biometrics/register${date ? `?date=${encodeURIComponent(date)}` : ''}`);
    state.registerError = null;
    if (!date && state.register.date) $('register-date').value = String(state.register.date).slice(0, 10);
  } catch (e) {
    if (apiFailed(e)) return;
    state.registerError = e;
  }
  renderRegister();
}

function photoCell(photo, name) {
  if (typeof photo === 'string' && (/^data:image\//.test(photo) || photo.startsWith('/'))) {
    return el('img', { class: 'photo', src: photo, alt: t('operator.photo_of', { name }), width: '48', height: '60' });
  }
  return el('span', { class: 'photo photo--none', role: 'img', 'aria-label': t('operator.photo_none') }, el('span', { 'aria-hidden': 'true', text: t('operator.photo_none') }));
}

function renderRegister() {
  const box = clear($('register-table'));
  const status = $('register-status');
  if (state.registerError) {
    setStatus(status, failureText(state.registerError), 'error');
    return;
  }
  const r = state.register;
  if (!r) return;
  const items = Array.isArray(r.items) ? r.items : [];
  if (!items.length) {
    setStatus(status, t('operator.register_empty', { date: fmtDate(r.date) }));
    return;
  }
  setStatus(status, t('operator.register_count', { date: fmtDate(r.date), count: items.length }));
  box.append(
    table({
      caption: t('operator.register_caption', { date: fmtDate(r.date) }),
      showCaption: true,
      stack: true,
      columns: [
        { label: t('operator.col_name') },
        { label: t('operator.col_photo') },
        { label: t('operator.col_device') },
        { label: t('operator.col_at') },
        { label: t('operator.col_status') },
      ],
      rows: items.map((i) => [
        el('span', {}, el('span', { class: 'reg-name', text: i.name }), el('span', { class: 'muted reg-app', dataset: { app: String(i.application_id) }, text: ` · ${t('app.number', { id: i.application_id })}` })),
        photoCell(i.photo, i.name),
        el('span', { class: 'mono reg-device', text: i.device_id }),
        el('time', { datetime: i.at, text: fmtDateTime(i.at) }),
        el(
          'span',
          { class: 'reg-status' },
          el('span', { class: `badge badge--${i.status}`, dataset: { status: i.status }, text: label('app.status', i.status) }),
          i.matched === false ? el('span', { class: 'badge badge--rejected', text: t('operator.not_matched') }) : null,
        ),
      ]),
    }),
  );
}

// ---- sending the register ----

async function sendRegister() {
  const button = $('send-register');
  button.disabled = true;
  button.textContent = t('operator.sending');
  state.sent = null;
  renderSent();
  try {
    const data = await sendJSON('/api/v1/biometrics/registers', {});
    state.sent = { ok: data.register };
  } catch (e) {
    if (apiFailed(e)) {
      button.disabled = false;
      return;
    }
    if (e.status === 422 && e.code === 'nothing_to_send') state.sent = { warning: 'operator.nothing_to_send' };
    else state.sent = { error: failureText(e) };
  }
  button.disabled = false;
  button.textContent = t('operator.send');
  renderSent();
  $('send-result').focus();
  loadRegister($('register-date').value || null);
}

function renderSent() {
  const box = clear($('send-result'));
  const s = state.sent;
  if (!s) return;
  if (s.ok) {
    const n = Array.isArray(s.ok.applications) ? s.ok.applications.length : 0;
    box.append(
      el(
        'div',
        { class: 'notice notice--ok', id: 'send-ok' },
        el('p', { text: t('operator.sent', { id: s.ok.id, count: n, at: fmtDateTime(s.ok.formed_at) }) }),
        n ? el('p', { class: 'hint', text: t('operator.sent_list', { ids: s.ok.applications.map((x) => `№${x}`).join(', ') }) }) : null,
      ),
    );
  } else if (s.warning) {
    box.append(el('p', { class: 'notice notice--warning', id: 'send-nothing', text: t(s.warning) }));
  } else {
    box.append(el('p', { class: 'notice notice--error', text: s.error }));
  }
}

// ---- wiring ----

function wire() {
  $('find-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = parseQuery($('find-q').value);
    if (q.problem) {
      state.findProblem = q.problem;
      renderFindProblem();
      $('find-q').focus();
      return;
    }
    state.findProblem = null;
    state.query = q;
    state.notes = {};
    find();
  });
  $('find-q').addEventListener('input', () => {
    if (state.findProblem) {
      state.findProblem = null;
      renderFindProblem();
    }
  });
  $('register-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadRegister($('register-date').value || null);
  });
  $('register-date').addEventListener('change', () => {
    if ($('register-date').value) loadRegister($('register-date').value);
  });
  $('send-register').addEventListener('click', sendRegister);
  onLangChange(() => {
    if (!started) return;
    renderScope();
    renderFound();
    renderRegister();
    renderSent();
  });
  document.addEventListener('shailoo:signedout', () => {
    started = false;
  });
}

async function main() {
  await initI18n();
  wire();
  const me = await startFrame('operator');
  if (!me) return;
  started = true;
  renderScope();
  cached('/api/v1/elections')
    .then((d) => {
      state.elections = Array.isArray(d.items) ? d.items : [];
      if (state.found) renderFound();
    })
    .catch((e) => console.warn('elections list unavailable', e));
  await loadRegister(null);
}

main().catch((e) => console.error('the operator page failed to start', e));
