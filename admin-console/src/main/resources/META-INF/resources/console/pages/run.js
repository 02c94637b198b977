// One journey run (#/run/{runId}): the steps walked with their times, variables, pending timers, incidents, decisions,
// messages with their content and status, the goal, and what operators did; an operator may cancel or move it.
import { api, el, table, time, render, notice, may, customerLink, link } from '../lib.js';
import { decisionsTable } from './decisions.js';

let main, runId, journeySteps = [];

function content(m) {
  if (!m.content) return el('span', { class: 'muted' }, m.status === 'SUPPRESSED' ? 'not sent' : 'not stored');
  const text = m.content.text || m.content.body || m.content.html || '';
  return el('details', { class: 'message-content' }, el('summary', {}, m.content.subject || 'content',
    el('span', { class: 'sr-only' }, ` (content of ${m.template} to ${m.recipient})`)),
    el('pre', {}, text));
}

function summary(run) {
  const facts = [['Journey', link(`#/journey/${encodeURIComponent(run.journey)}`, `${run.journeyName || run.journey} (version ${run.version})`)],
    ['Customer', customerLink(run.customerId)], ['Key', run.instanceKey], ['State', run.state],
    ['Started', time(run.startedAt)], ['Ended', time(run.endedAt)], ['End reason', run.endReason],
    ['Waiting at', run.waitingAt.join(', ')],
    ['Goal', run.goal ? `${run.goal.stepId} (${run.goal.eventType}) at ${time(run.goal.reachedAt)}` : null]];
  return el('dl', { class: 'facts', id: 'run-summary' }, facts.filter(([, v]) => v != null && v !== '')
    .flatMap(([k, v]) => [el('dt', { 'data-key': `t-${k}` }, k), el('dd', { 'data-key': `d-${k}` }, v)]));
}

function actions(run) {
  if (run.state !== 'ACTIVE' || !may('operator')) return null;
  const reason = el('input', { id: 'run-reason', name: 'reason', required: true, maxlength: 500, size: 40 });
  const target = el('select', { id: 'run-move-to', name: 'toStep' }, journeySteps.map(s => el('option', { value: s.id }, `${s.name || s.id} (${s.id})`)));
  const act = async (action, body) => {
    if (!reason.value.trim()) { notice('Say why: the reason is recorded with the change.', true); reason.focus(); return; }
    try {
      const done = await api(`/api/console/runs/${encodeURIComponent(runId)}/${action}`, { method: 'POST', body: { ...body, reason: reason.value.trim() } });
      notice(done.action === 'CANCEL' ? `Run cancelled: ${done.reason}` : `Run moved from ${done.fromStep} to ${done.toStep}: ${done.reason}`);
      reason.value = '';
      await update();
    } catch (e) {
      notice(e.message, true);
    }
  };
  return el('form', { class: 'filters', id: 'run-actions', 'aria-label': 'change this run', onsubmit: (e) => e.preventDefault() },
    el('label', {}, 'Reason (recorded)', reason),
    el('button', { type: 'button', id: 'run-cancel', onclick: () => act('cancel', {}) }, 'Cancel the run'),
    el('label', {}, 'Move to step', target),
    el('button', { type: 'button', id: 'run-move', onclick: () => act('move', { toStep: target.value }) }, 'Move'));
}

async function update() {
  const run = await api(`/api/console/runs/${encodeURIComponent(runId)}`);
  if (!journeySteps.length && run.state === 'ACTIVE' && may('operator')) {
    const journey = await api(`/api/console/journeys/${encodeURIComponent(run.journey)}`);
    journeySteps = journey.funnel.filter(s => !s.goal);
  }
  document.title = `Run of ${run.customerId} in ${run.journeyName || run.journey} · Touchpoint console`;
  render(main.querySelector('h1'), `Run of ${run.customerId} in ${run.journeyName || run.journey}`);
  const body = main.querySelector('#run-body');
  render(main.querySelector('#run-change'), actions(run));
  render(body, summary(run),
    el('h2', {}, 'Steps'),
    table('run-steps', [{ title: 'Step', value: s => s.name ? `${s.name} (${s.stepId})` : s.stepId }, { title: 'Type', value: s => s.type },
      { title: 'Started', value: s => time(s.startedAt) }, { title: 'Ended', value: s => time(s.endedAt) }, { title: 'State', value: s => s.state }],
    run.steps, 'No step recorded.', { key: s => `${s.stepId}|${s.startedAt}` }),
    el('h2', {}, 'Pending timers'),
    table('run-timers', [{ title: 'Step', value: t => t.stepId }, { title: 'Due', value: t => time(t.dueAt) }], run.timers, 'No timer pending.', { key: t => t.jobId }),
    el('h2', {}, 'Incidents'),
    table('run-incidents', [{ title: 'Since', value: i => time(i.at) }, { title: 'Step', value: i => i.stepId }, { title: 'Reason', value: i => i.message }],
      run.incidents, 'No open incident.', { key: i => i.id }),
    el('h2', {}, 'Decisions'), decisionsTable('run-decisions', run.decisions),
    el('h2', {}, 'Messages'),
    table('run-messages', [{ title: 'When', value: m => time(m.createdAt) }, { title: 'Step', value: m => m.stepId },
      { title: 'Channel', value: m => m.channel }, { title: 'Template', value: m => m.template }, { title: 'To', value: m => m.recipient },
      { title: 'Status', value: m => el('span', { class: `status-${m.status}` }, m.status) }, { title: 'Reason', value: m => m.reason },
      { title: 'Opened', value: m => time(m.openedAt) }, { title: 'Clicks', value: m => m.clicks, num: true }, { title: 'Content', value: content }],
    run.messages, 'No message sent in this run.', { key: m => m.idempotencyKey }),
    el('h2', {}, 'Variables'),
    table('run-variables', [{ title: 'Name', value: v => v.name }, { title: 'Type', value: v => v.type },
      { title: 'Value', value: v => el('pre', {}, typeof v.value === 'object' ? JSON.stringify(v.value, null, 2) : String(v.value ?? '')) }],
    run.variables, run.state === 'ACTIVE' ? 'No variables.' : 'Variables are kept only while a run is active.', { key: v => v.name }),
    el('h2', {}, 'Operator actions'),
    table('run-actions-log', [{ title: 'When', value: a => time(a.at) }, { title: 'Action', value: a => a.action }, { title: 'By', value: a => a.by },
      { title: 'From', value: a => a.fromStep }, { title: 'To', value: a => a.toStep }, { title: 'Reason', value: a => a.reason }],
    run.actions, 'No operator changed this run.', { key: a => `${a.at}|${a.action}` }));
}

export default {
  title: (id) => `Run ${id}`,
  async mount(target, id) {
    main = target;
    runId = id;
    journeySteps = [];
    main.append(el('h1', {}, `Run ${id}`), el('div', { id: 'run-change' }), el('div', { id: 'run-body' }));
    await update();
  },
  update,
};
