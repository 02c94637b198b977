// Learning offers: per decision and offer, how often the learning chose it, the messages that carried it, the
// conversions and failures counted, the conversion rate with its 95% credible interval, the uplift against the holdout
// and the messages sent over the last 30 days (README "Learning offers and send times"; /api/console/offers).
import { api, el, table, render, percent, simplePage } from '../lib.js';

const rate = (value) => value == null ? '–' : percent(value);
const perDay = (days) => Object.entries(days).map(([day, sent]) => `${day}: ${sent}`).join(', ');

async function update(body) {
  const offers = await api('/api/console/offers?days=30');
  render(body,
    el('p', { class: 'muted' }, 'The holdout gets no offer: its rate is the baseline of the uplift. While the intervals of two offers overlap widely, the learning still explores between them.'),
    table('offers', [
      { title: 'Decision', value: o => o.decision }, { title: 'Offer', value: o => o.offer },
      { title: 'Chosen', value: o => o.chosen, num: true }, { title: 'Sent', value: o => o.sent, num: true },
      { title: 'Conversions', value: o => o.conversions, num: true }, { title: 'Failures', value: o => o.failures, num: true },
      { title: 'In window', value: o => o.open, num: true }, { title: 'Rate', value: o => rate(o.rate), num: true },
      { title: '95% interval', value: o => o.rate == null ? '–' : `${rate(o.low)} – ${rate(o.high)}` },
      { title: 'Uplift', value: o => o.uplift == null ? '–' : `${o.uplift >= 0 ? '+' : ''}${(100 * o.uplift).toFixed(1)} points`, num: true },
      { title: 'Sent per day (30 days)', value: o => perDay(o.sentPerDay) },
    ], offers, 'No learning decision has made an offer yet.', { key: o => `${o.decision} ${o.offer}`, caption: 'Learning offers' }));
}

export default simplePage('Offers', 'Learning offers', 'offers-body', update);
