// Rules: the running rule files and, when the last change was refused, why (file, line, message) as an error, from the
// decisions feature's /api/rules/status when the engine has it; otherwise the rule files found in the rules folder.
import { api, el, table, time, render, simplePage } from '../lib.js';

async function fromDecisions() {
  try {
    return await api('/api/rules/status');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

function refused(status) {
  if (status.state !== 'CHANGE_REFUSED') {
    return el('p', { id: 'rules-state', class: 'muted' }, `Running ${status.rules} rules from ${status.files.length} files, loaded ${time(status.loadedAt)}.`);
  }
  return el('div', { id: 'rules-error', class: 'error-box', role: 'alert' },
    el('h2', {}, 'The last rule change was refused'),
    el('p', {}, `At ${time(status.lastAttemptAt)} a change did not compile, so it was not applied: the rules loaded ${time(status.loadedAt)} keep running.`),
    el('ul', { id: 'rule-problems' }, status.problems.map(p => el('li', { 'data-key': `${p.file}:${p.line}:${p.message}` },
      el('strong', {}, `${p.file}, line ${p.line}: `), p.message))));
}

async function update(body) {
  const status = await fromDecisions();
  if (status) {
    render(body, refused(status),
      table('rule-files', [{ title: 'Active rule file', value: f => f }], status.files, 'No rule files are active.', { key: f => f }));
    return;
  }
  const rules = await api('/api/console/rules');
  render(body,
    el('p', { class: 'muted' }, `Rule files in ${rules.location} (compiled when the engine started).`),
    table('rule-files', [{ title: 'Rule file', value: f => f.name }, { title: 'Size', value: f => f.size, num: true },
      { title: 'Changed', value: f => time(f.modifiedAt) }], rules.files, 'No rule files found.', { key: f => f.name }));
}

export default simplePage('Rules', 'Rules', 'rules-body', update);
