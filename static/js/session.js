// Signed-in pages (voter's cabinet, identification operator, TEC administrator):
// who is signed in (GET /api/v1/me), POSTs that carry the session's CSRF
// token, signing out, and the parts of the page every such page has — the
// "signed in as … / sign out" bar, the sign-in invitation for a visitor who
// is not signed in and the notice for one whose role does not allow the page.
//
// The markup each page provides (ids): #page-status, #userbar (with
// #userbar-name and #signout), #signin, #norole, #content; and in the site
// navigation, links with data-role="operator" / "tec_admin cec_admin" shown only to
// those who have the role.
import { t, onLangChange } from './i18n.js';
import { ApiError, getJSON, request, errorText } from './api.js';
import { setStatus } from './dom.js';

let me = null;

/* The signed-in person ({pin_masked, name, roles, csrf_token, expires_at}), or
 * null when nobody is signed in. Other failures are thrown. */
export async function loadMe() {
  try {
    me = await getJSON('/api/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = null;
      return null;
    }
    throw e;
  }
  return me;
}

export function currentUser() {
  return me;
}

/* The grants of a role: [{role, commission_id?}, …]. */
export function grants(role) {
  if (!me || !Array.isArray(me.roles)) return [];
  return me.roles.filter((r) => r && r.role === role);
}

export function hasRole(role) {
  return grants(role).length > 0;
}

/* POST (or another method) a JSON body with the CSRF token; the parsed body
 * of a 2xx answer, else an ApiError like getJSON's. */
export function sendJSON(path, body, { method = 'POST' } = {}) {
  return request(path, { method, body, headers: { 'X-CSRF-Token': (me && me.csrf_token) || '' } });
}

/* POST a file's bytes (an upload to the document store) with the CSRF token: as sendJSON. */
export function sendFile(path, file) {
  return sendJSON(path, file);
}

/* The text for a failure on a signed-in page: what 401 and 403 mean here,
 * then the general messages of api.js. */
export function failureText(e) {
  if (e instanceof ApiError && e.kind === 'http') {
    if (e.status === 401) return t('auth.expired');
    if (e.status === 403 && e.code === 'csrf_token_missing') return t('auth.csrf');
    if (e.status === 403) return t('auth.forbidden');
  }
  return errorText(e, t);
}

// ---- the page's frame ----

let pageRole = null;
let signOutBusy = false;
let frameState = 'loading'; // loading | signin | expired | norole | ready | error
let frameError = null;

function byId(id) {
  return document.getElementById(id);
}

function renderFrame() {
  const status = byId('page-status');
  const userbar = byId('userbar');
  const signin = byId('signin');
  const norole = byId('norole');
  const content = byId('content');
  const expired = byId('signin-expired');

  if (frameState === 'loading') setStatus(status, t('auth.checking'), 'busy');
  else if (frameState === 'error') setStatus(status, failureText(frameError), 'error');
  else setStatus(status, '');

  const signedIn = Boolean(me) && (frameState === 'ready' || frameState === 'norole');
  userbar.hidden = !signedIn;
  if (signedIn) {
    byId('userbar-name').textContent = t('auth.signed_in_as', { name: me.name || '', pin: me.pin_masked || '' });
  }
  signin.hidden = !(frameState === 'signin' || frameState === 'expired');
  if (expired) expired.hidden = frameState !== 'expired';
  norole.hidden = frameState !== 'norole';
  content.hidden = frameState !== 'ready';

  // links to the staff pages, for those who may open them
  document.querySelectorAll('[data-role]').forEach((a) => {
    a.hidden = !(me && a.dataset.role.split(' ').some(hasRole)); // any of the roles named
  });
}

/* Signs out and shows the sign-in invitation. */
async function signOut() {
  if (signOutBusy) return;
  signOutBusy = true;
  const button = byId('signout');
  button.disabled = true;
  setStatus(byId('page-status'), t('auth.signing_out'), 'busy');
  try {
    await sendJSON('/auth/logout', {});
  } catch (e) {
    // An ended session is signed out already; anything else is told.
    if (!(e instanceof ApiError && e.status === 401)) {
      setStatus(byId('page-status'), failureText(e), 'error');
      button.disabled = false;
      signOutBusy = false;
      return;
    }
  }
  signOutBusy = false;
  button.disabled = false;
  me = null;
  frameState = 'signin';
  renderFrame();
  setStatus(byId('page-status'), t('auth.signed_out'));
  document.dispatchEvent(new CustomEvent('shailoo:signedout'));
  byId('signin-link').focus();
}

/* Called by a page when an API call answered 401: the session has ended. */
// A 401 or a role refusal from the API: shows it; true if it was one of those.
export function apiFailed(e) {
  if (e && e.status === 401) {
    sessionEnded();
    return true;
  }
  if (e && e.status === 403 && e.code === 'forbidden') {
    roleRefused();
    return true;
  }
  return false;
}

export function sessionEnded() {
  me = null;
  frameState = 'expired';
  renderFrame();
  document.dispatchEvent(new CustomEvent('shailoo:signedout'));
}

/* Called by a page when the API said 403 forbidden for the page's role. */
export function roleRefused() {
  frameState = 'norole';
  renderFrame();
}

/* Finds out who is signed in and shows the right part of the page.
 * role: the role the page needs (null: any signed-in person).
 * Resolves to the person when the page may show its content, else null. */
export async function startFrame(role) {
  pageRole = role;
  byId('signout').addEventListener('click', signOut);
  onLangChange(renderFrame);
  renderFrame();
  try {
    await loadMe();
  } catch (e) {
    frameState = 'error';
    frameError = e;
    renderFrame();
    return null;
  }
  if (!me) frameState = 'signin';
  else if (pageRole && !hasRole(pageRole)) frameState = 'norole';
  else frameState = 'ready';
  renderFrame();
  return frameState === 'ready' ? me : null;
}

// ---- dates and times ----

const ZONE = 'Asia/Bishkek'; // the country's time, whatever the browser's zone

function zoned(iso, opts) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return null;
  try {
    return new Intl.DateTimeFormat('ru-RU', { timeZone: ZONE, ...opts }).formatToParts(d);
  } catch {
    return new Intl.DateTimeFormat('ru-RU', opts).formatToParts(d);
  }
}

/* "2026-11-25T21:36:13+00:00" -> "26.11.2026 03:36" (Bishkek time). */
export function fmtDateTime(iso) {
  const parts = zoned(iso, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  if (!parts) return t('common.none');
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.day}.${p.month}.${p.year}\u00a0${p.hour}:${p.minute}`;
}

/* "YYYY-MM-DD" plus n days (n may be negative), as "YYYY-MM-DD". */
export function addDays(isoDate, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate || '');
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return d.toISOString().slice(0, 10);
}

/* Today in Bishkek as "YYYY-MM-DD". */
export function todayISO() {
  const parts = zoned(new Date().toISOString(), { year: 'numeric', month: '2-digit', day: '2-digit' });
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export { label } from './i18n.js';
