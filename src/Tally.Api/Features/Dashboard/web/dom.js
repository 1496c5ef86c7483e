// Tiny helpers to build elements without innerHTML (no markup injection from data).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function section(title, ...children) {
  const id = `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return el('section', { class: 'card', 'aria-labelledby': id }, el('h2', { id }, title), ...children);
}

export function empty(message) {
  return el('p', { class: 'empty' }, message);
}

export function failure(error) {
  // An endpoint this Tally does not have (an older version): say so instead of failing the page.
  if ((error.status === 404 && error.message.includes('(not_found)')) || error.status === 405) {
    return el('p', { class: 'empty' }, `Not available from this Tally version (GET ${error.path}).`);
  }
  return el('p', { class: 'error', role: 'alert' }, `Could not load: ${error.message}`);
}

export function table(caption, headers, rows) {
  return el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    el('table', {},
      el('caption', { class: 'visually-hidden' }, caption),
      el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
}
