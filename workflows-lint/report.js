// Prints what the linter reports for the given BPMN files as JSON: [{file, rule, id, category, message}], the rows the
// bpmnlint CLI prints as a table, with the same configuration (../.bpmnlintrc). The engine's JourneyLintParityTest
// compares it with the Java checks that run at deploy (io.touchpoint.journeys.JourneyLint).
const fs = require('fs');
const path = require('path');
const { BpmnModdle } = require('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.bpmnlintrc'), 'utf8'));

async function report(file) {
  const { rootElement, warnings } = await new BpmnModdle().fromXML(fs.readFileSync(file, 'utf8'));
  const rows = warnings.map(w => ({ file, rule: '', id: w.element && w.element.id, category: 'error', message: 'Import warning: ' + w.message.split('\n')[0] }));
  const results = await new Linter({ config, resolver: new NodeResolver() }).lint(rootElement);
  for (const [rule, reports] of Object.entries(results)) {
    for (const { id, category, message } of reports) {
      rows.push({ file, rule, id, category, message });
    }
  }
  return rows;
}

Promise.all(process.argv.slice(2).map(report))
  .then(all => console.log(JSON.stringify(all.flat(), null, 1)))
  .catch(err => { console.error(err); process.exit(2); });
