// Helpers every console page uses: calling the console APIs (with the CSRF token), building elements and tables.
export const session = { user: null, roles: [], csrf: null };

export async function loadSession() {
  Object.assign(session, await (await fetch('/api/console/session')).json());
  return session;
}

/** Calls an API; an error answer (an RFC 9457 problem: 403 for a role, 404, 400) is thrown as an Error with its detail. */
export async function api(path, options = {}) {
  const headers = { 'Accept': 'application/json', ...(options.headers || {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET' && session.csrf) headers[session.csrf.header] = session.csrf.token;
  const response = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (response.status === 401) { location.href = '/console/login.html'; throw new Error('signed out'); }
  const answer = response.headers.get('Content-Type')?.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const error = new Error((answer && (answer.detail || answer.error || answer.message)) || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return answer;
}

/** el('td', {class: 'num'}, 'text', childNode, ...) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
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

/** A table: columns [{title, value: row => node|text, num}], rows, and the sentence shown when there are none. */
export function table(id, columns, rows, empty) {
  const body = rows.length
    ? rows.map(row => el('tr', {}, columns.map(c => el('td', { class: c.num ? 'num' : null }, c.value(row)))))
    : [el('tr', {}, el('td', { colspan: columns.length, class: 'empty' }, empty))];
  return el('table', { id }, el('thead', {}, el('tr', {}, columns.map(c => el('th', { class: c.num ? 'num' : null }, c.title)))),
    el('tbody', {}, body));
}

export function notice(message, isError = false) {
  const box = document.getElementById('notice');
  box.textContent = message || '';
  box.className = isError ? 'notice error' : 'notice';
  box.hidden = !message;
}

export const time = (value) => value ? new Date(value).toLocaleString() : '';
export const link = (href, text) => el('a', { href }, text);
export const card = (label, value, id) => el('div', { class: 'card', id }, el('div', { class: 'muted' }, label), el('div', { class: 'value' }, value));

/** A page that is a heading over one body refreshed by update(body): journeys, rules, mailbox and the like. */
export function simplePage(title, heading, bodyId, update) {
  let body;
  const refresh = () => update(body);
  return {
    title,
    async mount(main) {
      body = el('div', { id: bodyId });
      main.append(el('h2', {}, heading), body);
      await refresh();
    },
    update: refresh,
  };
}
