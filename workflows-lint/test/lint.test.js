// The build's lint fails on broken journeys: the bpmnlint CLI (as `npm run lint` runs it, with ../.bpmnlintrc) exits
// non-zero on each file in test/broken/ and names the rule and the element of every error listed here.
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const EXPECTED = {
  'goal-end-event-without-flows.bpmn': [
    'End_FirstPurchase no-disconnected', 'End_FirstPurchase no-implicit-start'
  ],
  'flows.bpmn': [
    'Flow_NoCondition conditional-flows', 'Gateway_Events event-based-gateway', 'Flow_ConditionalFromEvents event-based-gateway',
    'Start_NoName label-required', 'Gateway_Fork label-required', 'Flow_Conditional label-required', 'Link_NoName link-event',
    'Link_ThrowAlone link-event', 'Start_NoName no-bpmndi', 'Gateway_Complex no-complex-gateway',
    'Flow_Dup2 no-duplicate-sequence-flows', 'Gateway_JoinFork no-gateway-join-fork', 'Start_NoName no-implicit-split',
    'Task_DeadEnd no-implicit-end', 'Event_TwoDefinitions single-event-definition'
  ],
  'scopes.bpmn': [
    'Start_InAdHoc ad-hoc-sub-process', 'brokenScopes end-event-required', 'Start_EventSubBlank event-sub-process-typed-start-event',
    'Sub_TwoBlankStarts single-blank-start-event', 'brokenScopes start-event-required', 'Start_InSubWithMessage sub-process-blank-start-event',
    'Task_Alone no-disconnected', 'Note_NoShape no-bpmndi'
  ],
  'edge-cases.bpmn': [
    'Catch_L2a link-event', 'emptyProcess start-event-required', 'EventSub_Cancel end-event-required', 'Lane_ChildNoName label-required',
    'Flow_EmptyCondition label-required', 'Boundary_Timer no-implicit-end', 'Gateway_Inclusive no-gateway-join-fork'
  ],
  'references-only.bpmn': [
    'Participant_NoName label-required', 'Lane_NoName label-required', 'Start_Refs no-disconnected', 'End_Refs no-implicit-start'
  ]
};

function bpmnlint(file) {
  const cli = require.resolve('bpmnlint/bin/bpmnlint.js');
  return spawnSync(process.execPath, [ cli, '--config', path.join(__dirname, '..', '..', '.bpmnlintrc'), file ], { encoding: 'utf8' });
}

/** The CLI's table rows as "element rule" for errors. */
function errors(output) {
  return output.split('\n')
    .map(line => line.match(/^\s+(\S+)\s+error\s+.+?\s{2,}(\S+)\s*$/))
    .filter(Boolean)
    .map(([ , id, rule ]) => id + ' ' + rule);
}

for (const [ file, expected ] of Object.entries(EXPECTED)) {
  test(`bpmnlint refuses ${file} with its rules and elements`, () => {
    const run = bpmnlint(path.join(__dirname, 'broken', file));

    assert.strictEqual(run.status, 1, run.stdout + run.stderr);
    const found = errors(run.stdout);
    for (const error of expected) {
      assert.ok(found.includes(error), `expected "${error}" in:\n${run.stdout}`);
    }
  });
}

test('a journey without errors passes bpmnlint', () => {
  const run = bpmnlint(path.join(__dirname, '..', '..', 'workflows', 'win-back.bpmn'));

  assert.strictEqual(run.status, 0, run.stdout + run.stderr);
});
