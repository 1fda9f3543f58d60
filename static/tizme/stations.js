// "Find your polling station": search + region/district filters -> a paged
// list, the stations of the page on a map, and the details of one station.
import { t, nameOf, fmtInt } from '/js/i18n.js';
import { latest, isAbort, errorText, cached } from '/js/api.js';
import { el, clear, setStatus } from '/js/dom.js';
import { createMap, hasCoords, stationMarker, fitTo, boundaryLayer, regionShapes, regionBounds, regionBoundaries, mapLevel } from '/js/map.js';
import { stationFacts, stationPopup, isStation } from './station-view.js';
import { stationFlows } from './flows.js';

export function setupStations() {
  const form = document.getElementById('station-form');
  const q = document.getElementById('station-q');
  const regionSel = document.getElementById('station-region');
  const districtSel = document.getElementById('station-district');
  const status = document.getElementById('station-status');
  const list = document.getElementById('station-list');
  const pager = document.getElementById('station-pager');
  const prev = document.getElementById('station-prev');
  const next = document.getElementById('station-next');
  const pageLabel = document.getElementById('station-page');
  const mapEl = document.getElementById('stations-map');
  const mapNote = document.getElementById('stations-map-note');
  const detail = document.getElementById('station-detail');

  const search = latest();
  const details = latest();
  let regions = [];
  let districts = [];
  let query = { q: '', region: '', district: '', page: 1 };
  let result = null; // {items, page, per_page, total} or {error}
  let selected = null; // {number, station?, error?, busy?}
  let map = null;
  let markers = new Map();
  let boundary = null;
  let areas = null; // the boundaries and centres of the regions in view, zoomed in
  let areasKey = '';
  let started = false;

  // ---- filters ----

  function fillRegions() {
    const keep = regionSel.value;
    regionSel.replaceChildren(el('option', { value: '', text: t('common.all_regions') }));
    for (const r of regions) regionSel.append(el('option', { value: String(r.id), text: nameOf(r) }));
    regionSel.value = keep;
  }

  function fillDistricts() {
    const keep = districtSel.value;
    const region = regionSel.value;
    districtSel.replaceChildren(el('option', { value: '', text: t('stations.all_districts') }));
    for (const d of districts) {
      if (region && String(d.region_id) !== region) continue;
      districtSel.append(el('option', { value: String(d.number), text: t('stations.district_option', { number: d.number, name: nameOf(d) }) }));
    }
    districtSel.value = [...districtSel.options].some((o) => o.value === keep) ? keep : '';
  }

  async function loadFilters() {
    try {
      const data = await cached('/api/v1/regions');
      regions = Array.isArray(data.items) ? data.items : [];
      fillRegions();
    } catch (e) {
      console.warn('regions unavailable', e);
    }
    try {
      const data = await cached('/api/v1/districts');
      districts = Array.isArray(data.items) ? data.items : [];
      fillDistricts();
    } catch (e) {
      console.warn('districts unavailable', e);
    }
  }

  // ---- search ----

  function params() {
    const p = new URLSearchParams();
    if (query.q) p.set('q', query.q);
    if (query.region) p.set('region', query.region);
    if (query.district) p.set('district', query.district);
    if (query.page > 1) p.set('page', String(query.page));
    const s = p.toString();
    return s ? `?${s}` : '';
  }

  async function run() {
    setStatus(status, t('stations.searching'), 'busy');
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await search(`/api/v1/stations${params()}`);
      if (!Array.isArray(data.items)) throw new Error('unexpected answer');
      result = {
        items: data.items.filter(isStation),
        page: Number(data.page) || query.page,
        per_page: Number(data.per_page) || 20,
        total: Number(data.total) || 0,
      };
    } catch (e) {
      if (isAbort(e)) return;
      result = { error: e };
    }
    list.removeAttribute('aria-busy');
    renderResult();
  }

  function pages() {
    return Math.max(1, Math.ceil(result.total / result.per_page));
  }

  function renderResult() {
    clear(list);
    if (!result) return;
    if (result.error) {
      setStatus(status, errorText(result.error, t), 'error');
      pager.hidden = true;
      drawMarkers([]);
      return;
    }
    if (result.total === 0 || result.items.length === 0) {
      setStatus(status, t('stations.none'));
      pager.hidden = true;
      drawMarkers([]);
      return;
    }
    setStatus(status, t('stations.found', { total: fmtInt(result.total), page: result.page, pages: pages() }));
    for (const s of result.items) {
      const isSel = selected && selected.number === s.number;
      const where = s.abroad ? s.country || t('common.abroad') : s.region ? nameOf(s.region) : '';
      list.append(
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'station-item',
              'aria-current': isSel ? 'true' : null,
              dataset: { number: String(s.number) },
              onclick: () => select(s.number),
            },
            el('span', { class: 'station-item__number', text: t('station.number', { number: s.number }) }),
            el('span', { class: 'station-item__name', text: s.name }),
            el('span', { class: 'station-item__address', text: [s.address, where && !s.address.includes(where) ? where : null, hasCoords(s) ? null : t('stations.no_coords_short')].filter(Boolean).join(' · ') }),
          ),
        ),
      );
    }
    pager.hidden = pages() <= 1;
    prev.disabled = result.page <= 1;
    next.disabled = result.page >= pages();
    pageLabel.textContent = t('stations.page_of', { page: result.page, pages: pages() });
    drawMarkers(result.items);
  }

  // ---- map ----

  function ensureMap() {
    if (!map && !mapEl.classList.contains('map--unavailable')) {
      map = createMap(mapEl);
      if (map) map.on('zoomend moveend', () => drawAreas());
    }
    return map;
  }

  // Zoomed in (AREAS_ZOOM and closer), the map shows every station's
  // boundary and centre in the regions in view, as the CEC's map does, at
  // the detail of the zoom (GET /api/v1/maps/regions/{id}/stations.geojson);
  // a click on one shows that station.
  const AREAS_ZOOM = 9;
  async function drawAreas() {
    if (!map) return;
    const zoom = map.getZoom();
    const drop = () => {
      if (areas) areas.remove();
      areas = null;
      areasKey = '';
      mapEl.dataset.areas = '';
    };
    if (zoom < AREAS_ZOOM || !regions.length) return drop();
    let geo;
    try {
      geo = await regionShapes();
    } catch {
      return drop();
    }
    const bounds = regionBounds(geo);
    const view = map.getBounds();
    const ids = regions.filter((r) => r.iso_code && bounds.has(r.iso_code) && bounds.get(r.iso_code).intersects(view)).map((r) => r.id);
    const key = `${mapLevel(zoom)}:${ids.join(',')}`;
    if (key === areasKey) return;
    areasKey = key;
    const sets = await Promise.all(ids.map((id) => regionBoundaries(id, zoom).catch((e) => (console.warn('boundaries unavailable', e), null))));
    if (key !== areasKey || !map) return;
    const L = window.L;
    const group = L.featureGroup();
    for (const fc of sets) {
      if (!fc || !Array.isArray(fc.features)) continue;
      L.geoJSON(fc, {
        style: { color: '#1f5fa8', weight: 1, fillColor: '#1f5fa8', fillOpacity: 0.05, className: 'station-area' },
        onEachFeature: (f, layer) => {
          const n = f.properties.number;
          layer.bindTooltip(`${t('station.number', { number: n })}: ${f.properties.name}`, { sticky: true });
          layer.on('click', () => select(n));
          layer.on('add', () => {
            const e = layer.getElement && layer.getElement();
            if (e) e.dataset.number = String(n);
          });
        },
      }).addTo(group);
      for (const f of fc.features) {
        const p = f.properties;
        if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon) || markers.has(p.number)) continue;
        L.circleMarker([p.lat, p.lon], { radius: 4, color: '#ffffff', weight: 1, fillColor: '#1f5fa8', fillOpacity: 1, className: 'station-centre' })
          .bindTooltip(t('station.number', { number: p.number }))
          .on('click', () => select(p.number))
          .addTo(group);
      }
    }
    if (areas) areas.remove();
    areas = group.addTo(map);
    areas.bringToBack();
    mapEl.dataset.areas = ids.join(',');
    mapEl.dataset.level = String(mapLevel(zoom));
  }

  function drawMarkers(items) {
    if (!ensureMap()) return;
    for (const m of markers.values()) m.remove();
    markers = new Map();
    if (boundary) boundary.remove();
    boundary = null;
    const layers = [];
    let missing = 0;
    for (const s of items) {
      if (!hasCoords(s)) {
        missing += 1;
        continue;
      }
      const active = selected && selected.number === s.number;
      const m = stationMarker(s, { active }).bindPopup(() => stationPopup(s, select));
      m.addTo(map);
      markers.set(s.number, m);
      layers.push(m);
    }
    mapNote.hidden = missing === 0;
    mapNote.textContent = missing ? t('stations.not_on_map', { count: missing }) : '';
    fitTo(map, layers, 14);
  }

  // ---- details ----

  async function select(number) {
    selected = { number, busy: true };
    renderDetail();
    for (const b of list.querySelectorAll('.station-item')) {
      if (b.dataset.number === String(number)) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    try {
      const data = await details(`/api/v1/stations/${number}`);
      if (!isStation(data.station)) throw new Error('unexpected answer');
      selected = { number, station: data.station };
    } catch (e) {
      if (isAbort(e)) return;
      selected = { number, error: e };
    }
    renderDetail();
    showOnMap();
    detail.focus({ preventScroll: false });
  }

  function renderDetail() {
    clear(detail);
    if (!selected) {
      detail.hidden = true;
      return;
    }
    detail.hidden = false;
    const heading = el('h3', { text: t('stations.detail_heading') });
    if (selected.busy) {
      detail.append(heading, el('p', { class: 'status status--busy', text: t('stations.detail_loading', { number: selected.number }) }));
    } else if (selected.error) {
      detail.append(heading, el('p', { class: 'status status--error', text: errorText(selected.error, t) }));
    } else {
      const s = selected.station;
      detail.append(el('h3', { text: t('station.number', { number: s.number }) }), stationFacts(s), stationFlows(s.number));
    }
  }

  function showOnMap() {
    if (!map || !selected || !selected.station) return;
    const s = selected.station;
    for (const [n, m] of markers) {
      const icon = m.getElement();
      if (icon) icon.classList.toggle('station-pin--active', n === s.number);
    }
    if (boundary) boundary.remove();
    boundary = boundaryLayer(s);
    if (boundary) boundary.addTo(map);
    let m = markers.get(s.number);
    if (!m && hasCoords(s)) {
      m = stationMarker(s, { active: true }).bindPopup(() => stationPopup(s));
      m.addTo(map);
      markers.set(s.number, m);
    }
    if (boundary) fitTo(map, [boundary, m], 16);
    else if (m) map.setView(m.getLatLng(), Math.max(map.getZoom(), 14));
    if (m) m.openPopup();
  }

  // ---- wiring ----

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    query = { q: q.value.trim(), region: regionSel.value, district: districtSel.value, page: 1 };
    run();
  });
  form.addEventListener('reset', () => {
    // after the browser has reset the fields
    window.setTimeout(() => {
      fillDistricts();
      query = { q: '', region: '', district: '', page: 1 };
      selected = null;
      renderDetail();
      run();
    });
  });
  regionSel.addEventListener('change', () => {
    fillDistricts();
    form.requestSubmit();
  });
  districtSel.addEventListener('change', () => form.requestSubmit());
  prev.addEventListener('click', () => {
    if (query.page > 1) {
      query.page -= 1;
      run();
    }
  });
  next.addEventListener('click', () => {
    if (result && !result.error && query.page < pages()) {
      query.page += 1;
      run();
    }
  });

  return {
    shown() {
      if (!started) {
        started = true;
        ensureMap();
        loadFilters();
        run();
        // A link to one station (/tizme/?station=N#stations, as the TEC page gives) opens its details.
        const linked = Number(new URLSearchParams(location.search).get('station'));
        if (Number.isInteger(linked) && linked >= 1001 && linked <= 10999) select(linked);
      } else if (map) {
        map.invalidateSize();
      }
    },
    relabel() {
      fillRegions();
      fillDistricts();
      if (started) {
        renderResult();
        renderDetail();
        if (selected && selected.station) showOnMap();
      }
    },
  };
}
