// Opening and saving a journey in Camunda Modeler loses nothing: every workflows/*.bpmn is read with the model layer
// bpmn-js uses (bpmn-moddle 9.0.4, as bpmn-js 18.6.2 ships it, with camunda-bpmn-moddle), walked by bpmn-js's own
// importer (BpmnTreeWalker, bundled by `npm run pretest`: what the Modeler draws), written back to XML and read again.
// Element ids and types, template bindings and the drawn shapes/edges with their geometry are the same before and
// after, and the import dropped nothing (no warnings or import errors; as many ids, bindings and shapes as the file's
// text has, every shape drawn).
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const BpmnModdle = require('bpmn-js-moddle');
const camunda = require('camunda-bpmn-moddle/resources/camunda.json');
const BpmnTreeWalker = require('../target/bpmn-tree-walker.cjs').default;

const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');

async function open(xml) {
  const { rootElement, warnings } = await new BpmnModdle({ camunda }).fromXML(xml);
  assert.deepStrictEqual(warnings.map(w => w.message), [], 'import warnings');
  return rootElement;
}

/** Every model element below the definitions, depth first. */
function elements(node, seen = new Set(), all = []) {
  if (!node || typeof node !== 'object' || seen.has(node)) {
    return all;
  }
  seen.add(node);
  if (node.$type) {
    all.push(node);
  }
  for (const [ key, value ] of Object.entries(node)) {
    if (key.startsWith('$') || key === 'bpmnElement' || key.endsWith('Ref') || key === 'incoming' || key === 'outgoing' || key === 'default') {
      continue; // references, not children
    }
    for (const child of [].concat(value)) {
      elements(child, seen, all);
    }
  }
  return all;
}

/** What bpmn-js's importer draws: "element di" for every element it renders; fails on an import error. */
function drawn(definitions) {
  const rendered = [];
  const errors = [];
  const walker = new BpmnTreeWalker({
    root(element, di) { rendered.push(element.id + ' ' + di.id); return element; },
    element(element, di) { rendered.push(element.id + ' ' + (di && di.id)); return element; },
    error(message) { errors.push(message); }
  });
  walker.handleDefinitions(definitions, definitions.diagrams[0]);
  assert.deepStrictEqual(errors, [], 'bpmn-js import errors');
  return rendered.sort();
}

/** What a round trip must keep: ids with types, template bindings, diagram shapes and edges with their geometry. */
function essentials(definitions) {
  const all = elements(definitions);
  const ids = all.filter(e => e.id).map(e => e.id + ' ' + e.$type).sort();
  const bindings = all.filter(e => e.modelerTemplate).map(e => {
    const extensions = (e.extensionElements && e.extensionElements.values) || [];
    const properties = extensions.filter(x => x.$type === 'camunda:Properties').flatMap(x => x.values || []).map(p => p.name + '=' + p.value);
    const inputs = extensions.filter(x => x.$type === 'camunda:InputOutput').flatMap(x => x.inputParameters || []).map(p => p.name + '=' + (p.value || ''));
    return { id: e.id, template: e.modelerTemplate + '@' + e.modelerTemplateVersion, properties, inputs };
  });
  const diagram = all.filter(e => e.$type === 'bpmndi:BPMNShape' || e.$type === 'bpmndi:BPMNEdge').map(e => ({
    id: e.id,
    element: e.bpmnElement && e.bpmnElement.id,
    geometry: e.bounds ? [ e.bounds.x, e.bounds.y, e.bounds.width, e.bounds.height ] : (e.waypoint || []).map(p => [ p.x, p.y ])
  }));
  return { ids, bindings, diagram, drawn: drawn(definitions) };
}

function count(text, pattern) {
  return (text.match(pattern) || []).length;
}

const files = fs.readdirSync(WORKFLOWS).filter(f => f.endsWith('.bpmn'));

test('there are journeys to round-trip', () => assert.ok(files.length >= 4, files.join()));

for (const file of files) {
  test(`${file} survives opening and saving in bpmn-js`, async () => {
    const xml = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const before = essentials(await open(xml));

    const { xml: saved } = await new BpmnModdle({ camunda }).toXML(await open(xml), { format: true });
    const after = essentials(await open(saved));

    assert.strictEqual(before.ids.length, count(xml, /\sid="/g), 'every id in the file is an element');
    assert.strictEqual(before.bindings.length, count(xml, /camunda:modelerTemplate="/g), 'every template binding is read');
    assert.strictEqual(before.diagram.length, count(xml, /<bpmndi:BPMN(Shape|Edge)\s/g), 'every shape and edge is read');
    assert.ok(before.bindings.every(b => b.template.indexOf('@') > 0), 'bindings name a template');
    if (before.bindings.length) {
      assert.ok(before.bindings.some(b => b.properties.length || b.inputs.length), 'bindings carry their values');
    }
    assert.ok(before.diagram.every(d => d.element), 'every shape and edge points at an element');
    assert.strictEqual(before.drawn.length, before.diagram.length + 1, 'bpmn-js draws every shape and edge (and the process)');
    assert.deepStrictEqual(after, before);
  });
}
