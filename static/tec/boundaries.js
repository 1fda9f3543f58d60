// The TEC administrator redraws station boundaries: a station and the
// stations whose areas touch it on a map; the commission's own areas can be
// edited (vertices dragged, with leaflet-geoman from npm); a preview says how
// many addresses and voters would change station, and the change, with its
// reason, moves them in one transaction (PUT /api/v1/tec/boundaries).
import { t, fmtInt } from '/js/i18n.js';
import { getJSON } from '/js/api.js';
import { el, clear, table, setStatus } from '/js/dom.js';
import { sendJSON, failureText, grants, hasRole } from '/js/session.js';
import { createMap } from '/js/map.js';

const $ = (id) => document.getElementById(id);

const state = {
  station: null, // the number opened
  items: [], // GET .../neighbours items
  layers: new Map(), // number -> Leaflet polygon layer
  edited: new Set(), // numbers whose area was edited
  editors: new Map(), // number -> makes that neighbour's area editable
  busy: false,
};
let map = null;
let group = null;

// The commission's own stations are drawn as such; only the station opened is
// edited: what it takes, its neighbours lose (the server cuts them).
function ours(item) {
  if (hasRole('cec_admin')) return true;
  return grants('tec_admin').some((g) => g.commission_id === item.commission_id);
}

// The refusals a boundary change can meet, in the page's language.
const REFUSALS = ['outside_scope', 'addresses_uncovered', 'areas_overlap', 'station_left_without_area',
  'area_outside_region', 'invalid_area'];
function refusalText(e) {
  return e && REFUSALS.includes(e.code) ? t(`tec.boundary_err_${e.code}`) : failureText(e);
}

function drawStations() {
  if (!map) {
    map = createMap($('boundary-map'));
    // The element keeps its map: tests (and a curious administrator's console) reach it.
    if (map) $('boundary-map').leafletMap = map;
  }
  if (!map) return;
  const L = window.L;
  if (group) group.remove();
  group = L.featureGroup().addTo(map);
  state.layers.clear();
  state.edited.clear();
  state.editors.clear();
  for (const item of state.items) {
    if (!item.area) continue;
    const own = ours(item);
    const main = item.number === state.station;
    const layer = L.geoJSON(item.area, {
      style: {
        color: main ? '#b0101f' : own ? '#1f5fa8' : '#777',
        weight: main ? 3 : 2,
        fillOpacity: own ? 0.12 : 0.04,
        dashArray: own ? null : '4 4',
        className: `station-area station-area--${item.number}`,
      },
    });
    layer.eachLayer((poly) => {
      poly.bindTooltip(t('tec.boundary_label', { number: item.number, voters: fmtInt(item.voters) }), { sticky: true });
      state.layers.set(item.number, poly);
      group.addLayer(poly); // on the map first: geoman edits only what is drawn
      const edit = () => {
        if (poly.pm.enabled()) return;
        poly.pm.enable({ allowSelfIntersection: false, draggable: false, snappable: true });
        poly.on('pm:edit', () => {
          state.edited.add(item.number);
          renderEdits();
        });
      };
      // The opened station is edited at once; a neighbour of the commission when asked for (a button
      // below the map), so that one change can give what one station loses to another.
      if (own && poly.pm) {
        if (main) edit();
        else state.editors.set(item.number, edit);
      }
    });
    if (item.lat != null && item.lon != null) {
      L.circleMarker([item.lat, item.lon], {
        radius: 4, color: '#222', weight: 1, fillOpacity: 0.8, pmIgnore: true, className: `station-centre station-centre--${item.number}`,
      })
        .bindTooltip(String(item.number))
        .addTo(group);
    }
  }
  renderAlso();
  // The station opened fills the map; its neighbours show around it.
  const main = state.layers.get(state.station);
  if (main) map.fitBounds(main.getBounds(), { padding: [40, 40] });
  else if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [12, 12] });
}

// Buttons for the commission's neighbours: each makes that area editable too.
function renderAlso() {
  const box = clear($('boundary-also'));
  const numbers = [...state.editors.keys()].sort((a, b) => a - b);
  if (!numbers.length) return;
  box.append(
    el('span', { text: t('tec.boundary_also') }),
    ...numbers.map((n) =>
      el('button', {
        type: 'button',
        class: 'button button--secondary button--small',
        dataset: { station: String(n) },
        text: String(n),
        onclick: (e) => {
          state.editors.get(n)();
          e.currentTarget.disabled = true;
        },
      }),
    ),
  );
}

function areaOf(number) {
  const layer = state.layers.get(number);
  return layer ? layer.toGeoJSON(false).geometry : null; // unrounded: shared edges stay shared
}

function body() {
  return {
    reason: $('boundary-reason').value.trim(),
    stations: [...state.edited].sort((a, b) => a - b).map((number) => ({ number, area: areaOf(number) })),
  };
}

function renderEdits() {
  const n = state.edited.size;
  $('boundary-preview').disabled = state.busy || n === 0;
  $('boundary-apply').disabled = state.busy || n === 0;
  $('boundary-edited').textContent = n ? t('tec.boundary_edited', { stations: [...state.edited].join(', ') }) : t('tec.boundary_hint');
}

function renderResult(c) {
  const box = clear($('boundary-result'));
  if (!c) return;
  const name = (n) => {
    const item = state.items.find((x) => x.number === n);
    return item ? `${n} — ${item.name}` : String(n);
  };
  box.append(
    el('p', { class: c.preview ? 'notice' : 'notice notice--ok', text: t(c.preview ? 'tec.boundary_would' : 'tec.boundary_done', {
      addresses: fmtInt(c.addresses_moved), voters: fmtInt(c.voters_moved),
    }) }),
    table({
      caption: t('tec.boundary_caption'),
      columns: [{ label: t('tec.boundary_col_station') }, { label: t('tec.boundary_col_in'), num: true }, { label: t('tec.boundary_col_out'), num: true }],
      rows: c.stations.map((s) => [name(s.number), fmtInt(s.came_in), fmtInt(s.left)]),
    }),
  );
  if (!c.preview) {
    box.append(el('p', {}, el('a', { href: `/tizme/?station=${state.station}#stations`, text: t('tec.boundary_public') })));
  }
}

async function send(preview) {
  const b = body();
  if (b.reason.length < 10) {
    setStatus($('boundary-status'), t('tec.boundary_reason_short'), 'error');
    $('boundary-reason').focus();
    return;
  }
  state.busy = true;
  renderEdits();
  setStatus($('boundary-status'), t('common.loading'), 'busy');
  try {
    const c = preview
      ? await sendJSON('/api/v1/tec/boundaries/preview', b)
      : await sendJSON('/api/v1/tec/boundaries', b, { method: 'PUT' });
    state.busy = false;
    if (!preview) await open(state.station, { keepResult: true });
    renderResult(c);
    setStatus($('boundary-status'), '');
  } catch (e) {
    state.busy = false;
    setStatus($('boundary-status'), refusalText(e), 'error');
  }
  renderEdits();
}

async function open(number, { keepResult = false } = {}) {
  state.station = number;
  if (!keepResult) renderResult(null);
  setStatus($('boundary-status'), t('common.loading'), 'busy');
  try {
    const d = await getJSON(`/api/v1/stations/${number}/neighbours`);
    state.items = Array.isArray(d.items) ? d.items : [];
  } catch (e) {
    state.items = [];
    $('boundary-map').hidden = true;
    $('boundary-edit').hidden = true;
    setStatus($('boundary-status'), failureText(e), 'error');
    return;
  }
  if (!state.items.length || !state.items[0].area) {
    setStatus($('boundary-status'), t('tec.boundary_no_area'), 'error');
    return;
  }
  $('boundary-map').hidden = false;
  $('boundary-edit').hidden = false;
  drawStations();
  if (map) map.invalidateSize();
  setStatus($('boundary-status'), '');
  renderEdits();
}

export function wireBoundaries() {
  $('boundary-pick').addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number($('boundary-station').value);
    if (Number.isInteger(n) && n >= 1001 && n <= 9999) open(n);
    else setStatus($('boundary-status'), t('tec.boundary_bad_number'), 'error');
  });
  $('boundary-preview').addEventListener('click', () => send(true));
  $('boundary-apply').addEventListener('click', () => send(false));
  $('boundary-reset').addEventListener('click', () => state.station && open(state.station));
}
