// The decisions table shared by the customer and run pages: every decision from the decision log with its offer,
// channel, send-at time, reasons, fired rules and the facts it saw.
import { el, table, time, runLink } from '../lib.js';

const list = (items) => items && items.length ? el('ul', { class: 'plain' }, items.map(i => el('li', {}, i))) : '';

export function decisionsTable(id, decisions, withRun = false) {
  return table(id, [
    { title: 'Decided', value: d => time(d.decidedAt) },
    ...(withRun ? [{ title: 'Run', value: d => runLink(d.runId, d.journey) }] : [{ title: 'Journey', value: d => d.journey }]),
    { title: 'Step', value: d => d.step }, { title: 'Decision', value: d => d.decisionName },
    { title: 'Outcome', value: d => d.eligible === false ? `${d.outcome} (not eligible)` : d.outcome },
    { title: 'Offer', value: d => d.offerCode }, { title: 'Channel', value: d => d.channel },
    { title: 'Send at', value: d => time(d.sendAt) },
    { title: 'Reasons', value: d => list(d.reasons) }, { title: 'Fired rules', value: d => list(d.firedRules) },
    { title: 'Facts', value: d => el('details', {}, el('summary', {}, 'facts', el('span', { class: 'sr-only' }, ` of decision ${d.id}`)),
      el('pre', {}, JSON.stringify(d.facts, null, 2))) },
  ], decisions, 'No decision recorded.', { key: d => d.id });
}
