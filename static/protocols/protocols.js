// The precinct commission's protocol (/protocols/): its secretary (or the
// territorial commission's administrator) enters the manual count's figures,
// the same lines as the ASU's final, checked as they are typed by the same
// control relations the server applies; a correction is a new version with
// its reason (and the complaint whose decision ordered it); the scans of the
// station's count are uploaded here.  A territorial commission grants and
// takes away its stations' secretaries.
import { initI18n, onLangChange, t, nameOf, fmtInt } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, setStatus } from '/js/dom.js';
import { relations as checksOf } from '/js/relations.js';
import { startFrame, sendJSON, sendFile, failureText, apiFailed, grants, roleRefused, fmtDateTime } from '/js/session.js';

const $ = (id) => document.getElementById(id);
const OPEN = ['scheduled', 'open', 'counting'];
const LINES = ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all'];
const SCANS = ['manual_count_protocol', 'asu_initial_report', 'asu_final_report', 'identification_first_report', 'identification_final_report'];
const state = { election: null, station: null, ballot: [], page: null, opening: 0 };

// The refusals this page explains in the reader's language (the server's words are English).
const KNOWN = ['reason_required', 'reason_not_allowed', 'no_change', 'complaint_not_found', 'election_closed', 'outside_scope', 'secretary_elsewhere'];

function say(node, e, ok) {
  if (e) {
    if (apiFailed(e)) return;
    setStatus(node, KNOWN.includes(e.code) ? t(`protocols.err_${e.code}`) : failureText(e), 'error');
  } else setStatus(node, ok || '');
}

const secretaryOf = () => (grants('station_secretary')[0] || {}).station || null;
const isAdmin = () => grants('tec_admin').length > 0 || grants('cec_admin').length > 0;

async function loadElections() {
  const items = (await getJSON('/api/v1/elections')).items || [];
  const open = items.filter((e) => OPEN.includes(e.status));
  const sel = $('election');
  const keep = sel.value;
  clear(sel).append(...open.map((e) => el('option', { value: String(e.id), text: `${nameOf(e)} (${e.date})` })));
  if (keep) sel.value = keep;
}

/* The ballot of the station's contests: [{kind, district, entries:[{position, name, list}]}]. */
async function loadBallot(e, station) {
  const list = await getJSON(`/api/v1/elections/${e}/contests/list`);
  const out = [{
    kind: 'list',
    entries: (list.parties || []).map((p) => ({ position: p.ballot_position, name: p.short_name || nameOf(p), list: Math.max(0, ...(p.candidates || []).map((c) => c.position)), candidates: p.candidates || [] })),
  }];
  if (station.district != null) {
    const d = await getJSON(`/api/v1/elections/${e}/contests/districts/${station.district}`);
    out.push({ kind: 'district', district: station.district, entries: (d.candidates || []).map((c) => ({ position: c.ballot_position, name: c.name })) });
  }
  return out;
}

const input = (id, value, label) => el('input', { id, type: 'number', min: '0', max: '100000000', inputmode: 'numeric', value: value == null ? '' : String(value), 'aria-label': label, dataset: { field: id } });

/* The form of one contest, filled with figures (the latest version's) when given. */
function contestFieldset(c, i, fig) {
  const fs = el('fieldset', { class: 'card protocol-contest', dataset: { contest: String(i) } });
  fs.append(el('legend', { text: c.kind === 'list' ? t('protocols.contest_list') : t('protocols.contest_district', { n: c.district }) }));
  const grid = el('div', { class: 'protocol-lines' });
  LINES.forEach((l) => {
    const id = `c${i}-${l}`;
    grid.append(el('label', { for: id }, el('span', { text: t(`protocols.line_${l}`) }), input(id, fig ? fig[l] : null, t(`protocols.line_${l}`))));
  });
  fs.append(grid);
  fs.append(el('h4', { text: t('protocols.votes') }));
  const votes = el('div', { class: 'protocol-lines' });
  c.entries.forEach((e, k) => {
    const id = `c${i}-v${k}`;
    votes.append(el('label', { for: id }, el('span', { text: `${e.position}. ${e.name}` }), input(id, fig && fig.votes ? fig.votes[k] : null, e.name)));
  });
  fs.append(votes);
  if (c.kind === 'list') {
    fs.append(el('h4', { text: t('protocols.preferences') }));
    c.entries.forEach((e, k) => {
      const det = el('details', { class: 'protocol-prefs' }, el('summary', { text: t('protocols.preferences_of', { party: e.name }) }));
      const g = el('div', { class: 'protocol-lines' });
      for (let p = 1; p <= e.list; p++) {
        const id = `c${i}-p${k}-${p}`;
        const who = (e.candidates.find((x) => x.position === p) || {}).name || `№${p}`;
        const v = fig && fig.preferences && fig.preferences[k] ? fig.preferences[k][p - 1] : 0;
        g.append(el('label', { for: id }, el('span', { text: `${p}. ${who}` }), input(id, v ?? 0, who)));
      }
      det.append(g);
      fs.append(det);
    });
  }
  return fs;
}

const val = (id) => {
  const v = $(id).value.trim();
  return v === '' ? NaN : Number(v);
};

/* The figures typed, as the API takes them (the ASU's contests' shape). */
function figures() {
  return state.ballot.map((c, i) => {
    const f = { kind: c.kind };
    if (c.kind === 'district') f.district = c.district;
    LINES.forEach((l) => {
      f[l] = val(`c${i}-${l}`);
    });
    f.votes = c.entries.map((e, k) => val(`c${i}-v${k}`));
    if (c.kind === 'list') f.preferences = c.entries.map((e, k) => Array.from({ length: e.list }, (_, p) => val(`c${i}-p${k}-${p + 1}`)));
    return f;
  });
}

/* The control relations (DOMAIN.md), as the server checks them: [label, ok]. */
function relations(fs) {
  const out = [];
  fs.forEach((f, i) => {
    const name = state.ballot[i].kind === 'list' ? t('protocols.contest_list') : t('protocols.contest_district', { n: state.ballot[i].district });
    const all = [...LINES.map((l) => f[l]), ...f.votes, ...(f.preferences || []).flat()];
    const filled = all.every((x) => Number.isInteger(x) && x >= 0);
    out.push([`${name}: ${t('protocols.check_filled')}`, filled]);
    if (!filled) return;
    out.push(...checksOf(f).map(([k, ok]) => [`${name}: ${t(`protocols.check_${k}`)}`, ok]));
  });
  return out;
}

function showChecks() {
  const list = relations(figures());
  clear($('checks')).append(...list.map(([label, ok]) => el('li', { class: ok ? 'check check--ok' : 'check check--bad' }, el('span', { class: 'check__mark', 'aria-hidden': 'true', text: ok ? '✓' : '✗' }), ' ', label)));
  return list.every(([, ok]) => ok);
}

async function open(ev) {
  if (ev) ev.preventDefault();
  const status = $('choose-status');
  const e = Number($('election').value);
  const n = Number($('station').value);
  if (!e || !n) return;
  setStatus(status, t('common.loading'), 'busy');
  const mine = ++state.opening; // a later choice wins over an earlier one still loading
  let ballotNow, page;
  try {
    const { station } = await getJSON(`/api/v1/stations/${n}`);
    ballotNow = await loadBallot(e, { district: station.abroad ? null : station.district });
    page = await getJSON(`/api/v1/results/elections/${e}/stations/${n}`);
  } catch (err) {
    if (mine === state.opening) say(status, err);
    return;
  }
  if (mine !== state.opening) return;
  state.ballot = ballotNow;
  state.page = page;
  state.election = e;
  state.station = n;
  setStatus(status, '');
  render();
}

function render() {
  const p = state.page;
  const versions = p.versions || [];
  const latest = versions[versions.length - 1];
  $('protocol').hidden = false;
  $('protocol').dataset.election = String(state.election);
  $('scans').hidden = false;
  $('protocol-heading').textContent = t('protocols.protocol_of', { n: state.station });
  $('protocol-state').textContent = latest ? t('protocols.latest', { version: latest.version, at: fmtDateTime(latest.entered_at), by: latest.entered_by }) : t('protocols.none_yet');
  clear($('contests')).append(...state.ballot.map((c, i) => contestFieldset(c, i, latest ? latest.contests.find((f) => f.kind === c.kind) : null)));
  $('correction').hidden = !latest;
  $('reason').required = Boolean(latest);
  $('submit').textContent = latest ? t('protocols.submit_correction') : t('protocols.submit');
  showChecks();
  clear($('scan-list')).append(
    ...(p.documents || []).map((d) => el('li', { dataset: { kind: d.kind } }, el('a', { href: `/api/v1/documents/${d.id}/file`, text: t(`results.doc_${d.kind}`) }), ` · ${t('results.doc_version', { version: d.version })} · ${fmtDateTime(d.uploaded_at)}`)),
  );
}

async function submit(ev) {
  ev.preventDefault();
  const status = $('protocol-status');
  if (!showChecks()) {
    setStatus(status, t('protocols.fix_first'), 'error');
    return;
  }
  const body = { contests: figures() };
  if (!$('correction').hidden) {
    if ($('reason').value.trim()) body.reason = $('reason').value.trim();
    if ($('complaint').value) body.complaint_id = Number($('complaint').value);
  }
  setStatus(status, t('common.loading'), 'busy');
  let v;
  try {
    v = await sendJSON(`/api/v1/protocols/elections/${state.election}/stations/${state.station}`, body);
  } catch (e) {
    say(status, e);
    return;
  }
  $('reason').value = '';
  $('complaint').value = '';
  state.page.versions = [...(state.page.versions || []), v];
  render();
  setStatus($('protocol-status'), t('protocols.saved', { version: v.version, seq: v.log_seq }));
}

async function upload(ev) {
  ev.preventDefault();
  const file = $('scan-file').files && $('scan-file').files[0];
  if (!file || !state.page) return;
  const status = $('scan-status');
  setStatus(status, t('common.loading'), 'busy');
  let d;
  try {
    d = (await sendFile(`/api/v1/documents/counts/${state.page.count_id}/${$('scan-kind').value}`, file)).document;
  } catch (e) {
    say(status, e);
    return;
  }
  state.page.documents = [...(state.page.documents || []).filter((x) => x.kind !== d.kind), d];
  render();
  setStatus($('scan-status'), t('protocols.uploaded'));
}

async function listSecretaries(n) {
  const status = $('grant-status');
  try {
    const r = await getJSON(`/api/v1/tec/stations/${n}/secretaries`);
    showSecretaries(r);
    setStatus(status, '');
  } catch (e) {
    say(status, e);
  }
}

function showSecretaries(r) {
  clear($('secretary-list')).append(
    ...(r.items.length ? r.items : [null]).map((x) =>
      x
        ? el('li', { dataset: { pin: x.pin } }, `${x.pin} · ${fmtDateTime(x.granted_at)} `, el('button', { type: 'button', class: 'button button--secondary button--small', text: t('protocols.revoke'), onclick: () => revoke(r.station, x.pin) }))
        : el('li', { text: t('protocols.no_secretaries', { n: r.station }) }),
    ),
  );
}

async function grant(ev) {
  ev.preventDefault();
  const status = $('grant-status');
  const n = Number($('grant-station').value);
  try {
    showSecretaries(await sendJSON(`/api/v1/tec/stations/${n}/secretaries`, { pin: $('grant-pin').value.trim() }));
    $('grant-pin').value = '';
    setStatus(status, t('protocols.granted'));
  } catch (e) {
    say(status, e);
  }
}

async function revoke(n, pin) {
  const status = $('grant-status');
  try {
    showSecretaries(await sendJSON(`/api/v1/tec/stations/${n}/secretaries/${pin}`, undefined, { method: 'DELETE' }));
    setStatus(status, t('protocols.revoked'));
  } catch (e) {
    say(status, e);
  }
}

function fillKinds() {
  const s = $('scan-kind');
  const keep = s.value;
  clear(s).append(...SCANS.map((k) => el('option', { value: k, text: t(`results.doc_${k}`) })));
  if (keep) s.value = keep;
}

async function main() {
  await initI18n();
  if (!(await startFrame(null))) return;
  if (!secretaryOf() && !isAdmin()) {
    roleRefused();
    return;
  }
  fillKinds();
  onLangChange(() => {
    fillKinds();
    if (state.page) render();
  });
  const mine = secretaryOf();
  if (mine) {
    $('station').value = String(mine);
    $('station').readOnly = true;
  }
  $('secretaries').hidden = !isAdmin();
  $('choose-form').addEventListener('submit', open);
  $('protocol-form').addEventListener('input', showChecks);
  $('protocol-form').addEventListener('submit', submit);
  $('scan-form').addEventListener('submit', upload);
  $('grant-form').addEventListener('submit', grant);
  $('grant-list').addEventListener('click', () => $('grant-station').value && listSecretaries(Number($('grant-station').value)));
  try {
    await loadElections();
  } catch (e) {
    say($('choose-status'), e);
    return;
  }
  if (mine && $('election').value) open();
}

main();
