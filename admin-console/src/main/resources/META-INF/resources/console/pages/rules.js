// Rules: the running rule files and, when the last change was refused, why (file, line, message) as an error, from the
// decisions feature's /api/rules/status when the engine has it; otherwise the rule files found in the rules folder.
// A marketer (decision tables) or an admin (also DRL) changes a rule file here; a refused change is shown as an error.
import { api, el, table, time, render, notice, may, simplePage } from '../lib.js';

let status;

async function fromDecisions() {
  try {
    return await api('/api/rules/status');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

function problemList(id, problems) {
  return el('ul', { id }, problems.map(p => el('li', { 'data-key': `${p.file}:${p.line}:${p.message}` },
    el('strong', {}, `${p.file}, line ${p.line}: `), p.message)));
}

function state() {
  if (status.state !== 'CHANGE_REFUSED') {
    return el('p', { id: 'rules-state', class: 'muted' }, `Running ${status.rules} rules from ${status.files.length} files, loaded ${time(status.loadedAt)}.`);
  }
  return el('div', { id: 'rules-state', class: 'error-box', role: 'alert' },
    el('h2', {}, 'The last rule change was refused'),
    el('p', {}, `At ${time(status.lastAttemptAt)} a change did not compile, so it was not applied: the rules loaded ${time(status.loadedAt)} keep running.`),
    problemList('rule-problems', status.problems));
}

/** A form to change one rule file: load its text, edit, save; the engine refuses a change that does not compile. */
function editor() {
  const file = el('input', { id: 'rule-file', name: 'file', required: true, list: 'rule-file-names', size: 30 });
  const text = el('textarea', { id: 'rule-text', name: 'text', rows: 8, cols: 80, spellcheck: 'false' });
  const result = el('div', { id: 'rule-change-result', 'aria-live': 'polite', 'data-own': true });
  const load = async () => {
    try {
      text.value = await api(`/api/rules/${encodeURIComponent(file.value)}`, { headers: { 'Accept': 'text/plain' }, text: true });
      result.replaceChildren();
    } catch (e) {
      notice(e.message, true);
    }
  };
  const save = async (e) => {
    e.preventDefault();
    try {
      await api(`/api/rules/${encodeURIComponent(file.value)}`, { method: 'PUT', body: text.value, headers: { 'Content-Type': 'text/plain' } });
      result.replaceChildren(el('p', { class: 'notice', role: 'status' }, `${file.value} saved: the new rules are running.`));
    } catch (error) {
      const problems = error.problem?.problems;
      result.replaceChildren(el('div', { class: 'error-box', role: 'alert', id: 'rule-change-error' },
        el('h3', {}, `${file.value} was not saved`), el('p', {}, error.message),
        problems && problems.length ? problemList('rule-change-problems', problems) : null));
      result.scrollIntoView({ block: 'center' });
    }
  };
  return el('form', { id: 'rule-editor', onsubmit: save, 'aria-labelledby': 'rule-editor-heading' },
    el('h2', { id: 'rule-editor-heading' }, 'Change a rule file'),
    el('p', { class: 'muted' }, may('admin') ? 'DRL files and decision tables (.drl.csv).' : 'Decision tables (.drl.csv); DRL files only an admin may change.'),
    el('div', { class: 'filters' }, el('label', {}, 'File', file), el('datalist', { id: 'rule-file-names' }, status.files.map(f => el('option', { value: f }))),
      el('button', { type: 'button', id: 'rule-load', onclick: load }, 'Load')),
    el('label', { class: 'stacked' }, 'Content', text), el('p', {}, el('button', { type: 'submit', id: 'rule-save' }, 'Save')), result);
}

async function update(body) {
  status = await fromDecisions();
  if (status) {
    render(body, state(),
      table('rule-files', [{ title: 'Active rule file', value: f => f }], status.files, 'No rule files are active.', { key: f => f }),
      may('marketer') ? editor() : null);
    return;
  }
  const rules = await api('/api/console/rules');
  render(body,
    el('p', { class: 'muted' }, `Rule files in ${rules.location} (compiled when the engine started).`),
    table('rule-files', [{ title: 'Rule file', value: f => f.name }, { title: 'Size', value: f => f.size, num: true },
      { title: 'Changed', value: f => time(f.modifiedAt) }], rules.files, 'No rule files found.', { key: f => f.name }));
}

export default simplePage('Rules', 'Rules', 'rules-body', update);
