// The results site: the elections list and, for the chosen election, the
// national picture, a region, a district or a station. The place is in the
// address (?election=202701&region=4 | &district=7 | &station=1001), so any
// view can be linked and the Back button works; moving between views does
// not reload the page, and while the election is live every new signed
// report (Server-Sent Events) refreshes what is on screen, at most once a
// second and a half.
import { initI18n, onLangChange, t, getLang } from '/js/i18n.js';
import { getJSON, isAbort, errorText, cached } from '/js/api.js';
import { el, clear, setStatus } from '/js/dom.js';
import { electionsTable } from '/js/elections.js';
import { liveStream, liveSupported, throttle } from '/js/results-live.js';
import { fmtClock } from '/js/results-ui.js';
import { nationalView } from './national.js';
import { regionView, districtView } from './area.js';
import { stationView } from './station.js';
import { discrepanciesView } from './discrepancies.js';
import { parseRoute, href, navLink } from './nav.js';

const LIVE_STATUSES = ['scheduled', 'open', 'counting'];
const REFRESH_GAP_MS = 1500;
const CACHE_WAIT_MS = 1100; // the API's answers are cached for a second
const STALE_TRIES = 5;

// ---- state ----

let elections = null; // the CEC's list, or null while loading
let electionsError = null;
let route = null; // the chosen view's address (election resolved)
let view = null; // the view object of the chosen place
let answers = null; // the API's answers the view is drawn from
let failure = null;
let loading = false;
let live = null;
let liveState = null;
let lastUpdate = null;
let wantSeq = 0; // the newest relevant log entry announced by the stream
let staleTries = 0;
let ctl = null;

const $ = (id) => document.getElementById(id);

/* The election shown when the address names none: the latest that has
 * results, or that is still ahead with its contests registered. */
async function chooseElection(items) {
  const sorted = items.slice().sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id));
  for (const e of sorted) {
    if (e.results === true) return e;
    if (!LIVE_STATUSES.includes(e.status)) continue;
    try {
      const d = await getJSON(`/api/v1/elections/${e.id}`);
      const c = d && d.contests;
      if (c && (c.list || (Array.isArray(c.districts) && c.districts.length))) return e;
    } catch (err) {
      console.warn('election unavailable', e.id, err);
    }
  }
  return sorted[0] || null;
}

async function loadElections() {
  try {
    const data = await getJSON('/api/v1/elections');
    elections = Array.isArray(data.items) ? data.items.filter((e) => e && Number.isInteger(e.id)) : [];
    electionsError = null;
  } catch (e) {
    if (!elections) electionsError = e;
  }
}

function currentElection() {
  return elections && route ? elections.find((e) => e.id === route.election) || null : null;
}

// ---- the elections list ----

let electionsSig = null;

function renderElections() {
  const box = $('elections-table');
  const status = $('elections-status');
  const section = $('elections');
  const onList = !route || (!route.region && !route.district && !route.station && !route.discrepancies);
  section.hidden = !onList;
  const sig = JSON.stringify([elections, electionsError && electionsError.message, route && route.election, getLang()]);
  if (sig === electionsSig) return;
  electionsSig = sig;
  clear(box);
  if (electionsError) {
    setStatus(status, errorText(electionsError, t), 'error');
    return;
  }
  if (!elections) {
    setStatus(status, t('common.loading'), 'busy');
    return;
  }
  if (!elections.length) {
    setStatus(status, t('home.elections_empty'));
    return;
  }
  setStatus(status, '');
  const tbl = electionsTable(elections, t('results.elections_caption'), (e, name) =>
    route && e.id === route.election
      ? el('strong', { class: 'election-name', 'aria-current': 'page', text: name })
      : navLink({ election: e.id }, name, { class: 'election-name' }));
  [...tbl.tBodies[0].rows].forEach((tr, i) => {
    tr.dataset.election = String(elections[i].id);
    if (route && elections[i].id === route.election) tr.classList.add('is-current');
  });
  box.append(tbl);
}

// ---- the chosen view ----

function makeView(r) {
  if (r.discrepancies) return discrepanciesView(r);
  if (r.station) return stationView(r);
  if (r.district) return districtView(r);
  if (r.region) return regionView(r);
  return nationalView(r);
}

// The live indicator: one node, moved into each view's head, its text
// updated as the stream's state changes.
const liveEl = el('p', { class: 'live', id: 'live' });

function updateLiveLine() {
  const e = currentElection();
  const a = answers && view ? view.election(answers) : null;
  const status = (a && a.status) || (e && e.status);
  clear(liveEl);
  liveEl.className = 'live';
  delete liveEl.dataset.state;
  if (!status) return liveEl;
  if (!LIVE_STATUSES.includes(status)) {
    liveEl.classList.add('live--final');
    liveEl.append(el('span', { class: 'live__dot', 'aria-hidden': 'true' }), t(status === 'completed' ? 'results.final' : 'results.not_live'));
    return liveEl;
  }
  const s = liveSupported() ? liveState || 'connecting' : 'unsupported';
  liveEl.classList.add(`live--${s}`);
  liveEl.dataset.state = s;
  liveEl.append(el('span', { class: 'live__dot', 'aria-hidden': 'true' }), el('span', { class: 'live__state', text: t(`results.live_${s}`) }));
  if (lastUpdate) liveEl.append(' · ', el('span', { class: 'live__time', text: t('results.updated_at', { time: fmtClock(lastUpdate) }) }));
  return liveEl;
}

function renderCrumbs() {
  const nav = $('crumbs');
  const items = view && answers ? view.crumbs(answers) : [];
  nav.hidden = items.length < 2;
  clear(nav);
  if (nav.hidden) return;
  nav.append(
    el(
      'ol',
      {},
      items.map((c, i) =>
        el('li', {}, i === items.length - 1 ? el('span', { 'aria-current': 'page', text: c.label }) : navLink(c.route, c.label)),
      ),
    ),
  );
}

function render() {
  const status = $('page-status');
  const root = $('view');
  root.setAttribute('aria-busy', String(loading));
  renderElections();
  renderCrumbs();
  if (failure && !answers) {
    const notFound = failure.status === 404 || failure.status === 400; // a place that does not exist
    setStatus(status, notFound ? t(view ? view.notFound : 'results.election_not_found') : errorText(failure, t), 'error');
    clear(root);
    // a place that is not there: the way back to its election (or to the list)
    if (route && view && view.kind !== 'national') root.append(el('p', {}, navLink({ election: route.election }, t('results.back_to_election'))));
    delete root.dataset.view;
    document.title = t('results.title');
    return;
  }
  if (!answers) {
    setStatus(status, route ? t('common.loading') : elections && !elections.length ? '' : t('common.loading'), route || !elections ? 'busy' : '');
    delete root.dataset.view;
    return;
  }
  setStatus(status, failure ? t('results.refresh_failed', { why: errorText(failure, t) }) : '', failure ? 'error' : '');
  updateLiveLine();
  view.render(root, answers, { live: liveEl });
  // what is on screen, for scripts and tests: the view and the log position its figures include
  root.dataset.view = view.kind;
  root.dataset.election = String(route.election);
  root.dataset.seq = String(seqOf(answers));
  document.title = `${view.title(answers)} — ${t('results.title')}`;
}

/* The lowest log position among the answers: what the figures include. */
function seqOf(data) {
  let seq = Infinity;
  for (const a of Object.values(data)) {
    const e = a && a.election;
    if (e && typeof e === 'object') seq = Math.min(seq, e.log && Number.isFinite(e.log.seq) ? e.log.seq : 0);
  }
  return seq === Infinity ? 0 : seq;
}

async function load({ quiet = false } = {}) {
  if (!view) return;
  if (ctl) ctl.abort();
  ctl = new AbortController();
  const signal = ctl.signal;
  const v = view;
  loading = !quiet;
  if (!quiet) render();
  const paths = v.paths();
  const fixed = v.fixed ? v.fixed() : {};
  try {
    const got = await Promise.all([
      ...Object.entries(paths).map(async ([k, p]) => [k, await getJSON(p, { signal })]),
      // reference lists (the regions' places): once per page, and optional
      ...Object.entries(fixed).map(async ([k, p]) => [k, await cached(p).catch(() => null)]),
    ]);
    if (v !== view) return;
    const data = Object.fromEntries(got);
    if (!v.valid(data)) throw new Error('unexpected answer');
    answers = data;
    failure = null;
    lastUpdate = new Date();
    if (paths.elections) {
      const items = Array.isArray(data.elections.items) ? data.elections.items : null;
      if (items) elections = items.filter((e) => e && Number.isInteger(e.id));
    }
  } catch (e) {
    if (isAbort(e) || v !== view) return;
    failure = e;
    if (!quiet) answers = null;
  } finally {
    if (v === view) loading = false;
  }
  render();
  if (v === view && answers) startLive();
  // The API's answers are cached for a second: an answer from before the
  // report we were told about is asked for again.
  if (answers && seqOf(answers) < wantSeq && staleTries < STALE_TRIES) {
    staleTries += 1;
    refresh(CACHE_WAIT_MS);
  } else staleTries = 0;
}

const refresh = throttle(() => load({ quiet: true }), REFRESH_GAP_MS);

/* Follows the chosen election's stream while it is live; its status comes
 * from the results themselves (the elections list may be a second old). */
function startLive() {
  const e = currentElection();
  const a = answers && view ? view.election(answers) : null;
  const status = (a && a.status) || (e ? e.status : null);
  if (live && live.election === route.election) return;
  stopLive();
  if (!liveSupported() || !status || !LIVE_STATUSES.includes(status)) return;
  const stream = liveStream(route.election, {
    onState(s) {
      liveState = s;
      updateLiveLine();
    },
    onReport(ev) {
      if (!view || !view.relevant(ev)) return;
      if (Number.isFinite(ev.log_seq)) wantSeq = Math.max(wantSeq, ev.log_seq);
      refresh(CACHE_WAIT_MS);
    },
  });
  live = { election: route.election, stream };
}

function stopLive() {
  if (live) live.stream.close();
  live = null;
  liveState = null;
  wantSeq = 0;
}

async function navigate(search, { focus = false } = {}) {
  const r = parseRoute(search);
  if (!elections && !electionsError) await loadElections();
  if (!r.election) {
    const chosen = elections ? await chooseElection(elections) : null;
    if (chosen) {
      r.election = chosen.id;
      // the address names the election shown, so it can be shared
      history.replaceState(null, '', href(r));
    }
  }
  refresh.cancel();
  const same = route && view && route.election === r.election && route.region === r.region && route.district === r.district && route.station === r.station && route.discrepancies === r.discrepancies;
  route = r;
  complaintsNotice(r.election);
  if (!r.election) {
    view = null;
    answers = null;
    stopLive();
    render();
    return;
  }
  if (!same) {
    view = makeView(r);
    answers = null;
    failure = null;
    lastUpdate = null;
  }
  if (live && live.election !== r.election) stopLive();
  startLive();
  await load();
  if (focus) {
    const h1 = document.querySelector('#view h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }
}

/* The election's complaints still open, above its results, with a link to them in the registry. */
let complaintsFor = null;
async function complaintsNotice(election) {
  const box = $('complaints-open');
  if (complaintsFor === election) return;
  complaintsFor = election;
  box.hidden = true;
  if (!election) return;
  let d;
  try {
    d = await getJSON(`/api/v1/elections/${election}/complaints/dashboard`);
  } catch (e) {
    return; // the results stand without it
  }
  if (complaintsFor !== election || !d.open) return;
  clear(box).append(t('results.complaints_open', { n: d.open, overdue: d.overdue }), ' ',
    el('a', { href: `/complaints/?election=${election}`, text: t('results.complaints_link') }));
  box.hidden = false;
}

function onClick(e) {
  const a = e.target.closest && e.target.closest('a[data-nav]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname !== location.pathname) return;
  e.preventDefault();
  if (url.search !== location.search) history.pushState(null, '', url.pathname + url.search);
  navigate(url.search, { focus: true });
}

async function main() {
  await initI18n();
  onLangChange(render);
  onLangChange(() => {
    const e = complaintsFor;
    complaintsFor = null;
    complaintsNotice(e);
  });
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => navigate(location.search));
  window.addEventListener('results:go', (e) => {
    history.pushState(null, '', e.detail);
    navigate(new URL(e.detail, location.href).search, { focus: true });
  });
  render();
  await navigate(location.search);
}

main().catch((e) => console.error('results page failed to start', e));
