import type { AttributeMap, LiteralValue } from '../capture/index.ts';
import type { Recorder } from './recorder.ts';
import type { MetricOptions, TaskOptions, TaskScope } from './recorder-types.ts';

/**
 * Wraps a sync or async function as a task. The user's own error is rethrown unchanged after the failure is
 * recorded; recording itself never throws (the recorder guards every call).
 */
export function runTask<T>(
  recorder: Recorder,
  name: string,
  fn: (scope: TaskScope) => T,
  options: TaskOptions,
): T {
  const taskId = recorder.taskStarted({ ...options, name });
  const scope = createScope(
    recorder,
    taskId,
    recorder.workflowOfTask(taskId) ?? options.workflowExecutionId ?? '',
  );
  let result: T;
  try {
    result = fn(scope);
  } catch (error) {
    recorder.taskEnded({ taskId, error });
    throw error;
  }
  if (isThenable(result)) {
    return result.then(
      (value) => {
        recorder.taskEnded({ taskId });
        return value;
      },
      (error: unknown) => {
        recorder.taskEnded({ taskId, error });
        throw error;
      },
    ) as T;
  }
  recorder.taskEnded({ taskId });
  return result;
}

/** Closures rather than prototype methods, so a destructured `const { logMetric } = scope` still works. */
function createScope(recorder: Recorder, taskId: string, workflowExecutionId: string): TaskScope {
  return {
    taskId,
    workflowExecutionId,
    logMetric: (name: string, value: number, options: MetricOptions = {}) =>
      recorder.logMetric(name, value, { ...options, taskId, workflowExecutionId }),
    logHyperparameters: (values: Record<string, LiteralValue>) =>
      recorder.logHyperparameters(values, { taskId }),
    used: (values: AttributeMap) => recorder.addToTask(taskId, 'used', values),
    generated: (values: AttributeMap) => recorder.addToTask(taskId, 'generated', values),
    task: (name, fn, options = {}) =>
      runTask(recorder, name, fn, { workflowExecutionId, ...options, parentTaskId: taskId }),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
