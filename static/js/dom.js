// Small DOM helpers. Text from the server only ever goes in as text nodes,
// never as HTML.

/* el('p', {class: 'x', text: 'hi', onclick: fn, 'aria-label': '…'}, child, …) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/* A description list from [[term, value], …]; rows whose value is null are left out. */
export function dl(rows, cls = 'facts') {
  const list = el('dl', { class: cls });
  for (const [term, value] of rows) {
    if (value == null || value === '') continue;
    list.append(el('div', { class: 'facts__row' }, el('dt', { text: term }), el('dd', {}, value)));
  }
  return list;
}

/* An accessible data table.
 * columns: [{label, num?, opt?}], rows: [[cell, …]], foot: [cell, …] or null.
 * An opt column (a share that the other columns imply) gives way on a
 * phone-width screen so the numbers that matter fit without scrolling.
 * The first cell of each row is its header (th scope=row). The caption is
 * for screen readers only unless showCaption: a visible heading names the
 * table for the eye. A stack table turns each row into a block of
 * "label: value" lines on a phone-width screen (data-label carries the label). */
export function table({ caption, columns, rows, foot = null, cls = 'data', showCaption = false, stack = false }) {
  const cellClass = (c) => [c && c.num ? 'num' : '', c && c.opt ? 'opt' : ''].join(' ').trim() || null;
  const thead = el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: cellClass(c), text: c.label }))));
  const row = (cells, tag) =>
    el(
      'tr',
      {},
      cells.map((v, i) =>
        i === 0
          ? el('th', { scope: 'row', class: cellClass(columns[0]), 'data-label': stack ? columns[0].label : null }, v)
          : el(tag, { class: cellClass(columns[i]), 'data-label': stack && columns[i] ? columns[i].label : null }, v),
      ),
    );
  const tbody = el('tbody', {}, rows.map((r) => row(r, 'td')));
  return el('table', { class: stack ? `${cls} data--stack` : cls }, el('caption', { class: showCaption ? null : 'sr-only', text: caption }), thead, tbody, foot ? el('tfoot', {}, row(foot, 'td')) : null);
}

/* Show a status line; kind is '', 'error' or 'busy'. */
export function setStatus(node, text, kind = '') {
  node.textContent = text || '';
  node.className = `status${kind ? ` status--${kind}` : ''}`;
  node.hidden = !text;
}
