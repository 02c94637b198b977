// Try a journey before it goes live (marketer): play a scenario file against a draft BPMN, or backtest a draft (or a
// deployed journey) over the events recorded in a period. Both run in a sandbox on the engine (README "Testing a
// journey before it goes live"); nothing is sent. A backtest's id stays in the address (#/try?backtest=<id>), so its
// progress and then its report refresh with the page: the diagram with the runs per step as badges (drawn like the
// live counts of the journey page), the sends per local hour as a chart, the messages, held-back sends and collisions.
import { api, el, table, card, render, notice, time, customerLink, chart, showDiagram, stepBadges } from '../lib.js';

let main, params, viewer, drawn;
const badges = new Map(); // step id → its badge, on the diagram of the backtest shown

const fileInput = (id, accept) => el('input', { id, name: id, type: 'file', accept });

function scenarioForm() {
  const result = el('div', { id: 'try-test-result', 'aria-live': 'polite', 'data-own': true });
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData();
    form.append('bpmn', main.querySelector('#try-test-bpmn').files[0]);
    form.append('scenario', main.querySelector('#try-test-scenario').files[0]);
    result.replaceChildren(el('p', { class: 'muted' }, 'Running the scenarios in a sandbox…'));
    try {
      const answer = await api('/api/journeys/test', { method: 'POST', body: form });
      result.replaceChildren(el('p', { id: 'try-test-verdict', class: answer.passed ? 'notice' : 'error-box', role: 'status' },
        answer.passed ? `Every scenario of ${answer.journey} passed.` : `Some scenarios of ${answer.journey} failed.`),
      table('try-test-scenarios', [
        { title: 'Scenario', value: s => s.name },
        { title: 'Result', value: s => s.passed ? 'passed' : 'failed' },
        { title: 'Differences', value: s => el('ul', {}, s.differences.map(d => el('li', {}, d))) },
      ], answer.scenarios, 'The file has no scenarios.'));
    } catch (error) {
      result.replaceChildren(el('div', { class: 'error-box', role: 'alert', id: 'try-test-error' }, error.message));
    }
  };
  return el('form', { id: 'try-test', onsubmit: submit, 'aria-labelledby': 'try-test-heading' },
    el('h2', { id: 'try-test-heading' }, 'Play scenarios against a draft'),
    el('label', {}, 'Journey (BPMN) ', fileInput('try-test-bpmn', '.bpmn,.xml')), ' ',
    el('label', {}, 'Scenario file (YAML) ', fileInput('try-test-scenario', '.yaml,.yml')), ' ',
    el('button', { type: 'submit' }, 'Run scenarios'), result);
}

function backtestForm() {
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData();
    const file = main.querySelector('#try-backtest-bpmn').files[0];
    if (file) form.append('bpmn', file);
    for (const name of ['journey', 'version']) {
      const value = main.querySelector(`#try-backtest-${name}`).value.trim();
      if (value) form.append(name, value);
    }
    form.append('from', `${main.querySelector('#try-backtest-from').value}T00:00:00Z`);
    form.append('to', `${main.querySelector('#try-backtest-to').value}T00:00:00Z`);
    try {
      const started = await api('/api/journeys/backtest', { method: 'POST', body: form });
      location.hash = `#/try?backtest=${encodeURIComponent(started.id)}`;
    } catch (error) {
      notice(error.message, true);
    }
  };
  return el('form', { id: 'try-backtest', onsubmit: submit, 'aria-labelledby': 'try-backtest-heading' },
    el('h2', { id: 'try-backtest-heading' }, 'Backtest over recorded events'),
    el('label', {}, 'Draft (BPMN) ', fileInput('try-backtest-bpmn', '.bpmn,.xml')), ' or deployed ',
    el('label', {}, 'journey ', el('input', { id: 'try-backtest-journey', size: 16 })), ' ',
    el('label', {}, 'version ', el('input', { id: 'try-backtest-version', size: 3 })), el('br'),
    el('label', {}, 'From (UTC) ', el('input', { id: 'try-backtest-from', type: 'date', required: true })), ' ',
    el('label', {}, 'to ', el('input', { id: 'try-backtest-to', type: 'date', required: true })), ' ',
    el('button', { type: 'submit' }, 'Backtest'));
}

const counts = (id, what, entries) => table(id, [{ title: what, value: ([k]) => k }, { title: 'Runs', value: ([, n]) => n, num: true }],
  Object.entries(entries), 'None.', { key: ([k]) => k });

const messageColumns = [
  { title: 'Customer', value: m => customerLink(m.customerId) }, { title: 'Step', value: m => m.step },
  { title: 'Channel', value: m => m.channel }, { title: 'Template', value: m => m.template },
  { title: 'Local time', value: m => m.localTime.replace('T', ' ') }, { title: 'Subject', value: m => m.subject || '' }];

function report(status) {
  if (status.state === 'RUNNING') {
    return [el('p', { id: 'try-backtest-progress', role: 'status' }, `Replaying ${status.replayed} of ${status.events} events…`)];
  }
  if (status.state === 'FAILED') {
    return [el('div', { class: 'error-box', role: 'alert', id: 'try-backtest-error' }, status.error)];
  }
  const r = status.report.journey;
  const peak = Math.max(1, ...r.hourlyVolume);
  return [
    el('p', { class: 'muted', id: 'try-backtest-summary' }, `${r.journey}: ${status.events} events of ${status.report.customers} customers`
      + ` from ${time(status.report.from)} to ${time(status.report.to)}, replayed in ${(status.replayMillis / 1000).toFixed(1)} s.`),
    el('div', { class: 'cards' }, card('Entries', r.entries, 'try-entries'), card('Conversions', r.conversions, 'try-conversions'),
      card('Messages', r.messages.length, 'try-messages-count'), card('Held back', r.heldBack.length, 'try-held-back-count'),
      card('Collisions', status.report.collisions.length, 'try-collisions-count')),
    el('h3', {}, 'Runs per step'),
    el('div', { class: 'diagram', id: 'try-diagram', 'data-own': true, role: 'region', 'aria-label': `BPMN diagram of ${r.journey} with the runs that reached each step` }),
    counts('try-steps', 'Step', r.steps),
    el('h3', {}, 'Sends per hour (customers\' local time)'),
    el('div', { class: 'chart', id: 'try-hourly-chart', 'data-own': true, role: 'img', 'aria-label': 'Chart of the messages per local hour; the figures are in the table below' }),
    table('try-hourly', [{ title: 'Hour', value: h => `${String(h).padStart(2, '0')}:00` }, { title: 'Messages', value: h => r.hourlyVolume[h], num: true },
      { title: '', hidden: true, value: h => el('span', { class: 'bar', style: `display:inline-block;background:#4a7;height:0.8em;width:${Math.round(100 * r.hourlyVolume[h] / peak)}px` }) }],
    [...Array(24).keys()], '', { key: h => h }),
    el('h3', {}, 'Messages that would have gone out'), table('try-messages', messageColumns, r.messages.slice(0, 200), 'No messages.',
      { key: m => `${m.customerId}:${m.step}:${m.at}`, caption: r.messages.length > 200 ? `The first 200 of ${r.messages.length}` : null }),
    el('h3', {}, 'Held back by the sending policy'), table('try-held-back', [
      { title: 'Customer', value: h => customerLink(h.customerId) }, { title: 'Step', value: h => h.step },
      { title: 'Decided', value: h => time(h.decidedAt) }, { title: 'Sent at', value: h => h.sent ? time(h.sendAt) : 'not sent' },
      { title: 'Why', value: h => h.reasons.join('; ') }], r.heldBack.slice(0, 200), 'None.', { key: h => `${h.customerId}:${h.step}:${h.decidedAt}` }),
    el('h3', {}, 'Collisions with messages live journeys sent the same day'), table('try-collisions', [
      { title: 'Customer', value: c => customerLink(c.customerId) }, { title: 'Would send', value: c => `${c.template} (${c.channel}) ${time(c.at)}` },
      { title: 'Live message', value: c => `${c.liveTemplate} (${c.liveChannel}) ${time(c.liveAt)}` }],
    status.report.collisions.slice(0, 200), 'None.', { key: c => `${c.customerId}:${c.at}:${c.liveAt}` }),
  ];
}

async function update() {
  const id = params.get('backtest');
  if (!id) return;
  const status = await api(`/api/journeys/backtest/${encodeURIComponent(id)}`);
  render(main.querySelector('#try-backtest-report'), ...report(status));
  if (status.state === 'DONE') await drawCounts(id, status.report.journey);
}

/** The backtested BPMN with the runs that reached each step as badges, and the messages per local hour as a chart. */
async function drawCounts(id, r) {
  chart(main.querySelector('#try-hourly-chart'), [...Array(24).keys()], [{ label: 'Messages', value: h => r.hourlyVolume[h] }],
    { x: h => h, xLabel: 'local hour' });
  const holder = main.querySelector('#try-diagram');
  if (drawn !== id || !viewer || !holder.contains(viewer.get('canvas').getContainer())) {
    const xml = await api(`/api/journeys/backtest/${encodeURIComponent(id)}/bpmn`, { text: true, headers: { Accept: 'application/xml' } });
    holder.replaceChildren();
    viewer = new window.TouchpointBpmn.Viewer({ container: holder });
    await showDiagram(viewer, xml);
    badges.clear();
    drawn = id;
  }
  stepBadges(viewer, badges, Object.keys(r.steps), (step, name) => el('span', { class: 'passed', title: `runs that reached ${name}` },
    `${r.steps[step]} ${r.steps[step] === 1 ? 'run' : 'runs'}`));
}

export default {
  title: 'Try a journey',
  async mount(target, argument, query) {
    main = target;
    params = query;
    viewer = null;
    drawn = null;
    badges.clear();
    main.append(el('h1', {}, 'Try a journey'),
      el('p', { class: 'muted' }, 'A draft runs in a sandbox on a virtual clock: nothing is deployed, nothing is sent.'),
      scenarioForm(), backtestForm(), el('div', { id: 'try-backtest-report' }));
    await update();
  },
  update,
};
