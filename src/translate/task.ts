import type {
  AttributeMap,
  LiteralValue,
  TaskEndedEvent,
  TaskStartedEvent,
  TaskUpdatedEvent,
  Telemetry,
} from '../capture/index.ts';
import { literal } from '../rdf/index.ts';
import { type ProvmlClass, prov, provml, rdfs } from '../vocab.ts';
import { type AttributeScope, writeAttributes } from './attributes.ts';
import { writeActor, writeAnnotations, writeNamedEntity } from './common.ts';
import {
  algorithmIri,
  learningTaskIri,
  taskExecutionIri,
  telemetryIri,
  transformationIri,
  workflowExecutionIri,
} from './iris.ts';
import { dateTimeLiteral, type GraphWriter } from './writer.ts';

type TaskEvent = TaskStartedEvent | TaskUpdatedEvent | TaskEndedEvent;

const STAGE_CLASS = { training: 'Training', validation: 'Validation', evaluation: 'Evaluation' } as const;

/**
 * task.started, task.updated and task.ended write the same description; only times, status and telemetry phase
 * differ (an update records neither times nor status, so it can arrive at any point of the task's life).
 */
export function writeTask(w: GraphWriter, event: TaskEvent): void {
  const task = taskExecutionIri(event.workflowExecutionId, event.taskId);
  const transformation = transformationIri(event.name);
  w.type(task, ...executionClasses(event), 'prov:Activity');
  w.link(task, 'executionOf', transformation);
  w.type(transformation, 'DataTransformation', 'prov:Plan');
  w.data(transformation, 'name', event.name);
  w.link(task, 'partOfWorkflowExecution', workflowExecutionIri(event.workflowExecutionId));
  w.data(task, 'stageKind', event.stage);
  if (event.section) {
    w.data(task, 'sectionKind', event.section.kind);
    w.data(task, 'sectionIndex', event.section.index);
  }
  if (event.parentTaskId !== undefined) {
    const parent = taskExecutionIri(event.workflowExecutionId, event.parentTaskId);
    w.add(task, prov('wasInformedBy'), parent);
    if (event.section) w.link(parent, 'hasSection', task);
  }
  if (event.algorithm !== undefined) {
    writeNamedEntity(
      w,
      task,
      'usedAlgorithm',
      algorithmIri(event.algorithm),
      'Algorithm',
      'name',
      event.algorithm,
    );
  }
  if (event.learningTask !== undefined) {
    const learningTask = learningTaskIri(event.learningTask);
    writeNamedEntity(w, task, 'addressesTask', learningTask, 'LearningTask', 'name', event.learningTask);
  }
  writeActor(w, task, event);
  writeAnnotations(w, task, event);
  writeTaskAttributes(w, task, event);
  if (event.type === 'task.started') {
    w.add(task, prov('startedAtTime'), dateTimeLiteral(event.time));
    writeTelemetry(w, task, 'start', event.time, event.telemetry);
  } else if (event.type === 'task.ended') {
    writeEnd(w, task, event);
  }
}

function writeEnd(w: GraphWriter, task: string, event: TaskEndedEvent): void {
  // Status only on end: a "running" status written at start would survive next to the final one.
  w.add(task, prov('endedAtTime'), dateTimeLiteral(event.time));
  w.link(task, 'hasStatus', provml(event.status === 'failed' ? 'Failed' : 'Finished'));
  w.data(task, 'errorMessage', event.error);
  w.data(task, 'stdout', event.stdout);
  w.data(task, 'stderr', event.stderr);
  if (event.startedAt !== undefined) w.add(task, prov('startedAtTime'), dateTimeLiteral(event.startedAt));
  writeTelemetry(w, task, 'end', event.time, event.telemetry);
}

function executionClasses(event: TaskEvent): ProvmlClass[] {
  if (event.section) return ['LearningStageSection', 'BaseLearningStage', 'DataTransformationExecution'];
  if (event.stage)
    return [STAGE_CLASS[event.stage], 'LearningStage', 'BaseLearningStage', 'DataTransformationExecution'];
  return ['DataTransformationExecution'];
}

function writeTaskAttributes(w: GraphWriter, task: string, event: TaskEvent): void {
  const base = {
    task,
    transformationName: event.name,
    learning: event.stage !== undefined || event.section !== undefined,
    training: event.stage === 'training',
    stage: event.stage,
    section: event.section,
  };
  const used: AttributeScope = { ...base, direction: 'used' };
  const generated: AttributeScope = { ...base, direction: 'generated' };
  writeAttributes(w, used, event.used ?? {});
  writeAttributes(w, used, withRole(event.hyperparameters, 'hyperparameter'));
  writeAttributes(w, generated, event.generated ?? {});
  writeAttributes(w, generated, withRole(event.metrics, 'metric'));
}

function withRole(
  values: Record<string, LiteralValue> | undefined,
  role: 'hyperparameter' | 'metric',
): AttributeMap {
  const out: AttributeMap = {};
  for (const [name, value] of Object.entries(values ?? {})) out[name] = { value, role };
  return out;
}

function writeTelemetry(
  w: GraphWriter,
  task: string,
  phase: 'start' | 'end',
  time: string,
  telemetry?: Telemetry,
): void {
  if (!telemetry || Object.keys(telemetry).length === 0) return;
  const sample = telemetryIri(task, phase);
  w.link(task, 'hasTelemetry', sample);
  w.type(sample, 'prov:Entity');
  w.add(sample, rdfs('label'), literal(`telemetry at ${phase}`));
  w.add(sample, prov('generatedAtTime'), dateTimeLiteral(time));
  w.double(sample, 'cpuPercent', telemetry.cpuPercent);
  w.double(sample, 'gpuPercent', telemetry.gpuPercent);
  w.data(sample, 'memoryBytes', telemetry.memoryBytes);
}
