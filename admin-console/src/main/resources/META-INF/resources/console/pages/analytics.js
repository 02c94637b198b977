// Analytics over a date range: per channel (reach, sends, opens, clicks, first- and last-touch conversions) and
// messages per day and per channel and template (sent, delivered, opened, clicked and their rates), drawn as a chart.
import { api, el, table, card, render, chart, dateRange, percent } from '../lib.js';

let main, params;

const range = () => {
  const chosen = new URLSearchParams();
  for (const name of ['from', 'to']) if (params.get(name)) chosen.set(name, params.get(name));
  return chosen;
};

async function channels() {
  const report = await api(`/api/console/analytics?${range()}`);
  const day = (instant) => instant.slice(0, 10);
  const last = new Date(new Date(report.to).getTime() - 1).toISOString().slice(0, 10);
  render(main.querySelector('#analytics-range'), `${day(report.from)} to ${last} (UTC) · conversions: ${report.conversionEvents.join(', ')} within ${report.attributionWindow} after a message`);
  render(main.querySelector('#analytics-cards'), card('Conversions', report.conversions, 'conversions'),
    card('Not attributed', report.unattributedConversions, 'unattributed'));
  render(main.querySelector('#analytics-table'), table('analytics', [
    { title: 'Channel', value: ([c]) => c },
    { title: 'Contacts reached', value: ([, f]) => f.contactsReached, num: true },
    { title: 'Sent', value: ([, f]) => f.sent, num: true },
    { title: 'Failed', value: ([, f]) => f.failed, num: true },
    { title: 'Suppressed', value: ([, f]) => f.suppressed, num: true },
    { title: 'Opens', value: ([, f]) => f.opens, num: true },
    { title: 'Clicks', value: ([, f]) => f.clicks, num: true },
    { title: 'Conversions (first touch)', value: ([, f]) => f.firstTouchConversions, num: true },
    { title: 'Conversions (last touch)', value: ([, f]) => f.lastTouchConversions, num: true },
  ], Object.entries(report.channels), 'No messages in this date range.', { key: ([c]) => c }));
}

const rates = [
  { title: 'Sent', value: r => r.sent, num: true }, { title: 'Delivered', value: r => r.delivered, num: true },
  { title: 'Failed', value: r => r.failed, num: true }, { title: 'Suppressed', value: r => r.suppressed, num: true },
  { title: 'Opened', value: r => r.opened, num: true }, { title: 'Clicked', value: r => r.clicked, num: true },
  { title: 'Delivery rate', value: r => percent(r.deliveryRate), num: true }, { title: 'Open rate', value: r => percent(r.openRate), num: true },
  { title: 'Click rate', value: r => percent(r.clickRate), num: true }];

async function messages() {
  const query = range();
  for (const name of ['channel', 'template', 'journey']) if (params.get(name)) query.set(name, params.get(name));
  const report = await api(`/api/console/messages/over-time?${query}`);
  chart(main.querySelector('#messages-chart'), report.days, [
    { label: 'Sent', value: d => d.sent }, { label: 'Delivered', value: d => d.delivered },
    { label: 'Opened', value: d => d.opened }, { label: 'Clicked', value: d => d.clicked }]);
  render(main.querySelector('#messages-days'), table('messages-per-day', [{ title: 'Day', value: d => d.day }, ...rates],
    report.days, 'No days in this range.', { key: d => d.day, caption: 'Messages per day' }));
  render(main.querySelector('#messages-templates'), table('messages-per-template', [
    { title: 'Channel', value: r => r.channel }, { title: 'Template', value: r => r.template }, ...rates],
  report.byTemplate, 'No messages in this date range.', { key: r => `${r.channel}/${r.template}`, caption: 'Per channel and template' }));
}

async function update() {
  await Promise.all([channels(), messages()]);
}

export default {
  title: 'Analytics',
  async mount(target, argument, query) {
    main = target;
    params = query;
    const filter = (name, label) => el('label', {}, label, el('input', { name, id: `analytics-${name}`, value: params.get(name) || '' }));
    const filters = el('form', { class: 'filters', id: 'message-filters', 'aria-label': 'filter the messages', onsubmit: (e) => {
      e.preventDefault();
      const chosen = range();
      for (const [k, v] of new FormData(filters)) if (v) chosen.set(k, v);
      location.hash = `#/analytics?${chosen}`;
    } }, filter('channel', 'Channel'), filter('template', 'Template'), filter('journey', 'Journey key'), el('button', { type: 'submit' }, 'Filter'));
    main.append(el('h1', {}, 'Analytics'), dateRange('analytics-form', params),
      el('h2', {}, 'By channel'), el('p', { class: 'muted', id: 'analytics-range' }), el('div', { class: 'cards', id: 'analytics-cards' }),
      el('div', { id: 'analytics-table' }),
      el('h2', {}, 'Messages over time'), filters,
      el('div', { class: 'chart', id: 'messages-chart', 'data-own': true, role: 'img', 'aria-label': 'Chart of messages sent, delivered, opened and clicked per day; the figures are in the table below' }),
      el('div', { id: 'messages-days' }), el('div', { id: 'messages-templates' }));
    await update();
  },
  update,
};
