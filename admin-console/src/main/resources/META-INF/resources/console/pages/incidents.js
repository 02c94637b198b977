// Incidents and failed messages: what failed and why, with retry of one or many.
import { api, el, table, notice, time, link } from '../lib.js';

let main;
const selected = new Set();

async function retry(ids) {
  try {
    const result = await api('/api/console/incidents/retry', { method: 'POST', body: { ids } });
    notice(`Retried ${result.retried.length} incident(s)` + (result.notFound.length ? `; ${result.notFound.length} already resolved.` : '.'));
    ids.forEach(id => selected.delete(id));
    await update();
  } catch (e) {
    notice(e.message, true);
  }
}

const openDetails = new Map(); // incident id → stack trace, kept open across refreshes

async function details(id) {
  if (openDetails.has(id)) { openDetails.delete(id); showDetails(); return; }
  try {
    const detail = await api(`/api/console/incidents/${encodeURIComponent(id)}`);
    openDetails.set(id, detail.stacktrace || detail.incident.message);
    showDetails();
  } catch (e) {
    notice(e.message, true);
  }
}

function showDetails() {
  main.querySelectorAll('tr.details-row').forEach(row => row.remove());
  for (const [id, text] of openDetails) {
    const row = main.querySelector(`button.retry[data-incident="${CSS.escape(id)}"]`)?.closest('tr');
    if (!row) { openDetails.delete(id); continue; }
    row.after(el('tr', { class: 'details-row' }, el('td', { colspan: 8 }, el('pre', { class: 'stacktrace' }, text))));
  }
}

async function update() {
  const [incidents, failed] = await Promise.all([api('/api/console/incidents'), api('/api/console/failed-messages')]);
  for (const id of [...selected]) if (!incidents.some(i => i.id === id)) selected.delete(id);
  main.querySelector('#incidents-table').replaceChildren(table('incidents', [
    { title: '', value: i => el('input', { type: 'checkbox', class: 'pick', checked: selected.has(i.id),
      onchange: (e) => e.target.checked ? selected.add(i.id) : selected.delete(i.id) }) },
    { title: 'Since', value: i => time(i.at) },
    { title: 'Journey', value: i => i.journey ? link(`#/journey/${encodeURIComponent(i.journey)}`, i.journey) : '' },
    { title: 'Step', value: i => i.activityId },
    { title: 'Customer', value: i => i.customerId ? link(`#/customers/${encodeURIComponent(i.customerId)}`, i.customerId) : '' },
    { title: 'Reason', value: i => i.message },
    { title: '', value: i => el('button', { class: 'details', onclick: () => details(i.id) }, 'Details') },
    { title: '', value: i => el('button', { class: 'retry', 'data-incident': i.id, onclick: () => retry([i.id]) }, 'Retry') },
  ], incidents, 'No open incidents.'));
  showDetails();
  main.querySelector('#failed-table').replaceChildren(table('failed-messages', [
    { title: 'When', value: m => time(m.at) },
    { title: 'Channel', value: m => m.channel }, { title: 'Template', value: m => m.template },
    { title: 'Customer', value: m => link(`#/customers/${encodeURIComponent(m.customerId)}`, m.customerId) },
    { title: 'To', value: m => m.recipient }, { title: 'Reason', value: m => m.reason },
    { title: '', value: m => m.incidentId ? el('button', { class: 'retry-message', onclick: () => retry([m.incidentId]) }, 'Retry')
      : el('span', { class: 'muted' }, 'retrying automatically') },
  ], failed, 'No failed messages.'));
}

export default {
  title: 'Incidents',
  async mount(target) {
    main = target;
    main.append(el('h2', {}, 'Incidents'),
      el('p', {}, el('button', { id: 'retry-selected', onclick: () => selected.size ? retry([...selected]) : notice('Tick the incidents to retry first.') }, 'Retry selected')),
      el('div', { id: 'incidents-table' }),
      el('h2', {}, 'Failed messages'), el('div', { id: 'failed-table' }));
    await update();
  },
  update,
};
