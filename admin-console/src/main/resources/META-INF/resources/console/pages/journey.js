// One journey: its BPMN diagram (bpmn-js, bundled) with live counts on each step (a step's "waiting" badge lists the
// customers waiting there, paged), the funnel, conversion, messages, and entries / conversions / exits per day.
import { api, el, table, render, card, time, pager, customerLink, runLink, chart, dateRange, percent, showDiagram, stepBadges } from '../lib.js';

const PAGE = 25;
let main, key, viewer, shownVersion, params, waiting;
const badges = new Map(); // step id → its overlay's element, kept across refreshes and updated in place

/** Live counts on each step: waiting (a link to the list), passed, incidents (a link to them). */
function overlays(detail) {
  const steps = new Map(Object.values(detail.steps).map(step => [step.id, step]));
  stepBadges(viewer, badges, [...steps.keys()], (id) => {
    const step = steps.get(id);
    const name = step.name || step.id;
    return [
      step.waiting ? el('a', { class: 'waiting', href: `#/journey/${encodeURIComponent(key)}?step=${encodeURIComponent(step.id)}`,
        'aria-label': `${step.waiting} waiting at ${name}: list them` }, `${step.waiting} waiting`) : null,
      step.passed ? el('span', { class: 'passed', title: `passed ${name}` }, `${step.passed} passed`) : null,
      step.incidents ? el('a', { class: 'incidents', href: `#/incidents?journey=${encodeURIComponent(key)}&step=${encodeURIComponent(step.id)}`,
        'aria-label': `${plural(step.incidents, 'incident')} at ${name}` }, plural(step.incidents, 'incident')) : null];
  });
}

const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

function figures(detail) {
  const rate = `${(detail.conversionRate * 100).toFixed(1)} %`;
  render(main.querySelector('#journey-cards'),
    card('Entered', detail.entered, 'entered'), card('Active now', detail.active, 'active'),
    card('Converted', detail.converted, 'converted'), card('Exited', detail.exited, 'exited'), card('Conversion rate', rate, 'conversion-rate'));
  const top = Math.max(1, ...detail.funnel.map(s => s.passed + s.waiting));
  render(main.querySelector('#journey-funnel'), table('funnel', [
    { title: 'Step', value: s => s.name || s.id },
    { title: 'Reached', value: s => s.passed + s.waiting, num: true },
    { title: 'Share of the top step', hidden: true, value: s => el('div', { class: 'bar-track' }, el('div', { class: 'bar', style: `width:${Math.round(100 * (s.passed + s.waiting) / top)}%` })) },
    { title: 'Waiting now', value: s => s.waiting, num: true },
    { title: 'Incidents', value: s => s.incidents, num: true },
  ], detail.funnel, 'No steps.', { key: s => s.id }));
  const channels = Object.entries(detail.messagesByChannel);
  render(main.querySelector('#journey-messages'), table('journey-messages', [
    { title: 'Channel', value: ([channel]) => channel },
    { title: 'Sent', value: ([, s]) => s.SENT || 0, num: true },
    { title: 'Failed', value: ([, s]) => s.FAILED || 0, num: true },
    { title: 'Suppressed', value: ([, s]) => s.SUPPRESSED || 0, num: true },
    { title: 'Queued', value: ([, s]) => s.QUEUED || 0, num: true },
  ], channels, 'This journey has sent no messages yet.', { key: ([channel]) => channel }));
}

let waitingAsked = 0;

async function showWaiting() {
  if (!waiting) return;
  const asked = ++waitingAsked;
  const page = await api(`/api/console/journeys/${encodeURIComponent(key)}/steps/${encodeURIComponent(waiting.step)}/runs?limit=${PAGE}&offset=${waiting.offset}`);
  if (asked !== waitingAsked) return; // a later request (the next page, a refresh) draws the list instead: no stale page over a newer one
  render(main.querySelector('#waiting-body'), table('waiting', [
    { title: 'Customer', value: r => customerLink(r.customerId) },
    { title: 'Run', value: r => runLink(r.runId, 'open') }, { title: 'Version', value: r => r.version, num: true },
    { title: 'Started', value: r => time(r.startedAt) }, { title: 'Waiting since', value: r => time(r.waitingSince) },
    { title: 'Timer due', value: r => time(r.timerDueAt) }, { title: 'Incident', value: r => r.incident ? r.incident.message : '' },
  ], page.items, 'Nobody is waiting at this step now.', { key: r => r.runId }),
  pager('waiting-pager', page, (offset) => { waiting.offset = offset; showWaiting(); }, 'customers waiting'));
}

async function overTime() {
  const range = new URLSearchParams();
  for (const name of ['from', 'to']) if (params.get(name)) range.set(name, params.get(name));
  const report = await api(`/api/console/journeys/${encodeURIComponent(key)}/over-time?${range}`);
  const t = report.totals;
  render(main.querySelector('#over-time-range'), `${report.from} to ${report.to} (${report.zone})`);
  render(main.querySelector('#over-time-cards'), card('Entries', t.entries, 'range-entries'), card('Conversions', t.conversions, 'range-conversions'),
    card('Exits', t.exits, 'range-exits'), card('Messages sent', t.sent, 'range-sent'), card('Open rate', percent(t.openRate), 'range-open-rate'),
    card('Click rate', percent(t.clickRate), 'range-click-rate'));
  chart(main.querySelector('#over-time-chart'), report.days, [
    { label: 'Entries', value: d => d.entries }, { label: 'Conversions', value: d => d.conversions }, { label: 'Exits', value: d => d.exits }]);
  render(main.querySelector('#over-time-table'), table('over-time', [
    { title: 'Day', value: d => d.day }, { title: 'Entries', value: d => d.entries, num: true },
    { title: 'Conversions', value: d => d.conversions, num: true }, { title: 'Exits', value: d => d.exits, num: true },
    { title: 'Sent', value: d => d.sent, num: true }, { title: 'Delivered', value: d => d.delivered, num: true },
    { title: 'Opened', value: d => d.opened, num: true }, { title: 'Clicked', value: d => d.clicked, num: true },
    { title: 'Open rate', value: d => percent(d.openRate), num: true }, { title: 'Click rate', value: d => percent(d.clickRate), num: true },
  ], report.days, 'No days in this range.', { key: d => d.day }));
}

async function update() {
  const detail = await api(`/api/console/journeys/${encodeURIComponent(key)}`);
  const heading = `${detail.name || detail.key} · version ${detail.version}`;
  render(main.querySelector('h1'), heading);
  document.title = `Journey ${detail.name || detail.key} · Touchpoint console`;
  if (shownVersion !== detail.version) {
    await showDiagram(viewer, detail.bpmnXml);
    badges.clear();
    shownVersion = detail.version;
  }
  overlays(detail);
  figures(detail);
  await Promise.all([showWaiting(), overTime()]);
}

export default {
  title: (journeyKey) => `Journey ${journeyKey}`,
  async mount(target, journeyKey, query) {
    main = target;
    key = journeyKey;
    params = query;
    waiting = query.get('step') ? { step: query.get('step'), offset: 0 } : null;
    shownVersion = null;
    badges.clear();
    main.append(el('h1', {}, key), el('div', { class: 'cards', id: 'journey-cards' }),
      el('div', { class: 'diagram', id: 'diagram', 'data-own': true, role: 'region', 'aria-label': `BPMN diagram of ${key} with the counts per step` }),
      ...(waiting ? [el('section', { id: 'waiting-section', 'aria-labelledby': 'waiting-heading' },
        el('h2', { id: 'waiting-heading', tabindex: -1 }, `Waiting at ${waiting.step} now`), el('div', { id: 'waiting-body' }))] : []),
      el('h2', {}, 'Over time'), dateRange('over-time-form', query), el('p', { class: 'muted', id: 'over-time-range' }),
      el('div', { class: 'cards', id: 'over-time-cards' }),
      el('div', { class: 'chart', id: 'over-time-chart', 'data-own': true, role: 'img', 'aria-label': 'Chart of entries, conversions and exits per day; the figures are in the table below' }),
      el('div', { id: 'over-time-table' }),
      el('h2', {}, 'Funnel'), el('div', { id: 'journey-funnel' }),
      el('h2', {}, 'Messages per channel'), el('div', { id: 'journey-messages' }));
    viewer = new window.TouchpointBpmn.Viewer({ container: main.querySelector('#diagram') });
    await update();
    if (waiting) main.querySelector('#waiting-heading').focus();
  },
  update,
};
