// "Check yourself in the list": PIN -> initials, status and polling station.
// The form checks the PIN's shape so a typo is explained at once, but the
// server is the judge: its 400 is shown as well.
import { t } from '/js/i18n.js';
import { latest, isAbort, errorText, cached } from '/js/api.js';
import { el, clear, dl, setStatus } from '/js/dom.js';
import { createMap, hasCoords, stationMarker, boundaryLayer, fitTo } from '/js/map.js';
import { stationFacts, stationPopup, isStation } from './station-view.js';

const PIN_DIGITS = 14;

/* null when the PIN looks right, else [translation key, vars]. */
export function pinProblem(pin) {
  if (pin === '') return ['check.pin_empty'];
  if (/\D/.test(pin)) return ['check.pin_not_digits'];
  if (pin.length !== PIN_DIGITS) return ['check.pin_length', { count: pin.length }];
  return null;
}

export function setupCheck() {
  const form = document.getElementById('check-form');
  const input = document.getElementById('pin');
  const fieldError = document.getElementById('pin-error');
  const status = document.getElementById('check-status');
  const result = document.getElementById('check-result');
  const request = latest();
  let shown = null; // what is on screen, so a language switch can redraw it
  let map = null;

  function dropMap() {
    if (map) map.remove();
    map = null;
  }

  function showFieldError(key, vars) {
    fieldError.textContent = t(key, vars);
    fieldError.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  }

  function clearFieldError() {
    fieldError.textContent = '';
    fieldError.hidden = true;
    input.setAttribute('aria-invalid', 'false');
  }

  function render() {
    dropMap();
    clear(result);
    clearFieldError();
    setStatus(status, '');
    if (!shown) return;
    switch (shown.kind) {
      case 'busy':
        setStatus(status, t('check.checking'), 'busy');
        break;
      case 'field':
        showFieldError(shown.key, shown.vars);
        break;
      case 'error':
        setStatus(status, errorText(shown.error, t), 'error');
        break;
      case 'not_on_list':
        result.append(
          el(
            'div',
            { class: 'notice notice--warning', id: 'check-not-on-list' },
            el('h3', { text: t('check.not_on_list_title') }),
            el('p', { text: t('check.not_on_list') }),
          ),
        );
        break;
      case 'voter':
        renderVoter(shown.voter);
        break;
      default:
        break;
    }
  }

  function renderVoter(v) {
    const s = v.station;
    const active = v.status === 'active';
    const statusText = t(`check.status_${v.status}`) === `check.status_${v.status}` ? v.status : t(`check.status_${v.status}`);
    const card = el(
      'article',
      { class: `card ${active ? 'card--ok' : 'card--warning'}`, id: 'check-voter' },
      el('h3', { class: 'card__title', text: active ? t('check.found') : statusText }),
      dl([
        [t('check.initials'), el('span', { class: 'initials', text: v.initials || t('common.none') })],
        [t('check.status'), statusText],
      ]),
      el('h4', { text: t('check.your_station_n', { number: s.number }) }),
      stationFacts(s),
    );
    result.append(card);
    if (hasCoords(s)) {
      const mapEl = el('div', { class: 'map map--station', id: 'check-map', role: 'region', 'aria-label': t('station.map_label', { number: s.number }) });
      card.append(mapEl);
      map = createMap(mapEl);
      if (map) {
        const marker = stationMarker(s, { active: true }).bindPopup(stationPopup(s)).addTo(map);
        map.setView([s.lat, s.lon], s.abroad ? 14 : 15);
        // the station's boundary (GET /api/v1/stations/N), when it has one
        const shownMap = map;
        if (!s.abroad)
          cached(`/api/v1/stations/${s.number}`)
            .then((d) => {
              const b = map === shownMap && d && boundaryLayer(d.station);
              if (!b) return;
              b.addTo(map);
              fitTo(map, [b, marker], 16);
            })
            .catch((e) => console.warn('station boundary unavailable', e));
      }
    }
  }

  async function check(pin) {
    shown = { kind: 'busy' };
    render();
    try {
      const data = await request(`/api/v1/tizme/voters/${encodeURIComponent(pin)}`);
      const v = data && data.voter;
      if (!v || !isStation(v.station)) throw new Error('unexpected answer');
      shown = { kind: 'voter', voter: v };
      render();
      // The live region reads the result; bring it into view on a small screen.
      const card = result.firstElementChild;
      if (card && card.scrollIntoView) card.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      if (isAbort(e)) return;
      if (e.status === 404) shown = { kind: 'not_on_list' };
      else if (e.status === 400) shown = { kind: 'field', key: 'check.pin_invalid' };
      else shown = { kind: 'error', error: e };
      render();
      if (shown.kind === 'field') input.focus();
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const pin = input.value.replace(/[\s-]/g, '');
    const problem = pinProblem(pin);
    if (problem) {
      shown = { kind: 'field', key: problem[0], vars: problem[1] };
      render();
      input.focus();
      return;
    }
    check(pin);
  });

  input.addEventListener('input', () => {
    if (input.getAttribute('aria-invalid') === 'true') {
      clearFieldError();
      if (shown && shown.kind === 'field') shown = null;
    }
  });

  return {
    relabel: render,
    shown: () => {
      if (map) map.invalidateSize();
    },
  };
}
