import { GRAPH_BASE, ID_BASE } from '../vocab.ts';

// Every IRI the translator mints: a pure function of ids and names from the events, so the same event always
// yields the same nodes (idempotent, order independent) and shared ids meet across workflow graphs.

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent that never throws: lone surrogates become U+FFFD first. */
export function encodeSegment(id: string): string {
  // Most ids hold no surrogate at all: the one-class test is far cheaper than the look-around replacement.
  if (!SURROGATE.test(id)) return encodeURIComponent(id);
  return encodeURIComponent(id.replace(LONE_SURROGATE, '\uFFFD'));
}

const id = (...segments: string[]): string => ID_BASE + segments.map(encodeSegment).join('/');
const under = (parent: string, ...segments: string[]): string =>
  `${parent}/${segments.map(encodeSegment).join('/')}`;

/** The named graph holding everything captured for one workflow execution. */
export const workflowExecutionGraph = (executionId: string): string =>
  `${GRAPH_BASE}wfexec/${encodeSegment(executionId)}`;

// Prospective definitions: keyed by names, shared by every run.
export const workflowIri = (name: string, version?: string): string =>
  version === undefined || version === '' ? id('workflow', name) : id('workflow', name, version);
export const transformationIri = (name: string): string => id('transformation', name);
export const attributeIri = (transformation: string, attribute: string): string =>
  under(transformationIri(transformation), 'attribute', attribute);
export const hyperparameterIri = (name: string): string => id('hyperparameter', name);
export const measureIri = (name: string): string => id('measure', name);
export const algorithmIri = (name: string): string => id('algorithm', name);
export const learningTaskIri = (name: string): string => id('learning-task', name);
export const studyIri = (studyId: string): string => id('study', studyId);
export const experimentIri = (experimentId: string): string => id('experiment', experimentId);

// Agents and environments: keyed by their names.
export const agentIri = (user: string): string => id('agent', user);
export const personaIri = (persona: string): string => id('persona', persona);
export const hostIri = (hostname: string): string => id('host', hostname);

// Retrospective records.
export const workflowExecutionIri = (executionId: string): string => id('wfexec', executionId);
export const taskExecutionIri = (executionId: string, taskId: string): string =>
  under(workflowExecutionIri(executionId), 'task', taskId);
export const attributeValueIri = (task: string, direction: 'used' | 'generated', attribute: string): string =>
  under(task, direction, attribute);
export const telemetryIri = (task: string, phase: 'start' | 'end'): string => under(task, 'telemetry', phase);
/** The record of one capture event (its content, for idempotent re-sends), in its execution's graph. */
export const eventRecordIri = (executionId: string, eventId: string): string =>
  under(workflowExecutionIri(executionId), 'event', eventId);
export const evaluationIri = (executionId: string, eventId: string): string =>
  under(workflowExecutionIri(executionId), 'evaluation', eventId);

/** Datasets, models and files share one IRI space across all workflows: that is what links the lifecycle. */
export const dataIri = (ref: string): string => id('data', ref);
export const featureIri = (dataset: string, feature: string): string =>
  under(dataIri(dataset), 'feature', feature);
export const characteristicIri = (dataset: string, name: string): string =>
  under(dataIri(dataset), 'characteristic', name);
