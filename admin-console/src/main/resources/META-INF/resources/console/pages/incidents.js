// Incidents at scale: grouped by cause or by journey and step with counts, filtered, paged; retry one, the ticked ones or a
// whole group, and watch what happened to each retried job (succeeded, failed again with the new reason) as it happens.
import { api, el, table, notice, time, link, render, pager, customerLink, runLink } from '../lib.js';

const PAGE = 50;
const FILTERS = ['journey', 'step', 'cause', 'type'];
let main, params, offset, retryId;
const selected = new Set();

const filterOf = () => Object.fromEntries(FILTERS.filter(f => params.get(f)).map(f => [f, params.get(f)]));
const groupBy = () => params.get('by') === 'step' ? 'step' : 'cause';

async function retry(body, what) {
  try {
    const result = await api('/api/console/incidents/retry', { method: 'POST', body });
    retryId = result.retryId;
    result.retried.forEach(id => selected.delete(id));
    notice(`Retrying ${result.retried.length} ${what}` + (result.notFound.length ? `; ${result.notFound.length} already resolved.` : '.')
      + ' The outcome of each appears below as the engine runs them.');
    await update();
  } catch (e) {
    notice(e.message, true);
  }
}

function filterForm() {
  const input = (name, label) => el('label', {}, label, el('input', { name, id: `incident-${name}`, value: params.get(name) || '' }));
  const form = el('form', { class: 'filters', id: 'incident-filters', 'aria-label': 'filter the incidents', onsubmit: (e) => {
    e.preventDefault();
    const chosen = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) chosen.set(k, v);
    location.hash = `#/incidents?${chosen}`;
  } },
  input('journey', 'Journey key'), input('step', 'Step id'), input('cause', 'Cause contains'),
  el('label', {}, 'Type', el('select', { name: 'type', id: 'incident-type' }, ['', 'failedJob', 'failedExternalTask']
    .map(t => el('option', { value: t, selected: t === (params.get('type') || '') }, t || 'any')))),
  el('label', {}, 'Group by', el('select', { name: 'by', id: 'incident-by' },
    el('option', { value: 'cause', selected: groupBy() === 'cause' }, 'cause'),
    el('option', { value: 'step', selected: groupBy() === 'step' }, 'journey and step'))),
  el('button', { type: 'submit' }, 'Filter'),
  FILTERS.some(f => params.get(f)) ? link('#/incidents', 'Clear the filters') : null);
  return form;
}

function groupsTable(groups) {
  const byStep = groupBy() === 'step';
  const narrow = (g) => byStep ? { ...filterOf(), journey: g.journey, step: g.step } : { ...filterOf(), cause: g.cause };
  const name = (g) => byStep ? `${g.journey} / ${g.step}` : g.cause;
  const show = (g) => `#/incidents?${new URLSearchParams({ ...narrow(g), by: groupBy() })}`;
  return table('incident-groups', [
    { title: byStep ? 'Journey / step' : 'Cause', value: g => link(show(g), name(g), `(show these ${g.count} incidents)`) },
    { title: 'Incidents', value: g => g.count, num: true },
    { title: 'Example', value: g => g.sample },
    { title: 'Newest', value: g => time(g.newestAt) },
    { title: 'Retry the group', hidden: true, value: g => el('button', { type: 'button', class: 'retry-group',
      'aria-label': `Retry all ${g.count} incidents of ${name(g)}`, onclick: () => retry({ filter: narrow(g) }, `incident(s) of ${name(g)}`) },
    `Retry all ${g.count}`) },
  ], groups, 'No open incidents.', { key: g => name(g), caption: `Open incidents by ${byStep ? 'journey and step' : 'cause'}` });
}

/** The reason, with the stack trace fetched the first time the user opens it; kept open across refreshes. */
function reason(i) {
  const trace = el('pre', { class: 'stacktrace', 'data-own': true });
  return el('details', { class: 'details', ontoggle: async (e) => {
    if (!e.target.open || trace.textContent) return;
    try {
      const detail = await api(`/api/console/incidents/${encodeURIComponent(i.id)}`);
      trace.textContent = detail.stacktrace || detail.incident.message;
    } catch (error) {
      notice(error.message, true);
    }
  } }, el('summary', {}, i.message, el('span', { class: 'sr-only' }, ` (stack trace of incident ${i.id})`)), trace);
}

function incidentsTable(page) {
  const allTicked = page.items.length > 0 && page.items.every(i => selected.has(i.id));
  const pick = (i, on) => on ? selected.add(i.id) : selected.delete(i.id);
  return [
    el('div', { class: 'actions', id: 'incident-actions' },
      el('label', {}, el('input', { type: 'checkbox', id: 'select-page', checked: allTicked, onchange: (e) => {
        page.items.forEach(i => pick(i, e.target.checked));
        main.querySelectorAll('#incidents input.pick').forEach(box => { box.checked = e.target.checked; });
      } }), ' Select all on this page'),
      el('button', { type: 'button', id: 'retry-selected', onclick: () => selected.size
        ? retry({ ids: [...selected] }, 'selected incident(s)') : notice('Tick the incidents to retry first.') }, 'Retry selected')),
    table('incidents', [
      { title: 'Select', hidden: true, value: i => el('input', { type: 'checkbox', class: 'pick', checked: selected.has(i.id),
        'aria-label': `Select incident ${i.id} of ${i.activityId}`, onchange: (e) => pick(i, e.target.checked) }) },
      { title: 'Retry', hidden: true, value: i => el('button', { type: 'button', class: 'retry', 'data-incident': i.id,
        'aria-label': `Retry incident ${i.id} of ${i.activityId}`, onclick: () => retry({ ids: [i.id] }, `incident ${i.id}`) }, 'Retry') },
      { title: 'Since', value: i => time(i.at) },
      { title: 'Journey', value: i => i.journey ? link(`#/journey/${encodeURIComponent(i.journey)}`, i.journey) : '' },
      { title: 'Step', value: i => i.activityId },
      { title: 'Customer', value: i => customerLink(i.customerId) },
      { title: 'Run', value: i => runLink(i.processInstanceId, 'open') },
      { title: 'Reason', value: reason },
    ], page.items, 'No open incident matches these filters.', { key: i => i.id }),
    pager('incidents-pager', page, (next) => { offset = next; update(); }, 'incidents')];
}

async function retryOutcome() {
  if (!retryId) return null;
  const r = await api(`/api/console/retries/${encodeURIComponent(retryId)}`);
  const c = r.counts;
  return el('section', { id: 'retry-outcome', 'aria-labelledby': 'retry-heading' },
    el('h2', { id: 'retry-heading' }, 'Retry outcome'),
    el('p', { id: 'retry-counts', role: 'status' }, `${c.SUCCEEDED} succeeded, ${c.FAILED} failed again, ${c.PENDING} waiting to run`
      + (c.GONE ? `, ${c.GONE} ended otherwise` : '') + ` (retried by ${r.by} at ${time(r.at)}).`),
    table('retry-jobs', [
      { title: 'Incident', value: j => j.incidentId }, { title: 'Journey', value: j => j.journey }, { title: 'Step', value: j => j.step },
      { title: 'Run', value: j => runLink(j.runId, 'open') },
      { title: 'Outcome', value: j => el('span', { class: `outcome-${j.outcome.toLowerCase()}` }, j.outcome) },
      { title: 'Reason now', value: j => j.reason }, { title: 'Reason before', value: j => j.previousReason },
    ], r.jobs, 'Nothing was retried.', { key: j => j.incidentId }));
}

async function update() {
  const filter = new URLSearchParams(filterOf());
  const [groups, page, failed, outcome] = await Promise.all([
    api(`/api/console/incidents/groups?by=${groupBy()}&${filter}`),
    api(`/api/console/incidents?${filter}&limit=${PAGE}&offset=${offset}`),
    api('/api/console/failed-messages'), retryOutcome()]);
  render(main.querySelector('#retry-outcome-holder'), outcome);
  render(main.querySelector('#incident-groups-holder'), groupsTable(groups));
  render(main.querySelector('#incidents-holder'), incidentsTable(page));
  render(main.querySelector('#failed-table'), table('failed-messages', [
    { title: 'When', value: m => time(m.at) },
    { title: 'Channel', value: m => m.channel }, { title: 'Template', value: m => m.template },
    { title: 'Customer', value: m => customerLink(m.customerId) },
    { title: 'To', value: m => m.recipient }, { title: 'Reason', value: m => m.currentReason || m.reason },
    { title: 'Retry', hidden: true, value: m => m.incidentId ? el('button', { type: 'button', class: 'retry-message',
      'aria-label': `Retry the ${m.template} ${m.channel} to ${m.recipient}`, onclick: () => retry({ ids: [m.incidentId] }, `message ${m.template} to ${m.recipient}`) }, 'Retry')
      : el('span', { class: 'muted' }, 'retrying automatically') },
  ], failed, 'No failed messages.', { key: m => m.idempotencyKey }));
}

export default {
  title: 'Incidents',
  async mount(target, argument, query) {
    main = target;
    params = query;
    offset = 0;
    retryId = null;
    selected.clear();
    main.append(el('h1', {}, 'Incidents'), filterForm(), el('div', { id: 'retry-outcome-holder', 'aria-live': 'polite' }),
      el('div', { id: 'incident-groups-holder' }), el('h2', {}, 'Incidents'), el('div', { id: 'incidents-holder' }),
      el('h2', {}, 'Failed messages'), el('div', { id: 'failed-table' }));
    await update();
  },
  update,
};
