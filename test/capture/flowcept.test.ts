import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromFlowcept, validateBatch } from '../../src/capture/index.ts';

const messages: unknown[] = JSON.parse(
  readFileSync(new URL('../fixtures/events/flowcept-messages.json', import.meta.url), 'utf8'),
);

function mapped() {
  const result = fromFlowcept(messages);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.events;
}

describe('fromFlowcept', () => {
  it('maps workflow and task messages to valid provml events with deterministic ids', () => {
    const events = mapped();
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['workflow.started', 'flowcept:workflow:wf-7f3a:started'],
      ['task.started', 'flowcept:task:1714557601.123_0:finished:started'],
      ['task.ended', 'flowcept:task:1714557601.123_0:finished:ended'],
      ['task.started', 'flowcept:task:t-err:error:started'],
      ['task.ended', 'flowcept:task:t-err:error:ended'],
      ['task.started', 'flowcept:task:t-run:running:started'],
    ]);
    expect(validateBatch(events).ok).toBe(true);
    expect(fromFlowcept(messages)).toEqual(fromFlowcept(structuredClone(messages)));
  });

  it("gives a task's RUNNING and FINISHED messages different event ids, the same message always the same", () => {
    const finished = messages[1] as Record<string, unknown>;
    const running = { ...finished, status: 'RUNNING', generated: undefined, telemetry_at_end: undefined };
    const ids = (batch: unknown[]) => {
      const result = fromFlowcept(batch);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.events.map((e) => e.id);
    };
    const fromRunning = ids([running]);
    const fromFinished = ids([finished]);
    expect(fromRunning).toEqual(['flowcept:task:1714557601.123_0:running:started']);
    expect(fromFinished.filter((id) => fromRunning.includes(id))).toEqual([]);
    expect(ids([running, finished])).toEqual([...fromRunning, ...fromFinished]);
  });

  it('maps the workflow message: campaign → experiment, parent workflow, epoch seconds → ISO UTC', () => {
    expect(mapped()[0]).toMatchObject({
      workflowExecutionId: 'wf-7f3a',
      name: 'seismic-training',
      user: 'alice',
      time: '2024-05-01T10:00:00.500Z',
      experiment: { id: 'camp-42' },
      parentWorkflowExecutionId: 'wf-root',
      annotations: { used: { config: 'train.yaml' }, custom_metadata: { site: 'olcf' } },
    });
  });

  it('maps a FINISHED task to started + ended, with attributes, telemetry and the rest as annotations', () => {
    const [, started, ended] = mapped();
    expect(started).toMatchObject({
      taskId: '1714557601.123_0',
      name: 'train_model',
      time: '2024-05-01T10:00:01.250Z',
      host: 'frontier-001',
      telemetry: { cpuPercent: 12.5, memoryBytes: 1048576 },
      used: { lr: 0.001, epochs: 10, layers: '[64,128]', optimizer: 'adam' },
    });
    expect(started?.type === 'task.started' && 'note' in (started.used ?? {})).toBe(false);
    expect(ended).toMatchObject({
      status: 'finished',
      time: '2024-05-01T10:01:01.750Z',
      startedAt: '2024-05-01T10:00:01.250Z',
      stdout: 'done',
      telemetry: { cpuPercent: 88 },
      generated: { loss: 0.12, model_path: '/models/m.pt' },
      annotations: {
        workflow_name: 'seismic-training',
        campaign_id: 'camp-42',
        group_id: 'g1',
        subtype: 'ml_task',
        submitted_at: 1714557601.0,
        custom_metadata: { gpu: 'A100' },
        login_name: 'alice01',
        dependencies: ['1714557600.999_0'],
        telemetry_at_end: { cpu: { percent_all: 88 } },
      },
    });
  });

  it('maps ERROR to a failed task with stderr as the error, and RUNNING to a start only', () => {
    const events = mapped();
    expect(events[4]).toMatchObject({
      type: 'task.ended',
      status: 'failed',
      error: 'ValueError: bad shape',
      parentTaskId: '1714557601.123_0',
      host: 'frontier-002',
    });
    expect(events[5]).toMatchObject({
      type: 'task.started',
      taskId: 't-run',
      time: '2024-05-01T10:01:10.000Z',
    });
    expect(events.some((e) => e.type === 'task.ended' && e.taskId === 't-run')).toBe(false);
  });

  it('reports unusable messages with their index and field', () => {
    const result = fromFlowcept([
      messages[0],
      { type: 'task', workflow_id: 'w', status: 'FINISHED', ended_at: 1 },
      { type: 'task', task_id: 't', status: 'DONE', started_at: 'yesterday' },
      { type: 'job' },
      { type: 'task', task_id: 't', workflow_id: 'w', status: 'RUNNING' },
      'x',
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.index, e.path])).toEqual([
      [1, '/task_id'],
      [2, '/workflow_id'],
      [2, '/status'],
      [2, '/started_at'],
      [3, '/type'],
      [4, '/started_at'],
      [5, ''],
    ]);
    expect(fromFlowcept({})).toMatchObject({ ok: false, errors: [{ index: -1 }] });
  });
});
