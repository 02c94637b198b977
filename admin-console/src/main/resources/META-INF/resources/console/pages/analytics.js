// Analytics by channel over a date range: reach, sends, opens, clicks and first-/last-touch conversions.
import { api, el, table, card } from '../lib.js';

let main, query;

async function update() {
  const report = await api(`/api/console/analytics?${query}`);
  const day = (instant) => instant.slice(0, 10);
  const last = new Date(new Date(report.to).getTime() - 1).toISOString().slice(0, 10);
  main.querySelector('#analytics-range').textContent = `${day(report.from)} to ${last} (UTC) · conversions: ${report.conversionEvents.join(', ')} within ${report.attributionWindow} after a message`;
  main.querySelector('#analytics-cards').replaceChildren(card('Conversions', report.conversions, 'conversions'),
    card('Not attributed', report.unattributedConversions, 'unattributed'));
  main.querySelector('#analytics-table').replaceChildren(table('analytics', [
    { title: 'Channel', value: ([c]) => c },
    { title: 'Contacts reached', value: ([, f]) => f.contactsReached, num: true },
    { title: 'Sent', value: ([, f]) => f.sent, num: true },
    { title: 'Failed', value: ([, f]) => f.failed, num: true },
    { title: 'Suppressed', value: ([, f]) => f.suppressed, num: true },
    { title: 'Opens', value: ([, f]) => f.opens, num: true },
    { title: 'Clicks', value: ([, f]) => f.clicks, num: true },
    { title: 'Conversions (first touch)', value: ([, f]) => f.firstTouchConversions, num: true },
    { title: 'Conversions (last touch)', value: ([, f]) => f.lastTouchConversions, num: true },
  ], Object.entries(report.channels), 'No messages in this date range.'));
}

export default {
  title: 'Analytics',
  async mount(target, argument, params) {
    main = target;
    query = params.toString();
    const from = el('input', { type: 'date', name: 'from', value: params.get('from') || '' });
    const to = el('input', { type: 'date', name: 'to', value: params.get('to') || '' });
    main.append(el('h2', {}, 'Analytics by channel'),
      el('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); location.hash = `#/analytics?from=${from.value}&to=${to.value}`; } },
        el('label', {}, 'from', from), el('label', {}, 'to', to), el('button', { type: 'submit' }, 'Show')),
      el('p', { class: 'muted', id: 'analytics-range' }), el('div', { class: 'cards', id: 'analytics-cards' }), el('div', { id: 'analytics-table' }));
    await update();
  },
  update,
};
