// Segments: every segment with its members now and over the last 30 days, the backfill under way; one segment's
// definition, its size per day (a chart and a table) and its members, paged, each linked to the customer page
// (README "Segments and scheduled journeys"; /api/segments, /api/segments/{id}/sizes, /api/segments/{id}/members).
import { api, el, table, render, pager, time, link, chart, customerLink } from '../lib.js';

const PAGE = 25;
let main, segmentId, offset;

const segmentLink = (id) => link(`#/segments/${encodeURIComponent(id)}`, id);

async function showList() {
  const listing = await api('/api/segments');
  const sizes = await Promise.all(listing.segments.filter(s => !s.problem)
    .map(s => api(`/api/segments/${encodeURIComponent(s.id)}/sizes?days=8`)));
  const byId = Object.fromEntries(sizes.map(s => [s.segmentId, s]));
  const weekAgo = (s) => {
    const days = byId[s.id]?.days || [];
    if (!days.length) return null;
    const then = new Date(`${days[days.length - 1].day}T00:00:00Z`);
    then.setUTCDate(then.getUTCDate() - 7);
    return days.find(d => d.day === then.toISOString().slice(0, 10))?.members ?? null;
  };
  const backfill = listing.backfill;
  render(main.querySelector('#segments-body'),
    el('p', { class: 'muted', id: 'segments-backfill' }, backfill
      ? `Version ${backfill.version}: ${backfill.finishedAt ? 'backfilled' : 'backfilling'} ${backfill.processed} of ${backfill.total} customers`
        + (backfill.finishedAt ? ` (finished ${time(backfill.finishedAt)})` : '')
      : `Version ${listing.version}: no backfill has run.`),
    table('segments', [
      { title: 'Segment', value: s => s.problem ? s.id : segmentLink(s.id) }, { title: 'Name', value: s => s.name || '' },
      { title: 'Members', value: s => s.problem ? '–' : s.members, num: true },
      { title: 'A week ago', value: s => weekAgo(s) ?? '–', num: true },
      { title: 'Uses', value: s => s.references.join(', ') },
      { title: 'Description', value: s => s.problem ? el('span', { class: 'error' }, `Left out: ${s.problem}`) : s.description || '' },
    ], listing.segments, 'No segments yet: add files to segments/ or PUT /api/segments/{id}.', { key: s => s.id, caption: 'Segments' }));
}

async function showSegment() {
  const id = encodeURIComponent(segmentId);
  const [definition, sizes, members] = await Promise.all([api(`/api/segments/${id}`), api(`/api/segments/${id}/sizes?days=30`),
    api(`/api/segments/${id}/members?page=${offset / PAGE}&size=${PAGE}`)]);
  if (definition.name) render(main.querySelector('h1'), `Segment ${definition.name}`);
  chart(main.querySelector('#segment-chart'), sizes.days, [{ label: 'Members', value: d => d.members }]);
  render(main.querySelector('#segment-body'),
    el('p', { id: 'segment-members-now' }, `${sizes.members} members now. `, definition.description || ''),
    table('segment-sizes', [{ title: 'Day (UTC)', value: d => d.day }, { title: 'Members', value: d => d.members, num: true }],
      [...sizes.days].reverse(), 'Not counted yet.', { key: d => d.day, caption: 'Members per day, the latest first' }),
    el('h2', {}, 'Members'),
    table('segment-members', [{ title: 'Customer', value: m => customerLink(m.customerId) }, { title: 'Joined', value: m => time(m.joinedAt) }],
      members.members, 'Nobody is in this segment.', { key: m => m.customerId, caption: 'Members by customer id' }),
    pager('segment-members-pager', { total: members.total, offset, limit: PAGE }, (to) => { offset = to; showSegment(); }, 'members'),
    el('h2', {}, 'Definition'),
    el('pre', { id: 'segment-definition' }, JSON.stringify(definition.condition, null, 2)));
}

export default {
  title: (id) => id ? `Segment ${id}` : 'Segments',
  async mount(target, id) {
    main = target;
    segmentId = id;
    offset = 0;
    if (!id) {
      main.append(el('h1', {}, 'Segments'), el('div', { id: 'segments-body' }));
      await showList();
      return;
    }
    main.append(el('h1', {}, `Segment ${id}`),
      el('div', { class: 'chart', id: 'segment-chart', 'data-own': true, role: 'img', 'aria-label': 'Chart of the members per day; the figures are in the table below' }),
      el('div', { id: 'segment-body' }));
    await showSegment();
  },
  update: () => segmentId ? showSegment() : showList(),
};
