import type {
  DatasetKind,
  DatasetRegisteredEvent,
  EvaluationEvent,
  ModelSavedEvent,
} from '../capture/index.ts';
import { type ProvmlClass, prov } from '../vocab.ts';
import { writeAnnotations } from './common.ts';
import {
  characteristicIri,
  dataIri,
  evaluationIri,
  featureIri,
  measureIri,
  taskExecutionIri,
  workflowExecutionIri,
} from './iris.ts';
import { dateTimeLiteral, type GraphWriter, measureLiteral, typedLiteral } from './writer.ts';

/** Data kinds as PROV-ML classes, most specific first, with their provml superclasses. */
const DATASET_CLASSES: Record<DatasetKind, ProvmlClass[]> = {
  raw: ['RawData', 'DataReference'],
  domain: ['DomainData', 'DataReference'],
  learning: ['LearningData', 'DataReference'],
  training: ['TrainingData', 'LearningData', 'DataReference'],
  validation: ['ValidationData', 'LearningData', 'DataReference'],
  test: ['TestData', 'LearningData', 'DataReference'],
};
/** provml:derivedFromDomainData links learning data to domain data and domain data to raw data. */
const DOMAIN_SOURCE: Record<DatasetKind, DatasetKind[]> = {
  raw: [],
  domain: ['raw'],
  learning: ['domain'],
  training: ['domain'],
  validation: ['domain'],
  test: ['domain'],
};

/** Without a task id, the workflow execution itself is the generating activity. */
function generator(event: { workflowExecutionId: string; taskId?: string }): string {
  return event.taskId === undefined
    ? workflowExecutionIri(event.workflowExecutionId)
    : taskExecutionIri(event.workflowExecutionId, event.taskId);
}

export function writeModelSaved(w: GraphWriter, event: ModelSavedEvent): void {
  const model = dataIri(event.modelId);
  const activity = generator(event);
  w.type(model, 'Model', 'prov:Entity');
  if (event.epoch !== undefined) w.type(model, 'ModelCheckpoint');
  w.data(model, 'name', event.name);
  w.data(model, 'location', event.location);
  w.data(model, 'checksum', event.checksum);
  w.data(model, 'sizeBytes', event.sizeBytes);
  w.data(model, 'sectionIndex', event.epoch);
  w.add(model, prov('generatedAtTime'), dateTimeLiteral(event.time));
  w.add(model, prov('wasGeneratedBy'), activity);
  if (event.taskId !== undefined) w.link(model, 'generatedModel', activity);
  for (const source of event.derivedFrom ?? []) writeSource(w, model, dataIri(source));
  writeAnnotations(w, model, event);
}

export function writeEvaluation(w: GraphWriter, event: EvaluationEvent): void {
  const evaluation = evaluationIri(event.workflowExecutionId, event.id);
  const measure = measureIri(event.measure);
  w.type(evaluation, 'ModelEvaluation', 'AttributeValue', 'prov:Entity');
  w.add(evaluation, prov('value'), measureLiteral(event.value));
  w.link(evaluation, 'hasMeasure', measure);
  w.link(evaluation, 'valueOf', measure);
  w.data(evaluation, 'attributeName', event.measure);
  w.type(measure, 'EvaluationMeasure', 'Attribute', 'prov:Entity');
  w.data(measure, 'name', event.measure);
  w.add(evaluation, prov('wasGeneratedBy'), generator(event));
  w.add(evaluation, prov('generatedAtTime'), dateTimeLiteral(event.time));
  w.data(evaluation, 'stageKind', event.stage);
  if (event.section) {
    w.data(evaluation, 'sectionKind', event.section.kind);
    w.data(evaluation, 'sectionIndex', event.section.index);
  }
  if (event.modelId !== undefined) {
    const model = dataIri(event.modelId);
    w.link(evaluation, 'evaluatedModel', model);
    w.type(model, 'Model', 'prov:Entity');
  }
  if (event.datasetId !== undefined) {
    const data = dataIri(event.datasetId);
    w.link(evaluation, 'evaluatedOn', data);
    w.type(data, 'DataReference', 'prov:Entity');
  }
  writeAnnotations(w, evaluation, event);
}

export function writeDatasetRegistered(w: GraphWriter, event: DatasetRegisteredEvent): void {
  const dataset = dataIri(event.datasetId);
  w.type(dataset, ...DATASET_CLASSES[event.kind], 'prov:Entity');
  w.data(dataset, 'name', event.name);
  w.data(dataset, 'location', event.location);
  w.data(dataset, 'checksum', event.checksum);
  w.data(dataset, 'sizeBytes', event.sizeBytes);
  w.data(dataset, 'sampleCount', event.sampleCount);
  if (event.taskId !== undefined) w.add(dataset, prov('wasGeneratedBy'), generator(event));
  for (const source of event.derivedFrom ?? []) {
    const ref = typeof source === 'string' ? { ref: source } : source;
    const sourceIri = dataIri(ref.ref);
    writeSource(w, dataset, sourceIri);
    if ('kind' in ref) {
      w.type(sourceIri, ...DATASET_CLASSES[ref.kind]);
      if (DOMAIN_SOURCE[event.kind].includes(ref.kind)) w.link(dataset, 'derivedFromDomainData', sourceIri);
    }
  }
  if (event.domainEntities && event.domainEntities.length > 0) w.type(dataset, 'DomainDataReference');
  for (const entity of event.domainEntities ?? []) w.link(dataset, 'refersToDomainEntity', entity);
  for (const name of event.features ?? []) {
    const feature = featureIri(event.datasetId, name);
    w.link(dataset, 'hasFeature', feature);
    w.type(feature, 'Feature', 'prov:Entity');
    w.data(feature, 'name', name);
  }
  for (const [name, value] of Object.entries(event.characteristics ?? {})) {
    const characteristic = characteristicIri(event.datasetId, name);
    w.link(dataset, 'hasCharacteristic', characteristic);
    w.type(characteristic, 'DatasetCharacteristic', 'AttributeValue', 'prov:Entity');
    w.data(characteristic, 'attributeName', name);
    w.add(characteristic, prov('value'), typedLiteral(value));
  }
  writeAnnotations(w, dataset, event);
}

function writeSource(w: GraphWriter, derived: string, source: string): void {
  w.add(derived, prov('wasDerivedFrom'), source);
  w.type(source, 'DataReference', 'prov:Entity');
}
