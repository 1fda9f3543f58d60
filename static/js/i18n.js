// Translations for every Shailoo page: the UI text lives in /i18n/{lang}.json.
// Markup names its text with data-i18n="key" (textContent) and
// data-i18n-attr="attr:key;attr:key"; scripts call t("key", {var: value}).
// The chosen language is remembered in localStorage and set on <html lang>.

const LANGS = ['ky', 'ru', 'en'];
const DEFAULT_LANG = 'ru';
const STORAGE_KEY = 'shailoo.lang';

let lang = DEFAULT_LANG;
let dict = {};
const listeners = [];
const cache = new Map();

function stored() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null; // storage disabled: fall back to the default
  }
}

function remember(v) {
  try {
    window.localStorage.setItem(STORAGE_KEY, v);
  } catch {
    /* not remembered, still switched */
  }
}

async function load(l) {
  if (!cache.has(l)) {
    const res = await fetch(`/i18n/${l}.json`, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`i18n ${l}: HTTP ${res.status}`);
    cache.set(l, await res.json());
  }
  return cache.get(l);
}

function lookup(key) {
  let v = dict;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return v;
}

/* The text for key with {name} placeholders filled from vars; the key itself
 * when the translation is missing, so a gap is visible, not blank. */
export function t(key, vars) {
  const v = lookup(key);
  if (typeof v !== 'string') return key;
  if (!vars) return v;
  return v.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/* A list (e.g. month names) from the dictionary, or []. */
export function tList(key) {
  const v = lookup(key);
  return Array.isArray(v) ? v : [];
}

export function getLang() {
  return lang;
}

/* The localized name of an object with name_ru / name_ky (English falls back to Russian). */
export function nameOf(obj) {
  if (!obj) return '';
  return obj[`name_${lang}`] || obj.name_ru || obj.name_ky || '';
}

export function applyTranslations(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  root.querySelectorAll('[data-i18n-attr]').forEach((el) => {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  });
}

function markSwitch() {
  document.querySelectorAll('[data-lang]').forEach((b) => {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  });
}

export async function setLang(l) {
  if (!LANGS.includes(l)) l = DEFAULT_LANG;
  dict = await load(l);
  lang = l;
  document.documentElement.lang = l;
  remember(l);
  applyTranslations();
  markSwitch();
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

/* Loads the remembered language, translates the page and wires the switch. */
export async function initI18n() {
  document.querySelectorAll('[data-lang]').forEach((b) => {
    b.addEventListener('click', () => {
      setLang(b.dataset.lang).catch((e) => console.warn('language switch failed', e));
    });
  });
  try {
    await setLang(stored() || DEFAULT_LANG);
  } catch (e) {
    // The Russian dictionary is the last resort; a page without text is useless.
    console.warn('translations failed to load', e);
    if (lang !== DEFAULT_LANG || !Object.keys(dict).length) {
      await setLang(DEFAULT_LANG).catch((e2) => console.warn('no translations at all', e2));
    }
  } finally {
    document.documentElement.classList.remove('i18n-pending'); // the page is ready
  }
}

// ---- numbers and dates, one style for every language (ru-RU) ----

/* 3703420 -> "3 703 420" with no-break spaces, so a number never wraps. */
export function fmtInt(n) {
  if (n == null || !Number.isFinite(Number(n))) return t('common.none');
  const s = String(Math.round(Math.abs(Number(n))));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return (Number(n) < 0 ? '\u2212' : '') + grouped;
}

export function fmtSigned(n) {
  if (n == null || !Number.isFinite(Number(n))) return t('common.none');
  return (n > 0 ? '+' : n === 0 ? '\u00b1' : '') + fmtInt(n);
}

/* Axis labels: 1500000 -> "1,5 млн", 3550000 -> "3,55 млн", 200000 -> "200 тыс.", 950 -> "950". */
export function fmtCompact(n) {
  const x = Number(n);
  if (!Number.isFinite(x)) return '';
  const a = Math.abs(x);
  const short = (v, unit) => `${String(Math.round(v * 100) / 100).replace('.', ',')}\u00a0${t(unit)}`;
  if (a >= 1e6) return short(x / 1e6, 'common.million_short');
  if (a >= 1e4) return short(x / 1e3, 'common.thousand_short');
  return fmtInt(x);
}

/* 51.4712 -> "51,5 %" */
export function fmtPct(x, digits = 1) {
  if (x == null || !Number.isFinite(Number(x))) return t('common.none');
  return `${Number(x).toFixed(digits).replace('.', ',')}\u00a0%`;
}

export function share(part, whole) {
  return whole ? (100 * part) / whole : null;
}

function dateParts(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? { y: m[1], m: Number(m[2]), d: m[3] } : null;
}

/* "2026-11-25" -> "25.11.2026" */
export function fmtDate(iso) {
  const p = dateParts(iso);
  return p ? `${p.d}.${String(p.m).padStart(2, '0')}.${p.y}` : t('common.none');
}

/* "2024-12-01" -> "декабрь 2024" (short: "дек 2024") */
export function fmtMonth(iso, short = false) {
  const p = dateParts(iso);
  if (!p) return t('common.none');
  const names = tList(short ? 'months_short' : 'months');
  return `${names[p.m - 1] || p.m} ${p.y}`;
}

/* A translation of prefix.value, or the value itself when there is none. */
export function label(prefix, value) {
  const key = `${prefix}.${value}`;
  const s = t(key);
  return s === key ? String(value) : s;
}
