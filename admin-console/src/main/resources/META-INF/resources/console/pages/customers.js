// Customers: the customer list and a search by part of an id, name, email or phone (paged); one customer's profile,
// consents, journeys and runs, every decision with its reasons, every message with its status, and the timeline.
import { api, el, table, link, time, render, pager, runLink, customerLink } from '../lib.js';
import { decisionsTable } from './decisions.js';

const PAGE = 25;
let main, customerId, search;

function searchForm(q) {
  const input = el('input', { id: 'customer-query', name: 'q', type: 'search', value: q || '', placeholder: 'part of an id, name, email or phone', size: 40 });
  return el('form', { class: 'filters', id: 'customer-search', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/customers?q=${encodeURIComponent(input.value.trim())}`;
  } }, el('label', { for: 'customer-query' }, 'Find a customer'), input, el('button', { type: 'submit' }, 'Search'));
}

async function showList() {
  const found = await api(`/api/console/customers?q=${encodeURIComponent(search.q)}&limit=${PAGE}&offset=${search.offset}`);
  if (search.q && found.total === 1 && search.offset === 0 && !search.shown) {
    location.hash = `#/customers/${encodeURIComponent(found.items[0].customerId)}`;
    return;
  }
  search.shown = true;
  const go = (offset) => { search.offset = offset; showList(); };
  render(main.querySelector('#customer-results'), table('customers', [
    { title: 'Customer', value: m => customerLink(m.customerId) }, { title: 'Name', value: m => m.name },
    { title: 'Email', value: m => m.email }, { title: 'Phone', value: m => m.phone }, { title: 'Updated', value: m => time(m.updatedAt) },
  ], found.items, search.q ? `No customer matches "${search.q}".` : 'No customers yet.', {
    key: m => m.customerId, caption: search.q ? `Customers matching "${search.q}"` : 'All customers, latest updated first' }),
  pager('customers-pager', found, go, 'customers'));
}

const facts = (p) => [['Email', p.email], ['Phone', p.phone], ['Time zone', p.timeZone], ['Locale', p.locale],
  ['Events', p.eventCount], ['Since', time(p.createdAt)], ['Updated', time(p.updatedAt)],
  ...Object.entries(p.attributes || {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])];

async function showCustomer() {
  const id = encodeURIComponent(customerId);
  const [customer, messages] = await Promise.all([api(`/api/console/customers/${id}`), api(`/api/console/messages?customer=${id}`)]);
  const p = customer.profile;
  render(main.querySelector('#customer-body'), el('div', { class: 'customer-grid' }, el('div', {},
    el('h2', {}, 'Profile'),
    table('profile', [{ title: 'Field', value: f => f[0] }, { title: 'Value', value: f => f[1] ?? '' }], facts(p), '', { key: f => f[0] }),
    el('h2', {}, 'Consents'),
    table('consents', [{ title: 'Channel / purpose', value: c => c[0] }, { title: 'Given', value: c => c[1] ? 'yes' : 'no' }],
      Object.entries(p.consents || {}), 'No consent recorded: marketing is allowed unless refused.', { key: c => c[0] }),
    el('h2', {}, 'Segments'),
    table('customer-segments', [{ title: 'Segment', value: s => link(`#/segments/${encodeURIComponent(s[0])}`, s[0]) },
      { title: 'Joined', value: s => time(s[1]) }],
    Object.entries(p.segments?.joined || {}).sort((a, b) => String(b[1]).localeCompare(String(a[1]))), 'In no segment.', { key: s => s[0] })), el('div', {},
    el('h2', {}, 'Journeys now'),
    table('customer-journeys', [{ title: 'Journey', value: j => link(`#/journey/${encodeURIComponent(j.journey)}`, j.journey) },
      { title: 'Key', value: j => j.instanceKey || '' }, { title: 'Waiting at', value: j => j.waitingAt.join(', ') },
      { title: 'Run', value: j => runLink(j.instanceId, 'open') }],
    customer.journeys, 'In no journey right now.', { key: j => j.instanceId }),
    el('h2', {}, 'All runs'),
    table('customer-runs', [{ title: 'Journey', value: r => runLink(r.runId, `${r.journey} v${r.version}`) }, { title: 'State', value: r => r.state },
      { title: 'Started', value: r => time(r.startedAt) }, { title: 'Ended', value: r => time(r.endedAt) }],
    customer.runs || [], 'Never in a journey.', { key: r => r.runId }))),
  el('h2', {}, 'Decisions'),
  decisionsTable('customer-decisions', customer.decisions || [], true),
  el('h2', {}, 'Messages'),
  table('customer-messages', [{ title: 'When', value: m => time(m.createdAt) }, { title: 'Channel', value: m => m.channel },
    { title: 'Template', value: m => m.template }, { title: 'To', value: m => m.recipient },
    { title: 'Status', value: m => el('span', { class: `status-${m.status}` }, m.status) }, { title: 'Reason', value: m => m.reason }],
  messages, 'No message sent to this customer.', { key: m => m.idempotencyKey }),
  el('h2', {}, 'Timeline'),
  table('timeline', [{ title: 'When', value: t => time(t.at) }, { title: 'Kind', value: t => el('span', { class: 'kind' }, t.kind) },
    { title: 'What', value: t => t.title }, { title: 'Details', value: t => el('pre', {}, t.detail || '') }],
  customer.timeline, 'Nothing has happened to this customer yet.', { key: t => `${t.at}|${t.kind}|${t.title}` }));
}

export default {
  title: (id) => id ? `Customer ${id}` : 'Customers',
  async mount(target, id, query) {
    main = target;
    customerId = id;
    if (!id) {
      search = { q: query.get('q') || '', offset: 0, shown: false };
      main.append(el('h1', {}, 'Customers'), searchForm(search.q), el('div', { id: 'customer-results' }));
      await showList();
      return;
    }
    main.append(el('h1', {}, `Customer ${id}`), searchForm(''), el('div', { id: 'customer-body' }));
    await showCustomer();
  },
  update: () => customerId ? showCustomer() : showList(),
};
