// Rules: the active rule files and the last reload's result from the decisions feature (/api/rules/status) when the
// engine has it; otherwise the rule files found in the rules folder.
import { api, el, table, time, simplePage } from '../lib.js';

async function fromDecisions() {
  try {
    return await api('/api/rules/status');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

async function update(body) {
  const status = await fromDecisions();
  if (status) {
    const files = status.files || status.activeFiles || [];
    body.replaceChildren(
      table('rule-files', [{ title: 'Active rule file', value: f => typeof f === 'string' ? f : (f.name || f.file) }], files, 'No rule files are active.'),
      el('h3', {}, 'Last reload'), el('pre', { id: 'last-reload' }, JSON.stringify(status.lastReload ?? status, null, 2)));
    return;
  }
  const rules = await api('/api/console/rules');
  body.replaceChildren(
    el('p', { class: 'muted' }, `Rule files in ${rules.location} (compiled when the engine started).`),
    table('rule-files', [{ title: 'Rule file', value: f => f.name }, { title: 'Size', value: f => f.size, num: true },
      { title: 'Changed', value: f => time(f.modifiedAt) }], rules.files, 'No rule files found.'));
}

export default simplePage('Rules', 'Rules', 'rules-body', update);
