// Tizme, the public voter-list portal: four tabs on one page, each a
// module. The tab is in the address (#check, #stations, #stats, #dynamics)
// so it can be linked and the Back button works.
import { initI18n, onLangChange } from '/js/i18n.js';
import { setupCheck } from './check.js';
import { setupStations } from './stations.js';
import { setupStats, setupDynamics } from './stats.js';

const TABS = ['check', 'stations', 'stats', 'dynamics'];

function tabsOf(parts) {
  const tabs = TABS.map((id) => document.getElementById(`tab-${id}`));
  const panels = TABS.map((id) => document.getElementById(id));
  let current = null;

  function show(id, { focusTab = false } = {}) {
    if (!TABS.includes(id)) id = TABS[0];
    TABS.forEach((name, i) => {
      const on = name === id;
      tabs[i].setAttribute('aria-selected', String(on));
      tabs[i].tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    current = id;
    if (focusTab) tabs[TABS.indexOf(id)].focus();
    const part = parts[id];
    if (part && part.shown) part.shown();
  }

  tabs.forEach((tab, i) => {
    tab.addEventListener('click', (e) => {
      e.preventDefault();
      if (TABS[i] !== current) history.pushState(null, '', `#${TABS[i]}`);
      show(TABS[i]);
    });
    tab.addEventListener('keydown', (e) => {
      let j = null;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = (i + 1) % TABS.length;
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = (i + TABS.length - 1) % TABS.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = TABS.length - 1;
      if (j === null) return;
      e.preventDefault();
      history.replaceState(null, '', `#${TABS[j]}`);
      show(TABS[j], { focusTab: true });
    });
  });
  window.addEventListener('popstate', () => show(location.hash.slice(1)));
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));

  return { show, current: () => current };
}

async function main() {
  await initI18n();
  const parts = {
    check: setupCheck(),
    stations: setupStations(),
    stats: setupStats(),
    dynamics: setupDynamics(),
  };
  const tabs = tabsOf(parts);
  onLangChange(() => {
    for (const p of Object.values(parts)) p.relabel();
  });
  tabs.show(location.hash.slice(1));
}

main().catch((e) => {
  console.error('Tizme failed to start', e);
});
