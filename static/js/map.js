// Leaflet maps of polling stations. Leaflet itself is served by nginx at
// /vendor/leaflet/ (from node_modules) and must be loaded before this module.
// The page stays usable without map tiles (no internet, tile server down):
// markers and boundaries are drawn on a plain background and a note says so.
import { t } from './i18n.js';

export const TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
const TILE_WAIT_MS = 6000; // no tile by then: say the background is missing

/* Kyrgyzstan as a whole, for an empty map. */
export const COUNTRY_BOUNDS = [
  [39.2, 69.2],
  [43.3, 80.3],
];

export function leafletReady() {
  return typeof window.L === 'object' && window.L !== null && typeof window.L.map === 'function';
}

/* A map in el, or null (with a note in el) when Leaflet did not load. */
export function createMap(el) {
  if (!leafletReady()) {
    el.classList.add('map--unavailable');
    el.textContent = t('map.unavailable');
    return null;
  }
  const L = window.L;
  const map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.5 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

  const note = L.control({ position: 'bottomleft' });
  note.onAdd = () => {
    const div = L.DomUtil.create('div', 'map-note');
    div.setAttribute('role', 'note');
    div.dataset.i18n = 'map.offline';
    div.textContent = t('map.offline');
    div.hidden = true;
    return div;
  };
  note.addTo(map);
  const noteEl = note.getContainer();

  let loaded = 0;
  const offline = () => {
    if (loaded) return;
    el.classList.add('map--offline');
    noteEl.hidden = false;
  };
  const tiles = L.tileLayer(TILE_URL, { maxZoom: 19, attribution: TILE_ATTRIBUTION, crossOrigin: false });
  tiles.on('tileload', () => {
    loaded += 1;
    el.classList.remove('map--offline');
    noteEl.hidden = true;
  });
  tiles.on('tileerror', offline);
  tiles.addTo(map);
  const timer = window.setTimeout(offline, TILE_WAIT_MS);
  map.on('unload', () => window.clearTimeout(timer));
  map.fitBounds(COUNTRY_BOUNDS);
  return map;
}

export function hasCoords(station) {
  return station && Number.isFinite(station.lat) && Number.isFinite(station.lon);
}

/* A marker labelled with the station number (a div, so no image to load). */
export function stationMarker(station, { active = false } = {}) {
  const L = window.L;
  const label = String(station.number);
  const icon = L.divIcon({
    className: `station-pin${active ? ' station-pin--active' : ''}`,
    html: `<span>${label.replace(/[^0-9]/g, '')}</span>`,
    // a box wide enough for five digits; its bottom centre is the station
    iconSize: [60, 32],
    iconAnchor: [30, 32],
    popupAnchor: [0, -30],
  });
  return L.marker([station.lat, station.lon], {
    icon,
    keyboard: true,
    title: t('station.number', { number: station.number }),
    alt: t('station.number', { number: station.number }),
    riseOnHover: true,
  });
}

/* Fit the map to the layers, or to the country when there is nothing to show. */
export function fitTo(map, layers, maxZoom = 15) {
  const L = window.L;
  const group = L.featureGroup(layers.filter(Boolean));
  const b = group.getBounds();
  // no animation: a new result set replaces the old one at once
  if (b.isValid()) map.fitBounds(b, { padding: [28, 28], maxZoom, animate: false });
  else map.fitBounds(COUNTRY_BOUNDS, { animate: false });
}

export function osmLink(station) {
  const z = 17;
  return `https://www.openstreetmap.org/?mlat=${station.lat}&mlon=${station.lon}#map=${z}/${station.lat}/${station.lon}`;
}
