// One journey: its BPMN diagram (bpmn-js, bundled) with live counts on each step, the funnel, conversion and messages.
import { api, el, table, card } from '../lib.js';

let main, key, viewer, shownVersion;

function overlays(detail) {
  const layer = viewer.get('overlays');
  layer.clear();
  for (const step of Object.values(detail.steps)) {
    if (!step.waiting && !step.passed && !step.incidents) continue;
    const badges = el('div', { class: 'step-counts', 'data-step': step.id },
      step.waiting ? el('span', { class: 'waiting', title: 'waiting now' }, `${step.waiting} waiting`) : null,
      step.passed ? el('span', { class: 'passed', title: 'passed' }, `${step.passed} passed`) : null,
      step.incidents ? el('span', { class: 'incidents', title: 'incidents' }, `${step.incidents} incidents`) : null);
    try {
      layer.add(step.id, { position: { top: -20, left: -6 }, html: badges });
    } catch (e) { /* a step of an older version that the latest diagram does not have */ }
  }
}

function figures(detail) {
  const rate = `${(detail.conversionRate * 100).toFixed(1)} %`;
  main.querySelector('#journey-cards').replaceChildren(
    card('Entered', detail.entered, 'entered'), card('Active now', detail.active, 'active'),
    card('Converted', detail.converted, 'converted'), card('Conversion rate', rate, 'conversion-rate'));
  const top = Math.max(1, ...detail.funnel.map(s => s.passed + s.waiting));
  main.querySelector('#journey-funnel').replaceChildren(table('funnel', [
    { title: 'Step', value: s => s.name || s.id },
    { title: 'Reached', value: s => s.passed + s.waiting, num: true },
    { title: '', value: s => el('div', { class: 'bar-track' }, el('div', { class: 'bar', style: `width:${Math.round(100 * (s.passed + s.waiting) / top)}%` })) },
    { title: 'Waiting now', value: s => s.waiting, num: true },
    { title: 'Incidents', value: s => s.incidents, num: true },
  ], detail.funnel, 'No steps.'));
  const channels = Object.entries(detail.messagesByChannel);
  main.querySelector('#journey-messages').replaceChildren(table('journey-messages', [
    { title: 'Channel', value: ([channel]) => channel },
    { title: 'Sent', value: ([, s]) => s.SENT || 0, num: true },
    { title: 'Failed', value: ([, s]) => s.FAILED || 0, num: true },
    { title: 'Suppressed', value: ([, s]) => s.SUPPRESSED || 0, num: true },
    { title: 'Queued', value: ([, s]) => s.QUEUED || 0, num: true },
  ], channels, 'This journey has sent no messages yet.'));
}

async function update() {
  const detail = await api(`/api/console/journeys/${encodeURIComponent(key)}`);
  main.querySelector('h2').textContent = `${detail.name || detail.key} · version ${detail.version}`;
  if (shownVersion !== detail.version) {
    await viewer.importXML(detail.bpmnXml);
    viewer.get('canvas').zoom('fit-viewport');
    shownVersion = detail.version;
  }
  overlays(detail);
  figures(detail);
}

export default {
  title: 'Journey',
  async mount(target, journeyKey) {
    main = target;
    key = journeyKey;
    shownVersion = null;
    main.append(el('h2', {}, key), el('div', { class: 'cards', id: 'journey-cards' }),
      el('div', { class: 'diagram', id: 'diagram' }),
      el('h3', {}, 'Funnel'), el('div', { id: 'journey-funnel' }),
      el('h3', {}, 'Messages per channel'), el('div', { id: 'journey-messages' }));
    viewer = new window.TouchpointBpmn.Viewer({ container: main.querySelector('#diagram') });
    await update();
  },
  update,
};
