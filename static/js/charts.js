// Chart.js (served by nginx at /vendor/chart.js/chart.umd.js) for the
// statistics pages. Every chart has a table beside it with the same numbers:
// the canvas is a picture for the eye, the table is the accessible source.

export const COLORS = {
  female: '#b8336a',
  male: '#1f5fa8',
  total: '#1d2733',
  grid: '#d9dee4',
};

export function chartsReady() {
  return typeof window.Chart === 'function';
}

const reducedMotion = () => window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/* Draw config on canvas. A chart of the same type already there takes the
 * new data and options in place (a live refresh does not flicker); another
 * is replaced. The canvas becomes an image whose name is label. Returns the
 * chart or null. */
export function drawChart(canvas, config, label) {
  if (!canvas) return null;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  if (!chartsReady()) {
    canvas.parentElement.hidden = true; // the table carries the numbers
    return null;
  }
  const options = config.options || {};
  options.responsive = true;
  options.maintainAspectRatio = false;
  options.locale = 'ru-RU';
  if (reducedMotion()) options.animation = false;
  options.plugins = options.plugins || {};
  const legend = options.plugins.legend || {};
  options.plugins.legend = { ...legend, labels: { color: COLORS.total, boxWidth: 14, ...(legend.labels || {}) } };
  const old = window.Chart.getChart(canvas);
  if (old && old.config.type === config.type) {
    old.data = config.data;
    old.options = options;
    old.update(reducedMotion() ? 'none' : undefined);
    return old;
  }
  if (old) old.destroy();
  return new window.Chart(canvas, { ...config, options });
}
