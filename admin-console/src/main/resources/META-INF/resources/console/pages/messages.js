// Messages: the delivery log, filtered by channel, status, template, customer and date range.
import { api, el, table, time, link, render } from '../lib.js';

let main, query;

function select(name, values, chosen) {
  return el('label', {}, name, el('select', { name, id: `filter-${name}` }, el('option', { value: '' }, 'any'),
    values.map(v => el('option', { value: v, selected: v === chosen }, v))));
}

async function update() {
  const messages = await api(`/api/console/messages?${query}`);
  render(main.querySelector('#messages-table'), table('messages', [
    { title: 'When', value: m => time(m.createdAt) }, { title: 'Channel', value: m => m.channel },
    { title: 'Template', value: m => m.template }, { title: 'Status', value: m => m.status },
    { title: 'Customer', value: m => link(`#/customers/${encodeURIComponent(m.customerId)}`, m.customerId) },
    { title: 'To', value: m => m.recipient }, { title: 'Subject', value: m => m.subject }, { title: 'Reason', value: m => m.reason },
  ], messages, 'No message matches these filters.', { key: m => m.idempotencyKey }));
}

export default {
  title: 'Messages',
  async mount(target, argument, params) {
    main = target;
    query = params.toString();
    const filters = await api('/api/console/messages/filters');
    const form = el('form', { class: 'filters', id: 'message-filters', onsubmit: (e) => {
      e.preventDefault();
      const chosen = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) chosen.set(k, v);
      location.hash = `#/messages?${chosen}`;
    } },
      select('channel', filters.channel, params.get('channel')), select('status', filters.status, params.get('status')),
      select('template', filters.template, params.get('template')),
      el('label', {}, 'customer', el('input', { name: 'customer', value: params.get('customer') || '' })),
      el('label', {}, 'from', el('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
      el('label', {}, 'to', el('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
      el('button', { type: 'submit' }, 'Filter'));
    main.append(el('h1', {}, 'Messages'), form, el('div', { id: 'messages-table' }));
    await update();
  },
  update,
};
