import type { WorkflowEndedEvent, WorkflowStartedEvent } from '../capture/index.ts';
import { prov, provml } from '../vocab.ts';
import { writeActor, writeAnnotations } from './common.ts';
import { experimentIri, studyIri, workflowExecutionIri, workflowIri } from './iris.ts';
import { dateTimeLiteral, type GraphWriter } from './writer.ts';

export function writeWorkflowStarted(w: GraphWriter, event: WorkflowStartedEvent): void {
  const execution = writeWorkflowExecution(w, event);
  w.add(execution, prov('startedAtTime'), dateTimeLiteral(event.time));
  writePlan(w, execution, event.name, event.version);
  if (event.parentWorkflowExecutionId !== undefined) {
    w.add(execution, prov('wasInformedBy'), workflowExecutionIri(event.parentWorkflowExecutionId));
  }
  const experiment = event.experiment === undefined ? undefined : experimentIri(event.experiment.id);
  if (experiment !== undefined) {
    w.link(execution, 'partOfExperiment', experiment);
    w.type(experiment, 'LearningExperiment', 'prov:Plan');
    w.data(experiment, 'name', event.experiment?.name);
  }
  if (event.study) {
    const study = studyIri(event.study.id);
    w.type(study, 'Study', 'prov:Plan');
    w.data(study, 'name', event.study.name);
    if (experiment) {
      w.link(study, 'hasExperiment', experiment);
      w.link(experiment, 'partOfStudy', study);
    }
  }
}

export function writeWorkflowEnded(w: GraphWriter, event: WorkflowEndedEvent): void {
  const execution = writeWorkflowExecution(w, event);
  w.add(execution, prov('endedAtTime'), dateTimeLiteral(event.time));
  w.link(execution, 'hasStatus', provml(event.status === 'failed' ? 'Failed' : 'Finished'));
  w.data(execution, 'errorMessage', event.error);
  if (event.name !== undefined) writePlan(w, execution, event.name, event.version);
}

function writeWorkflowExecution(w: GraphWriter, event: WorkflowStartedEvent | WorkflowEndedEvent): string {
  const execution = workflowExecutionIri(event.workflowExecutionId);
  w.type(execution, 'WorkflowExecution', 'prov:Activity');
  writeActor(w, execution, event);
  writeAnnotations(w, execution, event);
  return execution;
}

function writePlan(w: GraphWriter, execution: string, name: string, version: string | undefined): void {
  const workflow = workflowIri(name, version);
  w.link(execution, 'executionOf', workflow);
  w.type(workflow, 'Workflow', 'prov:Plan');
  w.data(workflow, 'name', name);
  w.data(workflow, 'version', version === '' ? undefined : version);
}
