// One small training run as capture events, with the online state it makes: the tests of the online state
// (event ledger, writes that are not events, a kill after the 202) send the same shape of batch and expect the
// same markers, so the batch and its markers are written here once.
import { STATE_LATEST_OF, STATE_NOW, STATE_RUNNING } from '../../src/vocab.ts';

export interface TrainingRun {
  /** The workflow execution's IRI. */
  id: string;
  /** The training task's IRI. */
  run: string;
  /** workflow.started, task.started (taskId `fit`, stage training), one loss an epoch (ids e1…eN). */
  events: Record<string, unknown>[];
  /** The running markers, workflow execution first. */
  running: string[];
  /** The last loss, the task's latest value. */
  latest: string[];
  /** Every marker the events make (no pending one), sorted as a state graph is read. */
  state: string[];
}

/** Workflow execution `wfexec` (its two start events numbered `${prefix}-1`, `${prefix}-2`) training for `epochs`. */
export function trainingRun(wfexec: string, prefix: string, epochs: number): TrainingRun {
  const id = `https://w3id.org/provml/id/wfexec/${wfexec}`;
  const run = `${id}/task/fit`;
  const base = { schema: 'provml/1', workflowExecutionId: wfexec } as const;
  const events = [
    { ...base, type: 'workflow.started', id: `${prefix}-1`, time: '2024-01-01T00:00:00Z', name: 'w' },
    {
      ...base,
      type: 'task.started',
      id: `${prefix}-2`,
      time: '2024-01-01T00:00:01Z',
      taskId: 'fit',
      name: 'fit',
      stage: 'training',
    },
    ...Array.from({ length: epochs }, (_, i) => i + 1).map((index) => ({
      ...base,
      type: 'evaluation',
      id: `e${index}`,
      time: `2024-01-01T00:00:0${index + 1}Z`,
      taskId: 'fit',
      measure: 'loss',
      value: 1 / index,
      section: { kind: 'epoch', index },
    })),
  ];
  const running = [`${id} ${STATE_RUNNING} ${STATE_NOW}`, `${run} ${STATE_RUNNING} ${STATE_NOW}`];
  const latest = [`${id}/evaluation/e${epochs} ${STATE_LATEST_OF} ${run}`];
  return { id, run, events, running, latest, state: [...latest, ...running].sort() };
}
