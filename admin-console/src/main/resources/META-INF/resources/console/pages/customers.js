// Customers: search by id, email or phone; one customer's profile, consents, journeys and timeline.
import { api, el, table, link, time } from '../lib.js';

let main, customerId;

function searchForm(q) {
  const input = el('input', { id: 'customer-query', name: 'q', value: q || '', placeholder: 'customer id, email or phone', size: 40 });
  return el('form', { class: 'filters', id: 'customer-search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/customers?q=${encodeURIComponent(input.value.trim())}`;
  } }, input, el('button', { type: 'submit' }, 'Search'));
}

async function showSearch(q) {
  const results = el('div', { id: 'customer-results' });
  main.append(el('h2', {}, 'Customers'), searchForm(q), results);
  if (!q) { results.append(el('p', { class: 'muted' }, 'Search by customer id, email address or phone number.')); return; }
  const matches = await api(`/api/console/customers?q=${encodeURIComponent(q)}`);
  if (matches.length === 1) { location.hash = `#/customers/${encodeURIComponent(matches[0].customerId)}`; return; }
  results.append(table('customers', [
    { title: 'Customer', value: m => link(`#/customers/${encodeURIComponent(m.customerId)}`, m.customerId) },
    { title: 'Email', value: m => m.email }, { title: 'Phone', value: m => m.phone },
  ], matches, `No customer matches "${q}".`));
}

async function update() {
  if (!customerId) return;
  const customer = await api(`/api/console/customers/${encodeURIComponent(customerId)}`);
  const p = customer.profile;
  const facts = [['Email', p.email], ['Phone', p.phone], ['Time zone', p.timeZone], ['Locale', p.locale],
    ['Events', p.eventCount], ['Since', time(p.createdAt)], ['Updated', time(p.updatedAt)]];
  const consents = Object.entries(p.consents || {});
  main.querySelector('#customer-body').replaceChildren(el('div', { class: 'customer-grid' }, el('div', {},
    el('h3', {}, 'Profile'),
    table('profile', [{ title: 'Field', value: f => f[0] }, { title: 'Value', value: f => f[1] ?? '' }],
      [...facts, ...Object.entries(p.attributes || {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])], ''),
    el('h3', {}, 'Consents'),
    table('consents', [{ title: 'Channel / purpose', value: c => c[0] }, { title: 'Given', value: c => c[1] ? 'yes' : 'no' }],
      consents, 'No consent recorded: marketing is allowed unless refused.'),
    el('h3', {}, 'Journeys now'),
    table('customer-journeys', [{ title: 'Journey', value: j => link(`#/journey/${encodeURIComponent(j.journey)}`, j.journey) },
      { title: 'Key', value: j => j.instanceKey || '' }, { title: 'Waiting at', value: j => j.waitingAt.join(', ') },
      { title: 'Instance', value: j => j.instanceId }],
      customer.journeys, 'In no journey right now.')), el('div', {},
    el('h3', {}, 'Timeline'),
    table('timeline', [{ title: 'When', value: t => time(t.at) }, { title: 'Kind', value: t => el('span', { class: 'kind' }, t.kind) },
      { title: 'What', value: t => t.title }, { title: 'Details', value: t => el('pre', {}, t.detail || '') }],
      customer.timeline, 'Nothing has happened to this customer yet.'))));
}

export default {
  title: 'Customers',
  async mount(target, id, query) {
    main = target;
    customerId = id;
    if (!id) { await showSearch(query.get('q')); return; }
    main.append(el('h2', {}, `Customer ${id}`), searchForm(''), el('div', { id: 'customer-body' }));
    await update();
  },
  update,
};
