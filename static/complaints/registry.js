// The public registry of complaints (/complaints/): every complaint of an
// election with its clock (met, missed, overdue, open), its decision, appeals,
// courts' rulings and documents, the complainant masked; filters, search,
// pages (keyset), CSV; the dashboard: received, decided in time and late,
// overdue, by outcome and commission, and a chart of complaints by day.
// The URL keeps the election and a complaint (?election=202701&complaint=12).
import { initI18n, onLangChange, t, label, nameOf, fmtInt, fmtDate } from '/js/i18n.js';
import { getJSON, errorText, latest } from '/js/api.js';
import { el, clear, table, setStatus, dl } from '/js/dom.js';
import { drawChart, COLORS } from '/js/charts.js';
import { fmtDateTime } from '/js/session.js';
import { STATUSES, DEADLINES, statusBadge, deadlineBadge, commissionName, subjectText, complaintFacts, historyList } from './view.js';

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const fetchPage = latest();
const state = { elections: [], commissions: [], items: [], next: null, total: 0, dashboard: null };

function saveUrl(complaint) {
  const q = new URLSearchParams({ election: $('f-election').value });
  if (complaint) q.set('complaint', complaint);
  history.replaceState(null, '', `?${q}`);
}

function options(select, values, prefix) {
  const keep = select.value;
  clear(select).append(el('option', { value: '', text: t('complaints.all') }),
    ...values.map((v) => el('option', { value: v, text: label(prefix, v) })));
  select.value = keep;
}

function query(before) {
  const q = new URLSearchParams({ election: $('f-election').value, limit: PAGE });
  for (const [k, id] of [['commission', 'f-commission'], ['status', 'f-status'], ['deadline', 'f-deadline']])
    if ($(id).value) q.set(k, $(id).value);
  if ($('f-q').value.trim()) q.set('q', $('f-q').value.trim());
  if ($('f-station').value.trim()) q.set('station', $('f-station').value.trim());
  if (before) q.set('before', before);
  return q;
}

async function loadPage(more = false) {
  const status = $('registry-status');
  setStatus(status, t('common.loading'), 'busy');
  try {
    const r = await fetchPage(`/api/v1/complaints?${query(more ? state.next : null)}`);
    state.items = more ? state.items.concat(r.items) : r.items;
    state.next = r.next;
    state.total = r.total;
  } catch (e) {
    if (e.name !== 'AbortError') setStatus(status, errorText(e, t), 'error');
    return;
  }
  renderPage();
}

function renderPage() {
  setStatus($('registry-status'), t('complaints.found', { shown: fmtInt(state.items.length), total: fmtInt(state.total) }));
  $('more').hidden = state.next == null;
  const box = clear($('registry-table'));
  if (!state.items.length) return;
  box.append(table({
    caption: t('complaints.registry_heading'), stack: true,
    columns: [{ label: t('complaints.number') }, { label: t('complaints.received_at') }, { label: t('complaints.subject') },
      { label: t('complaints.commission') }, { label: t('complaints.status') }, { label: t('complaints.deadline') },
      { label: t('complaints.outcome') }],
    rows: state.items.map((c) => [
      el('button', { type: 'button', class: 'link-button', text: c.number, onclick: () => show(c.id) }),
      fmtDateTime(c.received_at), subjectText(c), commissionName(c.commission), statusBadge(c.status),
      deadlineBadge(c.deadline), c.decision ? label('complaint_outcome', c.decision.outcome) : t('common.none'),
    ]),
  }));
}

async function show(id) {
  const card = $('detail');
  card.hidden = false;
  $('detail-heading').textContent = t('common.loading');
  let c;
  try {
    c = await getJSON(`/api/v1/complaints/${id}`);
  } catch (e) {
    $('detail-heading').textContent = errorText(e, t);
    return;
  }
  $('detail-heading').textContent = t('complaints.complaint_n', { number: c.number });
  clear($('detail-body')).append(complaintFacts(c));
  clear($('detail-history')).append(historyList(c));
  saveUrl(c.id);
  card.focus();
}

async function loadDashboard() {
  const q = $('f-commission').value ? `?commission=${$('f-commission').value}` : '';
  let d;
  try {
    d = await getJSON(`/api/v1/elections/${$('f-election').value}/complaints/dashboard${q}`);
  } catch (e) {
    clear($('dashboard-facts')).append(el('p', { class: 'status status--error', text: errorText(e, t) }));
    return;
  }
  clear($('dashboard-facts')).append(dl([
    [t('complaints.received'), fmtInt(d.received)],
    [t('complaints.decided_in_time'), fmtInt(d.decided_in_time)],
    [t('complaints.decided_late'), el('span', { class: d.decided_late ? 'badge badge--clock-missed' : null, text: fmtInt(d.decided_late) })],
    [t('complaints.open'), fmtInt(d.open)],
    [t('complaints.overdue'), el('span', { class: d.overdue ? 'badge badge--clock-overdue' : null, text: fmtInt(d.overdue) })],
    ...Object.entries(d.by_outcome).map(([k, v]) => [label('complaint_outcome', k), fmtInt(v)]),
  ]));
  drawChart($('days-chart'), {
    type: 'bar',
    data: { labels: d.by_day.map((x) => fmtDate(x.day)), datasets: [{ label: t('complaints.received'), data: d.by_day.map((x) => x.received), backgroundColor: COLORS.male }] },
    options: { plugins: { legend: { display: false } } },
  }, t('complaints.chart_days'));
  clear($('days-table')).append(d.by_commission.length ? table({
    caption: t('complaints.by_commission'), showCaption: true,
    columns: [{ label: t('complaints.commission') }, { label: t('complaints.received'), num: true }, { label: t('complaints.open'), num: true },
      { label: t('complaints.overdue'), num: true }, { label: t('complaints.decided_late'), num: true }],
    rows: d.by_commission.map((k) => [nameOf(k.commission), fmtInt(k.received), fmtInt(k.open), fmtInt(k.overdue), fmtInt(k.late)]),
  }) : el('p', { text: t('complaints.none_yet') }));
}

function reload() {
  $('csv').href = `/api/v1/elections/${$('f-election').value}/complaints.csv`;
  saveUrl();
  loadPage();
  loadDashboard();
}

async function main() {
  await initI18n();
  try {
    const [elections, commissions] = await Promise.all([getJSON('/api/v1/elections'), getJSON('/api/v1/commissions')]);
    state.elections = elections.items || [];
    state.commissions = commissions.items || [];
  } catch (e) {
    setStatus($('registry-status'), errorText(e, t), 'error');
    return;
  }
  const params = new URLSearchParams(location.search);
  const sel = $('f-election');
  for (const e of state.elections) sel.append(el('option', { value: String(e.id), text: `${fmtDate(e.date)} — ${nameOf(e)}` }));
  if (/^\d{4,5}$/.test(params.get('station') || '')) $('f-station').value = params.get('station');
  const wanted = params.get('election');
  sel.value = state.elections.some((e) => String(e.id) === wanted) ? wanted : String((state.elections[0] || {}).id || '');
  clear($('f-commission')).append(el('option', { value: '', text: t('complaints.all') }),
    ...state.commissions.map((k) => el('option', { value: String(k.id), text: nameOf(k) })));
  options($('f-status'), STATUSES, 'complaint_status');
  options($('f-deadline'), DEADLINES, 'complaint_deadline');
  $('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    reload();
  });
  sel.addEventListener('change', reload);
  $('more').addEventListener('click', () => loadPage(true));
  onLangChange(() => {
    options($('f-status'), STATUSES, 'complaint_status');
    options($('f-deadline'), DEADLINES, 'complaint_deadline');
    renderPage();
    loadDashboard();
  });
  reload();
  if (params.get('complaint')) show(params.get('complaint'));
}

main();
