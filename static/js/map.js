// Leaflet maps of polling stations and regions. Leaflet itself is served by
// nginx at /vendor/leaflet/ (from node_modules) and must be loaded before this
// module. No map depends on an outside server: the regions' shapes (npm's
// @amcharts/amcharts4-geodata, served by nginx at /vendor/geodata/) are drawn
// on a plain background, and a tile layer is added only when the instance
// names one (TILE_URL: /config/maps.json). A configured tile server that does
// not answer leaves the shapes and markers usable, with a note saying so.
import { t } from './i18n.js';

const CONFIG_URL = '/config/maps.json';
const TILE_WAIT_MS = 6000; // a configured tile server: no tile by then, say the background is missing
export const GEODATA_URL = '/vendor/geodata/kyrgyzstanHigh.json';
export const GEODATA_LICENSE_URL = '/vendor/geodata/LICENSE';
// The geodata's licence asks for a visible attribution: kept in every map that draws the shapes.
export const SHAPES_ATTRIBUTION = `Region shapes: <a href="https://www.amcharts.com/" rel="noopener">amCharts</a> (<a href="${GEODATA_LICENSE_URL}">licence</a>)`;

/* Kyrgyzstan as a whole, for an empty map. */
export const COUNTRY_BOUNDS = [
  [39.2, 69.2],
  [43.3, 80.3],
];

export function leafletReady() {
  return typeof window.L === 'object' && window.L !== null && typeof window.L.map === 'function';
}

let config = null;
/* The instance's map settings: {tile_url, tile_attribution} (tile_url null: no tiles). */
export function mapsConfig() {
  if (!config) {
    config = fetch(CONFIG_URL, { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : {}))
      .then((c) => (c && typeof c === 'object' ? c : {}))
      .catch(() => ({}));
  }
  return config;
}

let shapes = null;
/* The regions' shapes (GeoJSON FeatureCollection; properties.id is the ISO 3166-2 code). */
export function regionShapes() {
  if (!shapes) {
    shapes = fetch(GEODATA_URL, { headers: { Accept: 'application/json' } }).then((r) => {
      if (!r.ok) throw new Error(`region shapes: HTTP ${r.status}`);
      return r.json();
    });
    shapes.catch(() => {
      shapes = null; // try again next time
    });
  }
  return shapes;
}

/* A feature of the country itself (not a foreign enclave inside its outline). */
export function isHome(feature) {
  return Boolean(feature && feature.properties && feature.properties.CNTRY === 'Kyrgyzstan');
}

/* The ISO 3166-2 code of a shape ("KG-B"). */
export function isoOf(feature) {
  return feature && feature.properties ? String(feature.properties.id || '') : '';
}

const ENCLAVE_STYLE = { color: '#9aa5b1', weight: 1, fillColor: '#d3d8de', fillOpacity: 1, dashArray: '3 3' };

/* The country's regions as a quiet background (under every other layer). */
function addBackdrop(map, alive, tiled) {
  regionShapes()
    .then((geo) => {
      if (!alive()) return;
      window.L.geoJSON(geo, {
        pane: 'backdrop',
        interactive: false,
        attribution: SHAPES_ATTRIBUTION,
        style: (f) => (isHome(f) ? { color: '#8d9aa7', weight: 1, fillColor: '#fbfbf8', fillOpacity: tiled ? 0 : 1 } : { ...ENCLAVE_STYLE, fillOpacity: tiled ? 0.3 : 1 }),
      }).addTo(map);
    })
    .catch((e) => console.warn('region shapes unavailable', e));
}

/* The configured tile layer, with the note shown while none of its tiles loads. */
function addTiles(map, el, cfg) {
  const L = window.L;
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
  const tiles = L.tileLayer(cfg.tile_url, { maxZoom: 19, attribution: cfg.tile_attribution || '', crossOrigin: false });
  tiles.on('tileload', () => {
    loaded += 1;
    el.classList.remove('map--offline');
    noteEl.hidden = true;
  });
  tiles.on('tileerror', offline);
  tiles.addTo(map);
  const timer = window.setTimeout(offline, TILE_WAIT_MS);
  map.on('unload', () => window.clearTimeout(timer));
}

/*
 * A map in el, or null (with a note in el) when Leaflet did not load. The
 * regions' shapes are its background (backdrop: false leaves them to the
 * page, which draws its own); tiles only when the instance configures them.
 */
export function createMap(el, { backdrop = true } = {}) {
  if (!leafletReady()) {
    el.classList.add('map--unavailable');
    el.textContent = t('map.unavailable');
    return null;
  }
  const L = window.L;
  const map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.5 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  // above the tiles (200), under the page's own shapes and markers (400+)
  map.createPane('backdrop').style.zIndex = '250';
  let gone = false;
  map.on('unload', () => {
    gone = true;
  });
  el.classList.add('map--plain');
  mapsConfig().then((cfg) => {
    if (gone) return;
    const tiled = typeof cfg.tile_url === 'string' && cfg.tile_url !== '';
    if (tiled) {
      el.classList.remove('map--plain');
      addTiles(map, el, cfg);
    }
    if (backdrop) addBackdrop(map, () => !gone, tiled);
  });
  map.fitBounds(COUNTRY_BOUNDS);
  return map;
}

/*
 * The regions coloured by the page: a GeoJSON layer of the shapes whose
 * features are matched to our regions by ISO code (regions: the API's
 * /api/v1/regions items). fill(id) gives a region's colour (null: no
 * figures), tip(id) its tooltip (a node or text), click(id) what a click
 * does. Foreign enclaves are drawn grey. Each region's path has the class
 * "region-shape region-shape--ID". Carries the shapes' attribution.
 */
export function regionsLayer(geo, regions, { fill, tip, click, empty = '#e3e7eb' } = {}) {
  const L = window.L;
  const byIso = new Map((regions || []).filter((r) => r && r.iso_code).map((r) => [r.iso_code, r.id]));
  return L.geoJSON(geo, {
    attribution: SHAPES_ATTRIBUTION,
    filter: (f) => !isHome(f) || byIso.has(isoOf(f)),
    style: (f) => {
      if (!isHome(f)) return { ...ENCLAVE_STYLE, interactive: false, className: 'region-enclave' };
      const id = byIso.get(isoOf(f));
      const color = fill ? fill(id) : null;
      return { color: '#ffffff', weight: 1.5, fillColor: color || empty, fillOpacity: 0.85, className: `region-shape region-shape--${id}` };
    },
    onEachFeature: (f, layer) => {
      if (!isHome(f)) return;
      const id = byIso.get(isoOf(f));
      if (tip) layer.bindTooltip(() => tip(id), { sticky: true, direction: 'top' });
      if (click) layer.on('click', () => click(id));
    },
  });
}

/*
 * A region's station boundaries at the detail of the map's zoom (three
 * levels: zoom 0..8, 9..11, 12..20; the published files of
 * GET /api/v1/maps/regions/{id}/stations.geojson?zoom=Z). Cached per region
 * and level for the page's life.
 */
const boundaries = new Map();
export function mapLevel(zoom) {
  const z = Math.max(0, Math.min(20, Math.round(zoom)));
  return z <= 8 ? 8 : z <= 11 ? 11 : 20;
}
export function regionBoundaries(region, zoom) {
  const key = `${region}/${mapLevel(zoom)}`;
  if (!boundaries.has(key)) {
    const p = fetch(`/api/v1/maps/regions/${encodeURIComponent(region)}/stations.geojson?zoom=${mapLevel(zoom)}`, { headers: { Accept: 'application/json' } }).then((r) => {
      if (!r.ok) throw new Error(`boundaries of region ${region}: HTTP ${r.status}`);
      return r.json();
    });
    p.catch(() => boundaries.delete(key));
    boundaries.set(key, p);
  }
  return boundaries.get(key);
}

/* A station's boundary (the API's "boundary": GeoJSON of its area), or null. */
export function boundaryLayer(station) {
  if (!station || !station.boundary || typeof station.boundary !== 'object') return null;
  try {
    return window.L.geoJSON(station.boundary, { style: { color: '#b0101f', weight: 2, fillOpacity: 0.08, className: 'station-boundary' }, interactive: false });
  } catch (e) {
    console.warn('station boundary not drawable', e);
    return null;
  }
}

/* Each region's shape bounds by ISO code (to find the regions a view shows). */
const shapeBounds = new WeakMap();
export function regionBounds(geo) {
  if (!shapeBounds.has(geo)) {
    const out = new Map();
    window.L.geoJSON(geo, { filter: isHome }).eachLayer((l) => out.set(isoOf(l.feature), l.getBounds()));
    shapeBounds.set(geo, out);
  }
  return shapeBounds.get(geo);
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
