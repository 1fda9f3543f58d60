// Talapker in public (/candidates/): the parties of an election with their
// lists, the candidates (filters, search, pages, CSV), a candidate's card with
// the documents published at registration, summary reports, election funds.
// The URL keeps the election and the tab (?election=202701&tab=candidates).
import { initI18n, onLangChange, t, label, nameOf, fmtInt, fmtDate } from '/js/i18n.js';
import { getJSON, errorText, latest } from '/js/api.js';
import { el, clear, table, setStatus, dl } from '/js/dom.js';
import { drawChart, COLORS } from '/js/charts.js';

const $ = (id) => document.getElementById(id);
const TABS = ['parties', 'candidates', 'summary', 'funds'];
const STATUSES = ['submitted', 'under_review', 'deficiencies', 'registered', 'refused', 'withdrawn'];
const PAGE = 50;
const fetchCandidates = latest();

const state = {
  elections: [],
  election: null,
  tab: 'parties',
  parties: null,
  candidates: [],
  next: null,
  total: 0,
  summary: null,
  funds: null,
  fund: null,
  lines: [],
  linesNext: null,
};

const fmtSom = (x) => `${new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(x) || 0)} ${t('talapker.som')}`;
const docLink = (id, key) => el('a', { href: `/api/v1/documents/${id}/file`, text: t(key) });
const statusBadge = (s) => el('span', { class: `badge badge--${s}`, text: label('nomination_status', s) });
const partyName = (p) => (p ? p.short_name : t('talapker.self_nominated'));

function saveUrl() {
  const q = new URLSearchParams({ election: state.election, tab: state.tab });
  history.replaceState(null, '', `?${q}`);
}

function fail(node, e) {
  setStatus(node, errorText(e, t), 'error');
}

// ---- parties ----

async function loadParties() {
  setStatus($('parties-status'), t('common.loading'), 'busy');
  try {
    state.parties = (await getJSON(`/api/v1/elections/${state.election}/parties`)).items;
  } catch (e) {
    fail($('parties-status'), e);
    return;
  }
  renderParties();
  renderFilters();
}

function renderParties() {
  const box = clear($('parties-table'));
  if (!state.parties) return;
  setStatus($('parties-status'), state.parties.length ? '' : t('talapker.no_parties'));
  if (!state.parties.length) return;
  box.append(table({
    caption: t('talapker.parties_caption'),
    stack: true,
    columns: [{ label: t('talapker.party') }, { label: t('talapker.registration_number') },
      { label: t('talapker.list') }, { label: t('talapker.col_candidates'), num: true },
      { label: t('talapker.col_district_candidates'), num: true }, { label: t('talapker.program') }],
    rows: state.parties.map((p) => [
      el('button', { type: 'button', class: 'link-button', text: nameOf(p), onclick: () => showParty(p.id) }),
      p.registration_number || t('common.none'),
      p.list ? statusBadge(p.list.status) : t('talapker.no_list'),
      p.list ? fmtInt(p.list.candidates) : t('common.none'),
      fmtInt(p.district_candidates),
      p.list && p.list.program ? docLink(p.list.program, 'talapker.program') : t('common.none'),
    ]),
  }));
}

function showParty(id) {
  $('f-party').value = String(id);
  switchTab('candidates');
}

// ---- candidates ----

function renderFilters() {
  const party = $('f-party');
  const keep = party.value;
  clear(party).append(el('option', { value: '', text: t('talapker.all') }),
    el('option', { value: 'self', text: t('talapker.self_nominated') }),
    ...(state.parties || []).map((p) => el('option', { value: String(p.id), text: p.short_name })));
  party.value = keep;
  const district = $('f-district');
  if (!district.options.length) {
    district.append(el('option', { value: '', text: t('talapker.all') }),
      ...Array.from({ length: 36 }, (_, i) => el('option', { value: String(i + 1), text: String(i + 1) })));
  }
  const status = $('f-status');
  const s = status.value;
  clear(status).append(el('option', { value: '', text: t('talapker.all') }),
    ...STATUSES.map((x) => el('option', { value: x, text: label('nomination_status', x) })));
  status.value = s;
}

function query(after) {
  const q = new URLSearchParams({ limit: PAGE, after });
  const party = $('f-party').value;
  if (party && party !== 'self') q.set('party', party);
  if ($('f-district').value) q.set('district', $('f-district').value);
  if ($('f-status').value) q.set('status', $('f-status').value);
  if ($('f-q').value.trim()) q.set('q', $('f-q').value.trim());
  return q;
}

async function loadCandidates(more = false) {
  const status = $('candidates-status');
  setStatus(status, t('common.loading'), 'busy');
  $('candidates-csv').href = `/api/v1/elections/${state.election}/candidates.csv`;
  try {
    const r = await fetchCandidates(`/api/v1/elections/${state.election}/candidates?${query(more ? state.next : 0)}`);
    const self = $('f-party').value === 'self';
    const items = self ? r.items.filter((c) => c.self_nominated) : r.items;
    state.candidates = more ? state.candidates.concat(items) : items;
    state.next = r.next;
    state.total = r.total;
  } catch (e) {
    if (e.name !== 'AbortError') fail(status, e);
    return;
  }
  renderCandidates();
}

function renderCandidates() {
  const box = clear($('candidates-table'));
  setStatus($('candidates-status'), t('talapker.found', { shown: fmtInt(state.candidates.length), total: fmtInt(state.total) }));
  $('candidates-more').hidden = state.next == null;
  if (!state.candidates.length) return;
  box.append(table({
    caption: t('talapker.candidates_caption'),
    stack: true,
    columns: [{ label: t('talapker.name') }, { label: t('talapker.party') }, { label: t('talapker.col_where') },
      { label: t('talapker.age'), num: true }, { label: t('talapker.status') }],
    rows: state.candidates.map((c) => [
      el('button', { type: 'button', class: 'link-button', text: c.name, onclick: () => showCard(c.candidate_id) }),
      partyName(c.party),
      c.kind === 'list' ? t('talapker.list_position', { n: c.position }) : t('talapker.district_n', { n: c.district }),
      fmtInt(c.age),
      statusBadge(c.status),
    ]),
  }));
}

async function showCard(id) {
  const card = $('card');
  const body = clear($('card-body'));
  card.hidden = false;
  $('card-heading').textContent = t('common.loading');
  let c;
  try {
    c = await getJSON(`/api/v1/candidates/${id}`);
  } catch (e) {
    $('card-heading').textContent = errorText(e, t);
    return;
  }
  $('card-heading').textContent = c.name;
  for (const n of c.nominations) {
    const docs = n.documents || {};
    body.append(el('div', { class: 'candidate' },
      docs.photo ? el('img', { class: 'candidate__photo', src: `/api/v1/documents/${docs.photo}/file`, alt: t('talapker.photo_of', { name: c.name }), width: 120, height: 150 }) : null,
      dl([
        [t('talapker.election'), String(n.election_id)],
        [t('talapker.party'), partyName(n.party)],
        [t('talapker.col_where'), n.kind === 'list' ? t('talapker.list_position', { n: n.position }) : t('talapker.district_n', { n: n.district })],
        [t('talapker.age'), fmtInt(n.age)],
        [t('talapker.status'), statusBadge(n.status)],
        [t('talapker.refusal_reason'), n.refusal_reason],
        [t('talapker.documents'), docs.biography || docs.program
          ? el('span', {}, docs.biography ? docLink(docs.biography, 'talapker.biography') : null, ' ',
            docs.program ? docLink(docs.program, 'talapker.program') : null)
          : t('talapker.no_documents')],
      ])));
  }
  card.focus();
}

// ---- summary ----

async function loadSummary() {
  setStatus($('summary-status'), t('common.loading'), 'busy');
  try {
    state.summary = await getJSON(`/api/v1/elections/${state.election}/candidates/summary`);
  } catch (e) {
    fail($('summary-status'), e);
    return;
  }
  renderSummary();
}

function groupLabel(group, key) {
  if (group === 'party') return key === 'self' ? t('talapker.self_nominated') : (state.parties || []).find((p) => String(p.id) === key)?.short_name || key;
  if (group === 'status') return label('nomination_status', key);
  if (group === 'sex') return key === 'F' ? t('common.female') : t('common.male');
  if (group === 'district') return t('talapker.district_n', { n: key });
  if (['other_ethnicity', 'higher_education', 'disability'].includes(group)) return key === 'true' ? t('common.yes') : t('common.no');
  if (group === 'kind') return t(`talapker.kind_${key}`);
  return key;
}

function renderSummary() {
  const s = state.summary;
  const box = clear($('summary-tables'));
  if (!s) return;
  setStatus($('summary-status'), t('talapker.summary_total', { total: fmtInt(s.total) }));
  const status = s.groups.status || [];
  drawChart($('summary-chart'), {
    type: 'bar',
    data: { labels: status.map((g) => label('nomination_status', g.key)), datasets: [{ label: t('talapker.col_candidates'), data: status.map((g) => g.candidates), backgroundColor: COLORS.male }] },
    options: { plugins: { legend: { display: false } } },
  }, t('talapker.chart_status'));
  for (const group of ['status', 'sex', 'age_group', 'other_ethnicity', 'higher_education', 'disability', 'kind', 'party', 'district']) {
    const rows = s.groups[group];
    if (!rows) continue;
    box.append(el('h3', { text: t(`talapker.group_${group}`) }), el('div', { class: 'table-wrap' }, table({
      caption: t(`talapker.group_${group}`),
      columns: [{ label: t(`talapker.group_${group}`) }, { label: t('talapker.col_candidates'), num: true },
        { label: label('nomination_status', 'registered'), num: true }, { label: label('nomination_status', 'refused'), num: true }],
      rows: rows.map((g) => [groupLabel(group, g.key), fmtInt(g.candidates), fmtInt(g.registered), fmtInt(g.refused)]),
    })));
  }
  box.append(el('h3', { text: t('talapker.refusals') }));
  box.append(s.refusals.length
    ? el('ul', {}, s.refusals.map((r) => el('li', {}, `${r.kind === 'list' ? t('talapker.kind_list') : t('talapker.district_n', { n: r.district })} — ${fmtDate(r.decided_at)}: ${r.reason}`)))
    : el('p', { text: t('talapker.no_refusals') }));
}

// ---- funds ----

async function loadFunds() {
  setStatus($('funds-status'), t('common.loading'), 'busy');
  try {
    state.funds = (await getJSON(`/api/v1/elections/${state.election}/funds`)).items;
  } catch (e) {
    fail($('funds-status'), e);
    return;
  }
  renderFunds();
}

function reportCell(r) {
  if (r.filed_at) return el('span', { class: r.late ? 'badge badge--late' : 'badge badge--ok', text: r.late ? t('talapker.report_late', { date: fmtDate(r.filed_at) }) : t('talapker.report_filed', { date: fmtDate(r.filed_at) }) });
  return el('span', { class: r.missing ? 'badge badge--late' : 'badge', text: r.missing ? t('talapker.report_missing') : t('talapker.report_due', { date: fmtDate(r.due_at) }) });
}

function renderFunds() {
  const box = clear($('funds-table'));
  if (!state.funds) return;
  setStatus($('funds-status'), state.funds.length ? '' : t('talapker.no_funds'));
  if (!state.funds.length) return;
  box.append(table({
    caption: t('talapker.funds_caption'),
    stack: true,
    columns: [{ label: t('talapker.fund_of') }, { label: t('talapker.income'), num: true }, { label: t('talapker.expenses'), num: true },
      { label: t('talapker.report_interim') }, { label: t('talapker.report_final') }],
    rows: state.funds.map((f) => [
      el('button', { type: 'button', class: 'link-button', onclick: () => showFund(f),
        text: f.kind === 'list' ? `${partyName(f.party)} — ${t('talapker.kind_list')}` : `${f.candidate} (${t('talapker.district_n', { n: f.district })})` }),
      fmtSom(f.income), fmtSom(f.expenses), reportCell(f.reports[0]), reportCell(f.reports[1]),
    ]),
  }));
}

async function showFund(f, more = false) {
  state.fund = f;
  const card = $('fund');
  card.hidden = false;
  $('fund-heading').textContent = f.kind === 'list' ? `${partyName(f.party)} — ${t('talapker.kind_list')}` : f.candidate;
  if (!more) {
    const sources = Object.entries(f.by_source);
    const items = Object.entries(f.by_item);
    drawChart($('fund-chart'), {
      type: 'bar',
      data: {
        labels: [...sources.map(([k]) => label('fund_source', k)), ...items.map(([k]) => label('fund_item', k))],
        datasets: [{ label: t('talapker.som'), data: [...sources.map(([, v]) => v), ...items.map(([, v]) => v)],
          backgroundColor: [...sources.map(() => COLORS.male), ...items.map(() => COLORS.female)] }],
      },
      options: { plugins: { legend: { display: false } } },
    }, t('talapker.chart_fund'));
  }
  let page;
  try {
    page = await getJSON(`/api/v1/funds/${f.nomination_id}/lines?limit=100&after=${more ? state.linesNext : 0}`);
  } catch (e) {
    fail($('funds-status'), e);
    return;
  }
  state.lines = more ? state.lines.concat(page.items) : page.items;
  state.linesNext = page.next;
  $('fund-more').hidden = page.next == null;
  const body = clear($('fund-body'));
  body.append(el('p', {}, el('a', { href: `/api/v1/funds/${f.nomination_id}/lines.csv`, text: t('talapker.csv') })));
  body.append(el('div', { class: 'table-wrap' }, table({
    caption: t('talapker.lines_caption'),
    stack: true,
    columns: [{ label: t('talapker.date') }, { label: t('talapker.direction') }, { label: t('talapker.category') },
      { label: t('talapker.counterparty') }, { label: t('talapker.amount'), num: true }, { label: t('talapker.description') }],
    rows: state.lines.map((l) => [fmtDate(l.date), t(`talapker.${l.direction}`),
      label(l.direction === 'income' ? 'fund_source' : 'fund_item', l.category), l.counterparty || t('common.none'),
      fmtSom(l.amount), l.description || t('common.none')]),
  })));
  if (!more) card.focus();
}

// ---- the frame ----

function switchTab(tab) {
  state.tab = TABS.includes(tab) ? tab : 'parties';
  for (const x of TABS) {
    $(x).hidden = x !== state.tab;
    $(`tab-${x}`).setAttribute('aria-selected', String(x === state.tab));
  }
  saveUrl();
  if (state.tab === 'candidates') loadCandidates();
  if (state.tab === 'summary') loadSummary();
  if (state.tab === 'funds') loadFunds();
}

function renderElections() {
  const sel = clear($('election'));
  for (const e of state.elections) sel.append(el('option', { value: String(e.id), text: e.date ? `${fmtDate(e.date)} — ${nameOf(e)}` : nameOf(e) }));
  sel.value = String(state.election);
}

function renderAll() {
  renderElections();
  renderParties();
  renderFilters();
  if (state.tab === 'candidates') renderCandidates();
  if (state.tab === 'summary') renderSummary();
  if (state.tab === 'funds') renderFunds();
}

async function main() {
  await initI18n();
  onLangChange(renderAll);
  const q = new URLSearchParams(location.search);
  try {
    const all = (await getJSON('/api/v1/elections')).items || [];
    state.elections = all.filter((e) => e.type === 'parliamentary');
  } catch (e) {
    fail($('page-status'), e);
    return;
  }
  const wanted = Number(q.get('election'));
  const scheduled = state.elections.find((e) => e.status === 'scheduled' || e.status === 'open');
  // An election a link names is shown even if the list (cached a moment) does not have it yet.
  if (Number.isInteger(wanted) && wanted > 0 && !state.elections.some((e) => e.id === wanted)) {
    state.elections.unshift({ id: wanted, date: null, name_ru: String(wanted), name_ky: String(wanted), type: 'parliamentary' });
  }
  state.election = wanted > 0 ? wanted : (scheduled || state.elections[0] || {}).id;
  renderElections();
  $('election').addEventListener('change', () => {
    state.election = Number($('election').value);
    state.candidates = [];
    $('card').hidden = true;
    $('fund').hidden = true;
    loadParties();
    switchTab(state.tab);
  });
  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => switchTab(b.dataset.tab));
  $('candidate-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadCandidates();
  });
  $('candidates-more').addEventListener('click', () => loadCandidates(true));
  $('fund-more').addEventListener('click', () => showFund(state.fund, true));
  await loadParties();
  switchTab(q.get('tab') || 'parties');
}

main();
