// Helpers every console page uses: calling the console APIs (with the CSRF token), building elements and tables, and
// render(), which updates what is on screen in place so that focus, text selection and open <details> survive a refresh.
export const session = { user: null, roles: [], csrf: null };

export async function loadSession() {
  Object.assign(session, await (await fetch('/api/console/session')).json());
  return session;
}

/** True when the signed-in user has the role (or one above it). */
export const may = (role) => session.roles.includes(role);

/**
 * Calls an API; an error answer (an RFC 9457 problem: 403 for a role, 404, 400) is thrown as an Error with its detail
 * and the whole problem in error.problem. When the engine cannot be reached at all the Error has error.unreachable.
 */
export async function api(path, options = {}) {
  const headers = { 'Accept': 'application/json', ...(options.headers || {}) };
  if (options.body instanceof FormData) delete headers['Content-Type']; // the browser sets multipart's boundary
  else if (options.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const body = options.body === undefined || headers['Content-Type'] !== 'application/json' ? options.body : JSON.stringify(options.body);
  if (options.method && options.method !== 'GET' && session.csrf) headers[session.csrf.header] = session.csrf.token;
  let response;
  try {
    response = await fetch(path, { ...options, headers, body });
  } catch (e) {
    throw Object.assign(new Error('the engine cannot be reached'), { unreachable: true });
  }
  if (response.status === 401) { location.href = '/console/login.html'; throw new Error('signed out'); }
  const answer = response.headers.get('Content-Type')?.includes('json') ? await response.json()
    : options.text ? await response.text() : null;
  if (!response.ok) {
    const error = new Error((answer && (answer.detail || answer.error || answer.message)) || `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.problem = answer;
    error.unreachable = response.status === 502 || response.status === 503 || response.status === 504;
    throw error;
  }
  return answer;
}

/** el('td', {class: 'num'}, 'text', childNode, ...); on* attributes become listeners. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  if (tag === 'pre') node.tabIndex = 0; // a <pre> scrolls (console.css max-height): keyboard users must reach it
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child != null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * Makes container's children look like nodes, changing only what differs: an element is kept when its tag (and
 * data-key) match, so a focused button, a selected text or an opened <details> stay as they are. Listeners stay those
 * of the kept element: build rows with a data-key so that a kept row's listeners act on the same thing.
 */
export function render(container, ...nodes) {
  morphChildren(container, nodes.flat().filter(n => n != null).map(n => n instanceof Node ? n : document.createTextNode(String(n))));
}

const USER_STATE = new Set(['open', 'value', 'checked']); // what the user changes: never reset by a refresh

function same(a, b) {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName
    && (a.nodeType !== 1 || (a.getAttribute('data-key') === b.getAttribute('data-key') && a.id === b.id));
}

function morph(from, to) {
  if (!same(from, to)) { from.replaceWith(to); return to; }
  if (from.nodeType === 3) { if (from.data !== to.data) from.data = to.data; return from; }
  if (from.nodeType !== 1 || from.hasAttribute('data-own')) return from; // data-own: drawn by someone else (bpmn-js, a chart)
  for (const a of [...from.attributes]) if (!to.hasAttribute(a.name) && !USER_STATE.has(a.name)) from.removeAttribute(a.name);
  for (const a of to.attributes) if (!USER_STATE.has(a.name) && from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
  morphChildren(from, [...to.childNodes]);
  return from;
}

function morphChildren(parent, wanted) {
  const old = [...parent.childNodes];
  const keyed = new Map(old.filter(n => n.nodeType === 1 && n.hasAttribute('data-key')).map(n => [n.getAttribute('data-key'), n]));
  const unkeyed = old.filter(n => !(n.nodeType === 1 && n.hasAttribute('data-key')));
  const kept = new Set();
  wanted.forEach((node, index) => {
    const key = node.nodeType === 1 ? node.getAttribute('data-key') : null;
    let match = key != null ? keyed.get(key) : unkeyed.find(n => !kept.has(n) && same(n, node));
    if (match && kept.has(match)) match = null;
    const result = match ? morph(match, node) : node;
    kept.add(result);
    if (parent.childNodes[index] !== result) parent.insertBefore(result, parent.childNodes[index] || null);
  });
  for (const node of old) if (!kept.has(node) && node.parentNode === parent) node.remove();
}

/**
 * A table: columns [{title, value: row => node|text, num, hidden (a title only screen readers read)}], rows, the sentence
 * shown when there are none, and options {key: row => a unique key (keeps the row across refreshes), caption}.
 */
export function table(id, columns, rows, empty, options = {}) {
  const body = rows.length
    ? rows.map(row => el('tr', { 'data-key': options.key ? String(options.key(row)) : null },
      columns.map(c => el('td', { class: c.num ? 'num' : null }, c.value(row)))))
    : [el('tr', { 'data-key': 'empty' }, el('td', { colspan: columns.length, class: 'empty' }, empty))];
  // the wrapper scrolls a wide table sideways on a narrow screen: keyboard users reach it too (tabindex, a name)
  return el('div', { class: 'table-wrap', id: `${id}-wrap`, tabindex: 0, role: 'region', 'aria-label': options.caption || id.replaceAll('-', ' ') }, el('table', { id },
    options.caption ? el('caption', {}, options.caption) : null,
    el('thead', {}, el('tr', {}, columns.map(c => el('th', { scope: 'col', class: c.num ? 'num' : null },
      c.hidden ? el('span', { class: 'sr-only' }, c.title) : c.title)))),
    el('tbody', {}, body)));
}

/**
 * A row of previous / next buttons for a paged answer {total, offset, limit}; go(offset) shows another page. Each
 * button's data-key names the page it goes to: render() keeps an element's listeners, so a button for another page
 * must be another element (else "Next" on page 2 would still go to page 2).
 */
export function pager(id, page, go, what = 'rows') {
  const last = Math.min(page.total, page.offset + page.limit);
  const previous = Math.max(0, page.offset - page.limit);
  const next = page.offset + page.limit;
  return el('nav', { class: 'pager', id, 'aria-label': `pages of ${what}` },
    el('button', { type: 'button', class: 'previous', 'data-key': `previous-${previous}`, disabled: page.offset <= 0, onclick: () => go(previous) }, 'Previous'),
    el('span', { class: 'pager-range' }, page.total ? `${page.offset + 1}–${last} of ${page.total} ${what}` : `no ${what}`),
    el('button', { type: 'button', class: 'next', 'data-key': `next-${next}`, disabled: last >= page.total, onclick: () => go(next) }, 'Next'));
}

export function notice(message, isError = false) {
  const box = document.getElementById('notice');
  box.textContent = message || '';
  box.className = isError ? 'notice error' : 'notice';
  box.setAttribute('role', isError ? 'alert' : 'status');
  box.hidden = !message;
}

export const time = (value) => value ? new Date(value).toLocaleString() : '';
/** A link; more (optional) is read by screen readers after the visible text, to tell repeated links apart. */
export const link = (href, text, more) => el('a', { href }, text, more ? el('span', { class: 'sr-only' }, ` ${more}`) : null);
export const card = (label, value, id) => el('div', { class: 'card', id }, el('div', { class: 'muted' }, label), el('div', { class: 'value' }, value));
export const customerLink = (id) => id ? link(`#/customers/${encodeURIComponent(id)}`, id) : '';
export const runLink = (id, text = id) => id ? link(`#/run/${encodeURIComponent(id)}`, text, text === id ? null : `(run ${id})`) : '';

/** A page that is a heading over one body refreshed by update(body): journeys, rules, mailbox and the like. */
export function simplePage(title, heading, bodyId, update) {
  let body;
  const refresh = () => update(body);
  return {
    title,
    async mount(main) {
      body = el('div', { id: bodyId });
      main.append(el('h1', {}, heading), body);
      await refresh();
    },
    update: refresh,
  };
}

const COLOURS = ['#1f4fb4', '#2e6b31', '#b42323', '#7a4ab8', '#8a5a00', '#0f6b73'];

/**
 * A line chart (uPlot, bundled into vendor/charts.js) in holder: rows and series [{label, value: row => number}]; by
 * default one row a day ({day: 'yyyy-MM-dd', ...}), else options {x: row => number, xLabel} (say, the hour of a day).
 * Drawn again only when the figures change; the same figures are in a table beside it.
 */
export function chart(holder, rows, series, options = {}) {
  const time = !options.x;
  const x = rows.map(options.x || (d => Date.parse(`${d.day}T00:00:00Z`) / 1000));
  const signature = JSON.stringify([x, series.map(s => [s.label, rows.map(s.value)])]);
  if (holder.dataset.signature === signature && holder.firstChild) return;
  holder.dataset.signature = signature;
  holder.replaceChildren();
  const { uPlot } = window.TouchpointCharts;
  new uPlot({
    width: Math.max(280, holder.clientWidth - 2), height: 240,
    ...(time ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
    series: [{ label: options.xLabel || 'day' }, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true } }))],
    axes: [{ stroke: '#1d2330' }, { stroke: '#1d2330' }],
    scales: { x: { time } },
  }, [x, ...series.map(s => rows.map(s.value))], holder);
}

/** Shows a BPMN diagram in a bpmn-js viewer, fitted with room around the edges for the badges above the top steps. */
export async function showDiagram(viewer, xml) {
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  canvas.zoom(canvas.zoom() * 0.9, 'auto');
}

/**
 * Count badges on the steps of a diagram in a bpmn-js viewer: content(id, name) gives a step's badges (nothing: no
 * badge). They stand stacked just above their step's top-left corner, on the step, never over its name or a
 * neighbour; badges (a Map, step id → its overlay's element) keeps them across refreshes, updated in place.
 */
export function stepBadges(viewer, badges, ids, content) {
  const layer = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  for (const id of ids) {
    const shape = registry.get(id);
    if (!shape) continue; // a step of another version that this diagram does not have
    const name = shape.businessObject.name || id;
    const shown = [content(id, name)].flat();
    let holder = badges.get(id);
    if (!shown.some(Boolean)) {
      if (holder) { layer.remove({ element: id }); badges.delete(id); }
      continue;
    }
    if (!holder) {
      holder = el('div', { class: 'step-counts', 'data-step': id, role: 'group', 'aria-label': `counts at ${name}` });
      layer.add(id, 'counts', { position: { top: -2, left: 0 }, html: holder });
      badges.set(id, holder);
    }
    render(holder, shown);
  }
}

/** A from/to date form (yyyy-MM-dd) that sets the hash's from and to and keeps its other parameters. */
export function dateRange(id, params, label = 'Show') {
  const from = el('input', { type: 'date', name: 'from', id: `${id}-from`, value: params.get('from') || '' });
  const to = el('input', { type: 'date', name: 'to', id: `${id}-to`, value: params.get('to') || '' });
  return el('form', { class: 'filters', id, 'aria-label': 'date range', onsubmit: (e) => {
    e.preventDefault();
    const [path, query = ''] = location.hash.split('?');
    const chosen = new URLSearchParams(query);
    chosen.set('from', from.value);
    chosen.set('to', to.value);
    location.hash = `${path}?${chosen}`;
  } }, el('label', {}, 'From', from), el('label', {}, 'To', to), el('button', { type: 'submit' }, label));
}

export const percent = (rate) => `${(100 * (rate || 0)).toFixed(1)} %`;
