// The voter's cabinet: my data from the population registry, my station,
// the upcoming elections, an application for a change in the list, my
// applications with their history, my station moves and the memo.
// Everything on screen is drawn from state, so a language switch redraws it.
import { initI18n, onLangChange, t, nameOf, fmtDate, fmtInt } from '/js/i18n.js';
import { getJSON, latest, isAbort, cached } from '/js/api.js';
import { el, clear, dl, table, setStatus } from '/js/dom.js';
import { createMap, hasCoords, stationMarker } from '/js/map.js';
import { startFrame, sendJSON, failureText, sessionEnded, roleRefused, fmtDateTime, addDays, todayISO, label, apiFailed } from '/js/session.js';
import { appCard, isPending, electionName } from '/js/application-view.js';
import { stationFacts, stationPopup, isStation } from '/tizme/station-view.js';

const OPENS_DAYS = 70; // applications are taken from 70 days before voting
const FINAL_DAYS = 7; // final lists are posted 7 days before voting
const REASON_MAX = 1000;

const $ = (id) => document.getElementById(id);

const state = {
  cabinet: null, // GET /api/v1/cabinet
  cabinetError: null,
  apps: null, // [APP]
  appsError: null,
  moves: null, // [{at, from_station, to_station, application_id}]
  movesError: null,
  elections: [], // every election, for names
  // the application form
  search: { q: '', page: 1, result: null, busy: false }, // result: {items, page, per_page, total} | {error}
  chosen: null, // STATION
  fieldErrors: {}, // field -> {key, vars} or {text}
  result: null, // {ok: APP} | {error: {key, vars} | {text}}
  sending: false,
};

let map = null;
let started = false;

// ---- loading ----

async function loadCabinet() {
  setStatus($('cabinet-status'), t('common.loading'), 'busy');
  try {
    state.cabinet = await getJSON('/api/v1/cabinet');
    state.cabinetError = null;
  } catch (e) {
    if (apiFailed(e)) return;
    state.cabinetError = e;
  }
  setStatus($('cabinet-status'), state.cabinetError ? failureText(state.cabinetError) : '', state.cabinetError ? 'error' : '');
  renderProfile();
  renderStation();
  renderElections();
  renderApplyForm();
  renderMemoDates();
}

async function loadApplications() {
  setStatus($('applications-status'), t('common.loading'), 'busy');
  try {
    const data = await getJSON('/api/v1/cabinet/applications');
    state.apps = Array.isArray(data.items) ? data.items : [];
    state.appsError = null;
  } catch (e) {
    if (apiFailed(e)) return;
    state.appsError = e;
  }
  renderApplications();
  renderApplyForm();
}

async function loadMoves() {
  try {
    const data = await getJSON('/api/v1/cabinet/history');
    state.moves = Array.isArray(data.items) ? data.items : [];
    state.movesError = null;
  } catch (e) {
    if (apiFailed(e)) return;
    state.movesError = e;
  }
  renderMoves();
}

async function loadElectionNames() {
  try {
    const data = await cached('/api/v1/elections');
    state.elections = Array.isArray(data.items) ? data.items : [];
  } catch (e) {
    console.warn('elections list unavailable', e);
  }
}

function allElections() {
  const mine = (state.cabinet && state.cabinet.elections) || [];
  const rest = state.elections.filter((e) => !mine.some((m) => m.id === e.id));
  return [...mine, ...rest];
}

// ---- profile ----

/* When the registry was asked (the cabinet keeps its answer a few minutes): "just now" or "N min ago". */
function registryAge(p) {
  if (!p.registry_checked_at || !Number.isInteger(p.registry_age_s)) return null;
  const at = fmtDateTime(p.registry_checked_at);
  const text = p.registry_age_s < 60
    ? t('cabinet.registry_checked_now', { at })
    : t('cabinet.registry_checked_ago', { min: Math.floor(p.registry_age_s / 60), at });
  return el('p', { class: 'hint', id: 'registry-age', text });
}

function renderProfile() {
  const box = clear($('profile-body'));
  const c = state.cabinet;
  if (!c) return;
  const p = c.profile || {};
  if (p.registry_status === 'unavailable') {
    box.append(
      el('p', { class: 'profile-name' }, el('strong', { text: p.name || '' })),
      el(
        'div',
        { class: 'notice notice--warning', id: 'registry-unavailable', role: 'note' },
        el('h3', { text: t('cabinet.registry_unavailable_title') }),
        el('p', { text: t('cabinet.registry_unavailable') }),
      ),
    );
    return;
  }
  if (p.registry_status === 'not_found' || !p.registry) {
    box.append(
      el('p', { class: 'profile-name' }, el('strong', { text: p.name || '' })),
      el(
        'div',
        { class: 'notice notice--warning', id: 'registry-not-found', role: 'note' },
        el('h3', { text: t('cabinet.registry_not_found_title') }),
        el('p', { text: t('cabinet.registry_not_found') }),
        registryAge(p),
      ),
    );
    return;
  }
  const r = p.registry;
  const a = r.registered_address || {};
  const pass = r.passport || {};
  const full = [r.last_name, r.first_name, r.patronymic].filter(Boolean).join(' ');
  box.append(
    el(
      'div',
      { class: 'card profile' },
      dl([
        [t('cabinet.full_name'), el('strong', { class: 'profile-name', text: full || p.name || '' })],
        [t('cabinet.pin'), el('span', { class: 'mono', text: r.pin })],
        [t('cabinet.birth_date'), r.birth_date ? fmtDate(r.birth_date) : null],
        [t('cabinet.sex'), r.sex ? label('cabinet.sex_value', r.sex) : null],
        [t('cabinet.address'), a.street_address || [a.region, a.settlement].filter(Boolean).join(', ') || null],
        [t('cabinet.passport'), pass.number ? `${pass.series || ''} ${pass.number}`.trim() : null],
        [t('cabinet.passport_valid'), pass.valid_until ? fmtDate(pass.valid_until) : null],
        [t('cabinet.deceased'), r.deceased ? t('cabinet.deceased_yes') : null],
      ]),
      el('p', { class: 'hint', text: t('cabinet.profile_source') }),
      registryAge(p),
    ),
  );
}

// ---- my station ----

function dropMap() {
  if (map) map.remove();
  map = null;
}

function renderStation() {
  dropMap();
  const box = clear($('station-body'));
  const c = state.cabinet;
  if (!c) return;
  const v = c.voter;
  if (!v || !isStation(v.station)) {
    box.append(
      el(
        'div',
        { class: 'notice notice--warning', id: 'not-on-list', role: 'note' },
        el('h3', { text: t('check.not_on_list_title') }),
        el('p', { text: t('cabinet.not_on_list') }),
      ),
    );
    return;
  }
  const s = v.station;
  const active = v.status === 'active';
  const card = el(
    'article',
    { class: `card ${active ? 'card--ok' : 'card--warning'}`, id: 'my-station' },
    el('h3', { class: 'card__title', text: t('check.your_station_n', { number: s.number }) }),
    dl([[t('check.status'), label('check', `status_${v.status}`).replace(/^status_/, '')]]),
    stationFacts(s),
  );
  box.append(card);
  if (hasCoords(s)) {
    const mapEl = el('div', { class: 'map map--station', id: 'station-map', role: 'region', 'aria-label': t('station.map_label', { number: s.number }) });
    card.append(mapEl);
    map = createMap(mapEl);
    if (map) {
      stationMarker(s, { active: true }).bindPopup(stationPopup(s)).addTo(map);
      map.setView([s.lat, s.lon], s.abroad ? 14 : 15);
    }
  }
}

// ---- elections ----

function windowOf(e) {
  const opens = addDays(e.date, -OPENS_DAYS);
  const closes = e.application_deadline || addDays(e.date, -15);
  const today = todayISO();
  let stateKey;
  if (e.applications_open) stateKey = 'open';
  else if (opens && today < opens) stateKey = 'not_yet';
  else stateKey = 'closed';
  return { opens, closes, final: addDays(e.date, -FINAL_DAYS), stateKey };
}

function renderElections() {
  const box = clear($('elections-body'));
  const c = state.cabinet;
  if (!c) return;
  const list = Array.isArray(c.elections) ? c.elections : [];
  if (!list.length) {
    box.append(el('p', { class: 'muted', text: t('cabinet.elections_empty') }));
    return;
  }
  box.append(
    el(
      'div',
      { class: 'table-wrap' },
      table({
        caption: t('cabinet.elections_caption'),
        stack: true,
        columns: [
          { label: t('home.col_date') },
          { label: t('home.col_name') },
          { label: t('cabinet.col_window') },
          { label: t('cabinet.col_applications') },
          { label: t('cabinet.col_final') },
        ],
        rows: list.map((e) => {
          const w = windowOf(e);
          return [
            el('span', { class: 'nowrap', text: fmtDate(e.date) }),
            el('span', { class: 'election-name' }, nameOf(e), el('span', { class: 'muted' }, ` · ${label('election_type', e.type)}`)),
            el('span', {}, t('cabinet.window', { from: fmtDate(w.opens), to: fmtDate(w.closes) })),
            el('span', { class: `badge badge--${w.stateKey === 'open' ? 'approved' : w.stateKey === 'not_yet' ? 'identified' : 'other'}`, dataset: { election: String(e.id) }, text: t(`cabinet.applications_${w.stateKey}`) }),
            el('span', { class: 'nowrap', text: fmtDate(w.final) }),
          ];
        }),
      }),
    ),
  );
}

function renderMemoDates() {
  const box = clear($('memo-dates'));
  const list = (state.cabinet && state.cabinet.elections) || [];
  for (const e of list) {
    const w = windowOf(e);
    box.append(
      el('p', { class: 'memo__dates' }, t('memo.for_election', { name: nameOf(e), date: fmtDate(e.date), from: fmtDate(w.opens), to: fmtDate(w.closes), final: fmtDate(w.final) })),
    );
  }
}

// ---- the application form ----

function kind() {
  const checked = document.querySelector('#apply-kind input[name="kind"]:checked');
  return checked ? checked.value : 'move_home';
}

function pendingApp() {
  return (state.apps || []).find(isPending) || null;
}

function currentStation() {
  const v = state.cabinet && state.cabinet.voter;
  return v && v.station ? v.station : null;
}

function fillElections() {
  const sel = $('apply-election');
  const keep = sel.value;
  const list = (state.cabinet && state.cabinet.elections) || [];
  sel.replaceChildren();
  const open = list.filter((e) => e.applications_open);
  if (open.length !== 1) sel.append(el('option', { value: '', text: t('apply.election_choose') }));
  for (const e of list) {
    const suffix = e.applications_open ? '' : ` — ${t('apply.election_closed')}`;
    sel.append(el('option', { value: String(e.id), disabled: !e.applications_open, text: `${nameOf(e)} (${fmtDate(e.date)})${suffix}` }));
  }
  if ([...sel.options].some((o) => o.value === keep && !o.disabled)) sel.value = keep;
  else if (open.length === 1) sel.value = String(open[0].id);
  electionHint();
}

function electionHint() {
  const sel = $('apply-election');
  const hint = $('apply-election-hint');
  const e = ((state.cabinet && state.cabinet.elections) || []).find((x) => String(x.id) === sel.value);
  hint.textContent = e ? t('apply.election_hint', { deadline: fmtDate(windowOf(e).closes) }) : '';
  hint.hidden = !e;
}

function renderApplyForm() {
  const c = state.cabinet;
  const blocked = $('apply-blocked');
  const fields = $('apply-fields');
  fillElections();
  // what stops an application now, if anything
  let why = null;
  const pending = pendingApp();
  if (c && !c.voter) why = el('p', { text: t('apply.blocked_not_on_list') });
  else if (pending) {
    why = el('p', {}, t('apply.blocked_pending', { id: pending.id }), ' ', el('a', { href: `#app-${pending.id}`, text: t('apply.blocked_pending_link') }));
  } else if (c && !(c.elections || []).some((e) => e.applications_open)) why = el('p', { text: t('apply.blocked_no_election') });
  clear(blocked);
  if (why) blocked.append(why);
  blocked.hidden = !why;
  fields.disabled = Boolean(why) || !c || state.sending;
  // nothing to fill in while an application cannot be made: only the reason is shown
  $('apply-form').hidden = Boolean(why);
  $('apply-submit').textContent = t(state.sending ? 'apply.sending' : 'apply.submit');

  // station choice: moves only
  const k = kind();
  $('apply-station').hidden = k === 'correction';
  $('apply-station-q-hint').textContent = t(k === 'move_abroad' ? 'apply.station_q_hint_abroad' : 'apply.station_q_hint');
  renderChosen();
  renderSearch();
  renderReasonCount();
  renderFieldErrors();
  renderResult();
}

function renderChosen() {
  const box = clear($('apply-station-chosen'));
  const s = state.chosen;
  $('apply-station-search').hidden = Boolean(s);
  if (!s) return;
  const where = s.abroad ? s.country || t('common.abroad') : s.region ? nameOf(s.region) : '';
  box.append(
    el(
      'div',
      { class: 'chosen', id: 'apply-chosen', dataset: { number: String(s.number) } },
      el('p', { class: 'chosen__title' }, el('strong', { text: t('apply.station_chosen', { number: s.number }) })),
      el('p', { class: 'chosen__name', text: s.name }),
      el('p', { class: 'muted', text: [s.address, where].filter(Boolean).join(' · ') }),
      el('button', { type: 'button', class: 'button button--secondary button--small', id: 'apply-station-change', text: t('apply.station_change'), onclick: unchoose }),
    ),
  );
}

function renderSearch() {
  const list = clear($('apply-station-list'));
  const status = $('apply-station-status');
  const pager = $('apply-station-pager');
  const r = state.search.result;
  pager.hidden = true;
  if (state.search.busy) {
    setStatus(status, t('stations.searching'), 'busy');
    return;
  }
  if (!r) {
    setStatus(status, '');
    return;
  }
  if (r.error) {
    setStatus(status, failureText(r.error), 'error');
    return;
  }
  if (!r.items.length) {
    setStatus(status, t('stations.none'));
    return;
  }
  const pages = Math.max(1, Math.ceil(r.total / r.per_page));
  setStatus(status, t('stations.found', { total: fmtInt(r.total), page: r.page, pages }));
  const mine = currentStation();
  for (const s of r.items) {
    const where = s.abroad ? s.country || t('common.abroad') : s.region ? nameOf(s.region) : '';
    const isMine = mine && mine.number === s.number;
    list.append(
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', class: 'station-item', dataset: { number: String(s.number) }, onclick: () => choose(s), 'aria-describedby': isMine ? 'apply-station-mine' : null },
          el('span', { class: 'station-item__number', text: t('station.number', { number: s.number }) }),
          el('span', { class: 'station-item__name', text: s.name }),
          el('span', { class: 'station-item__address', text: [s.address, where && !s.address.includes(where) ? where : null].filter(Boolean).join(' · ') }),
          isMine ? el('span', { class: 'station-item__mine', text: t('apply.station_is_mine') }) : null,
          el('span', { class: 'station-item__choose', 'aria-hidden': 'true', text: t('apply.station_choose') }),
        ),
      ),
    );
  }
  if (pages > 1) {
    pager.hidden = false;
    $('apply-station-prev').disabled = r.page <= 1;
    $('apply-station-next').disabled = r.page >= pages;
    $('apply-station-page').textContent = t('stations.page_of', { page: r.page, pages });
  }
}

const search = latest();

async function runSearch() {
  const p = new URLSearchParams();
  if (state.search.q) p.set('q', state.search.q);
  if (state.search.page > 1) p.set('page', String(state.search.page));
  state.search.busy = true;
  renderSearch();
  try {
    const data = await search(`/api/v1/stations${p.toString() ? `?${p}` : ''}`);
    if (!Array.isArray(data.items)) throw new Error('unexpected answer');
    state.search.result = {
      items: data.items.filter(isStation),
      page: Number(data.page) || state.search.page,
      per_page: Number(data.per_page) || 20,
      total: Number(data.total) || 0,
    };
  } catch (e) {
    if (isAbort(e)) return;
    if (apiFailed(e)) return;
    state.search.result = { error: e };
  }
  state.search.busy = false;
  renderSearch();
}

function choose(s) {
  state.chosen = s;
  delete state.fieldErrors.station_number;
  renderChosen();
  renderFieldErrors();
  $('apply-station-change').focus();
}

function unchoose() {
  state.chosen = null;
  renderChosen();
  const q = $('apply-station-q');
  q.focus();
}

function renderReasonCount() {
  const n = $('apply-reason').value.length;
  $('apply-reason-count').textContent = t('apply.reason_count', { count: n, max: REASON_MAX });
}

const FIELD_BOXES = {
  election_id: ['apply-election-error', 'apply-election'],
  station_number: ['apply-station-error', 'apply-station-q'],
  reason: ['apply-reason-error', 'apply-reason'],
};

function messageText(m) {
  if (!m) return '';
  return m.key ? t(m.key, m.vars) : m.text;
}

function renderFieldErrors() {
  for (const [field, [boxId, inputId]] of Object.entries(FIELD_BOXES)) {
    const box = $(boxId);
    const m = state.fieldErrors[field];
    box.textContent = messageText(m);
    box.hidden = !m;
    const input = $(inputId);
    if (input) input.setAttribute('aria-invalid', m ? 'true' : 'false');
  }
}

function renderResult() {
  const box = clear($('apply-result'));
  const r = state.result;
  if (!r) return;
  if (r.ok) {
    const a = r.ok;
    box.append(
      el(
        'div',
        { class: 'notice notice--ok', id: 'apply-ok' },
        el('h3', { text: t('apply.sent_title', { id: a.id }) }),
        el('p', { text: t('apply.sent', { commission: a.commission ? nameOf(a.commission) : t('apply.your_commission') }) }),
        el('p', {}, el('a', { href: `#app-${a.id}`, text: t('apply.sent_link') })),
      ),
    );
  } else if (r.error) {
    box.append(el('div', { class: 'notice notice--error', id: 'apply-error', dataset: { code: r.code || '' } }, el('p', { text: messageText(r.error) })));
  }
}

/* The refusal of the server, in words, placed next to the field it concerns. */
function refusal(e) {
  const code = e.code || '';
  const known = t(`apply.err.${code}`) !== `apply.err.${code}`;
  let m;
  if (e.status === 422 && known) m = { key: `apply.err.${code}` };
  else if (e.status === 422) m = { text: t('apply.err.other', { message: e.message || code }) };
  else if (e.status === 400 && e.field && FIELD_BOXES[e.field]) m = { key: `apply.err.bad_${e.field}` };
  else m = { text: failureText(e) };
  const field = e.status === 422 || e.status === 400 ? e.field : null;
  return { m, field: field && FIELD_BOXES[field] ? field : null, code };
}

function localProblems(body) {
  const problems = {};
  if (!body.election_id) problems.election_id = { key: 'apply.err.election_required' };
  if (body.kind !== 'correction') {
    const s = state.chosen;
    const mine = currentStation();
    if (!s) problems.station_number = { key: 'apply.err.station_required' };
    else if (mine && s.number === mine.number) problems.station_number = { key: 'apply.err.same_station' };
    else if (Boolean(s.abroad) !== (body.kind === 'move_abroad')) problems.station_number = { key: 'apply.err.wrong_station_kind' };
  }
  if ((body.reason || '').length > REASON_MAX) problems.reason = { key: 'apply.err.bad_reason' };
  return problems;
}

async function submit(ev) {
  ev.preventDefault();
  if (state.sending) return;
  const k = kind();
  const body = { election_id: Number($('apply-election').value) || 0, kind: k, reason: $('apply-reason').value.trim() };
  if (k !== 'correction' && state.chosen) body.station_number = state.chosen.number;
  state.result = null;
  state.fieldErrors = localProblems(body);
  const first = Object.keys(FIELD_BOXES).find((f) => state.fieldErrors[f]);
  if (first) {
    renderFieldErrors();
    renderResult();
    const target = first === 'station_number' && state.chosen ? $('apply-station-change') : $(FIELD_BOXES[first][1]);
    if (target) target.focus();
    return;
  }
  if (!body.reason) delete body.reason;
  state.sending = true;
  renderApplyForm();
  try {
    const data = await sendJSON('/api/v1/cabinet/applications', body);
    state.result = { ok: data.application };
    state.chosen = null;
    state.search.result = null;
    $('apply-reason').value = '';
    $('apply-station-q').value = '';
  } catch (e) {
    if (e && e.status === 401) {
      state.sending = false;
      sessionEnded();
      return;
    }
    const r = refusal(e);
    // the message goes next to its field and in the summary, which takes the focus
    if (r.field) state.fieldErrors[r.field] = r.m;
    state.result = { error: r.m, code: r.code };
  }
  state.sending = false;
  renderApplyForm();
  $('apply-result').focus();
  if (state.result && state.result.ok) {
    await loadApplications();
    $('apply-result').focus();
  }
}

// ---- my applications ----

function renderApplications() {
  const box = clear($('applications-list'));
  const status = $('applications-status');
  if (state.appsError) {
    setStatus(status, failureText(state.appsError), 'error');
    return;
  }
  if (!state.apps) return;
  if (!state.apps.length) {
    setStatus(status, t('app.empty'));
    return;
  }
  setStatus(status, '');
  const elections = allElections();
  // newest first
  const apps = [...state.apps].sort((a, b) => b.id - a.id);
  for (const a of apps) {
    const next = t(`app.next.${a.status}`, { commission: a.commission ? nameOf(a.commission) : t('apply.your_commission') });
    box.append(
      appCard(a, {
        elections,
        extra: [next && next !== `app.next.${a.status}` ? el('p', { class: `app__next app__next--${a.status}`, text: next }) : null],
      }),
    );
  }
}

// ---- my moves ----

// Why a move happened: my application, or a commission's change of station boundaries.
function moveReason(m) {
  if (m.application_id) return el('a', { href: `#app-${m.application_id}`, text: t('app.number', { id: m.application_id }) });
  if (m.reason === 'boundary' && m.boundary_change) {
    const c = m.boundary_change;
    return el('span', { class: 'move-boundary', text: t('moves.boundary', { reason: c.reason }) });
  }
  return t('common.none');
}

function renderMoves() {
  const box = clear($('moves-body'));
  const status = $('moves-status');
  if (state.movesError) {
    setStatus(status, failureText(state.movesError), 'error');
    return;
  }
  if (!state.moves) return;
  if (!state.moves.length) {
    setStatus(status, t('moves.empty'));
    return;
  }
  setStatus(status, '');
  box.append(
    table({
      caption: t('moves.caption'),
      stack: true,
      columns: [{ label: t('moves.col_at') }, { label: t('moves.col_from') }, { label: t('moves.col_to') }, { label: t('moves.col_application') }],
      rows: [...state.moves]
        .sort((a, b) => String(b.at).localeCompare(String(a.at)))
        .map((m) => [
          el('time', { datetime: m.at, text: fmtDateTime(m.at) }),
          t('station.number', { number: m.from_station }),
          el('strong', { class: 'move-to', text: t('station.number', { number: m.to_station }) }),
          moveReason(m),
        ]),
    }),
  );
}

// ---- wiring ----

function wire() {
  $('apply-form').addEventListener('submit', submit);
  $('apply-election').addEventListener('change', () => {
    delete state.fieldErrors.election_id;
    renderFieldErrors();
    electionHint();
  });
  document.querySelectorAll('#apply-kind input[name="kind"]').forEach((r) =>
    r.addEventListener('change', () => {
      delete state.fieldErrors.station_number;
      if (state.chosen && Boolean(state.chosen.abroad) !== (kind() === 'move_abroad')) state.chosen = null;
      renderApplyForm();
    }),
  );
  const q = $('apply-station-q');
  const find = () => {
    state.search.q = q.value.trim();
    state.search.page = 1;
    runSearch();
  };
  $('apply-station-find').addEventListener('click', find);
  // Enter in the search box searches; it does not send the application
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      find();
    }
  });
  $('apply-station-prev').addEventListener('click', () => {
    if (state.search.page > 1) {
      state.search.page -= 1;
      runSearch();
    }
  });
  $('apply-station-next').addEventListener('click', () => {
    state.search.page += 1;
    runSearch();
  });
  $('apply-reason').addEventListener('input', () => {
    renderReasonCount();
    if (state.fieldErrors.reason) {
      delete state.fieldErrors.reason;
      renderFieldErrors();
    }
  });
  $('applications-refresh').addEventListener('click', () => {
    loadApplications();
    loadMoves();
  });
  onLangChange(() => {
    if (!started) return;
    renderProfile();
    renderStation();
    renderElections();
    renderApplyForm();
    renderApplications();
    renderMoves();
    renderMemoDates();
  });
  document.addEventListener('shailoo:signedout', () => {
    dropMap();
    started = false;
  });
}

async function main() {
  await initI18n();
  wire();
  const me = await startFrame('voter');
  if (!me) return;
  started = true;
  renderReasonCount();
  await Promise.all([loadElectionNames(), loadCabinet(), loadApplications(), loadMoves()]);
  renderApplications();
  // a link to a part of the cabinet (#applications, #app-12) works once it is drawn
  if (location.hash.length > 1) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }
}

main().catch((e) => console.error('the cabinet failed to start', e));
