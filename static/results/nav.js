// Addresses of the results site: ?election=202701 and one of &region=N,
// &district=N, &station=N, &discrepancies=1 (the national list of flags). Links marked data-nav are followed by results.js
// without reloading the page; go() does the same for the map's clicks.

const posInt = (v, max) => (/^\d{1,6}$/.test(v || '') && Number(v) >= 1 && Number(v) <= max ? Number(v) : null);

export function parseRoute(search) {
  const p = new URLSearchParams(search);
  return {
    election: posInt(p.get('election'), 999999),
    region: posInt(p.get('region'), 10),
    district: posInt(p.get('district'), 36),
    station: posInt(p.get('station'), 99999),
    discrepancies: p.get('discrepancies') === '1',
  };
}

/* The address of a view: {election, region|district|station|discrepancies}. */
export function href(r) {
  const p = new URLSearchParams();
  if (r.election) p.set('election', String(r.election));
  if (r.discrepancies) p.set('discrepancies', '1');
  else if (r.station) p.set('station', String(r.station));
  else if (r.district) p.set('district', String(r.district));
  else if (r.region) p.set('region', String(r.region));
  return `/results/?${p.toString()}`;
}

/* A link to a view of the results site. */
export function navLink(route, text, attrs = {}) {
  const a = document.createElement('a');
  a.href = href(route);
  a.dataset.nav = '';
  for (const [k, v] of Object.entries(attrs)) if (v != null) a.setAttribute(k, String(v));
  a.append(text instanceof Node ? text : document.createTextNode(String(text)));
  return a;
}

/* Go to a view as a link would (results.js listens). */
export function go(r) {
  window.dispatchEvent(new CustomEvent('results:go', { detail: href(r) }));
}
