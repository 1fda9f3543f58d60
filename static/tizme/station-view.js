// How a polling station is shown, in the "check yourself" result and in the
// station search: one function so both say the same things the same way.
import { t, nameOf, fmtInt } from '/js/i18n.js';
import { el, dl } from '/js/dom.js';
import { hasCoords, osmLink } from '/js/map.js';

/* The facts about a station as a <dl>. */
export function stationFacts(s) {
  const where = s.abroad
    ? [t('station.country'), s.country || t('station.abroad')]
    : [t('station.region'), s.region ? nameOf(s.region) : null];
  const coords = hasCoords(s)
    ? el(
        'span',
        {},
        `${s.lat.toFixed(5)}, ${s.lon.toFixed(5)} · `,
        el('a', { href: osmLink(s), rel: 'noopener', target: '_blank', text: t('station.osm_link') }),
      )
    : el('span', { class: 'muted', text: t('station.no_coords') });
  return dl([
    [t('station.number_label'), el('strong', { class: 'station-number', text: String(s.number) })],
    [t('station.name'), s.name],
    [t('station.address'), el('span', { class: 'station-address', text: s.address })],
    [t('station.settlement'), s.settlement],
    where,
    [t('station.district'), s.district != null ? t('station.district_n', { number: s.district }) : null],
    [t('station.commission'), s.commission ? nameOf(s.commission) : null],
    [t('station.voters'), Number.isFinite(s.voters) ? el('span', { class: 'station-voters', text: fmtInt(s.voters) }) : null],
    [t('station.coords'), coords],
    [t('station.access'), accessFacts(s.access)],
  ]);
}

/* A station's accessibility (only the one-station answer carries it): what its commission said, and the needs. */
function accessFacts(a) {
  if (!a || typeof a !== 'object') return null;
  const said = a.accessible === true ? 'station.access_yes' : a.accessible === false ? 'station.access_no' : 'station.access_unknown';
  return el(
    'span',
    { class: 'station-access' },
    el('span', { text: t(said) + (a.note ? ` (${a.note})` : '') }),
    Number.isInteger(a.voters_needing_access) && a.voters_needing_access > 0
      ? el('div', { class: 'muted', text: t('station.access_needs', { count: fmtInt(a.voters_needing_access) }) })
      : null,
  );
}

/* The short text of a popup on the map: number, name, address. */
export function stationPopup(s, onDetails) {
  return el(
    'div',
    { class: 'popup' },
    el('strong', { text: t('station.number', { number: s.number }) }),
    el('div', { text: s.name }),
    el('div', { class: 'muted', text: s.address }),
    onDetails ? el('button', { type: 'button', class: 'link-button', text: t('station.details'), onclick: () => onDetails(s.number) }) : null,
  );
}

/* Basic shape check of a STATION object from the API. */
export function isStation(s) {
  return s && typeof s === 'object' && Number.isInteger(s.number) && typeof s.name === 'string' && typeof s.address === 'string';
}
