import type {
  AttributeMap,
  AttributeRole,
  AttributeValue,
  DataKind,
  LiteralValue,
} from '../capture/index.ts';
import { type ProvmlClass, prov } from '../vocab.ts';
import {
  attributeIri,
  attributeValueIri,
  dataIri,
  hyperparameterIri,
  measureIri,
  transformationIri,
} from './iris.ts';
import { type GraphWriter, measureLiteral, typedLiteral } from './writer.ts';

/** Where attribute values of one task event hang. */
export interface AttributeScope {
  task: string;
  transformationName: string;
  direction: 'used' | 'generated';
  /** Stage or section task: learning data and trained models get their learning-specific links. */
  learning: boolean;
  training: boolean;
  stage?: string;
  section?: { kind: string; index: number };
}

type Normalized =
  | { form: 'literal'; value: LiteralValue; role?: AttributeRole }
  | { form: 'ref'; ref: string; kind: DataKind; role?: AttributeRole }
  | { form: 'uri'; uri: string; role?: AttributeRole };

export function writeAttributes(w: GraphWriter, scope: AttributeScope, attributes: AttributeMap): void {
  for (const [name, value] of Object.entries(attributes)) {
    const normalized = normalize(value);
    if (normalized.form === 'literal') writeLiteral(w, scope, name, normalized.value, normalized.role);
    else if (normalized.form === 'ref') writeDataRef(w, scope, normalized);
    else writeDomainEntity(w, scope, name, normalized.uri, normalized.role);
  }
}

function normalize(value: AttributeValue): Normalized {
  if (typeof value !== 'object') return { form: 'literal', value };
  if ('ref' in value) return { form: 'ref', ref: value.ref, kind: value.kind, role: value.role };
  if ('uri' in value) return { form: 'uri', uri: value.uri, role: value.role };
  return { form: 'literal', value: value.value, role: value.role };
}

function writeLiteral(
  w: GraphWriter,
  scope: AttributeScope,
  name: string,
  value: LiteralValue,
  role?: AttributeRole,
): void {
  const node = attributeValueIri(scope.task, scope.direction, name);
  const definition = writeDefinition(w, scope, name, role);
  w.type(node, ...valueClasses(role), 'prov:Entity');
  w.data(node, 'attributeName', name);
  w.add(node, prov('value'), role === 'metric' ? measureLiteral(value) : typedLiteral(value));
  w.link(node, 'valueOf', definition);
  w.data(node, 'role', role);
  if (role === 'metric') {
    w.link(node, 'hasMeasure', definition);
    w.data(node, 'stageKind', scope.stage);
    if (scope.section) {
      w.link(node, 'inSection', scope.task);
      w.data(node, 'sectionKind', scope.section.kind);
      w.data(node, 'sectionIndex', scope.section.index);
    }
  }
  writeDirection(w, scope, node);
  if (role === 'hyperparameter' && scope.direction === 'used') w.link(scope.task, 'usedHyperparameter', node);
}

/** Hyperparameters and measures are shared notions keyed by name; other attributes belong to their transformation. */
function writeDefinition(w: GraphWriter, scope: AttributeScope, name: string, role?: AttributeRole): string {
  let definition: string;
  if (role === 'hyperparameter') {
    definition = hyperparameterIri(name);
    w.type(definition, 'LearningHyperparameter', 'Attribute', 'prov:Entity');
  } else if (role === 'metric') {
    definition = measureIri(name);
    w.type(definition, 'EvaluationMeasure', 'Attribute', 'prov:Entity');
  } else {
    definition = attributeIri(scope.transformationName, name);
    w.type(definition, 'Attribute', 'prov:Entity');
  }
  w.data(definition, 'name', name);
  w.link(transformationIri(scope.transformationName), 'hasAttribute', definition);
  return definition;
}

function valueClasses(role?: AttributeRole): ProvmlClass[] {
  if (role === 'hyperparameter') return ['LearningHyperparameterValue', 'AttributeValue'];
  if (role === 'metric') return ['ModelEvaluation', 'AttributeValue'];
  return ['AttributeValue'];
}

function writeDataRef(
  w: GraphWriter,
  scope: AttributeScope,
  ref: { ref: string; kind: DataKind; role?: AttributeRole },
): void {
  const data = dataIri(ref.ref);
  const isModel = ref.kind === 'model' || ref.kind === 'checkpoint' || ref.role === 'model';
  if (isModel) {
    w.type(data, 'Model', 'prov:Entity');
    if (ref.kind === 'checkpoint') w.type(data, 'ModelCheckpoint');
  } else {
    w.type(data, 'DataReference', 'prov:Entity');
  }
  writeDirection(w, scope, data);
  const isDataset = !isModel && (ref.kind === 'dataset' || ref.role === 'dataset');
  if (isDataset && scope.learning && scope.direction === 'used') {
    w.type(data, 'LearningData');
    w.link(scope.task, 'usedLearningData', data);
  }
  if (isModel && scope.training && scope.direction === 'generated')
    w.link(data, 'generatedModel', scope.task);
}

function writeDomainEntity(
  w: GraphWriter,
  scope: AttributeScope,
  name: string,
  uri: string,
  role?: AttributeRole,
): void {
  const node = attributeValueIri(scope.task, scope.direction, name);
  w.type(node, 'DomainDataReference', 'DataReference', 'prov:Entity');
  w.data(node, 'attributeName', name);
  w.data(node, 'role', role);
  w.link(node, 'refersToDomainEntity', uri);
  writeDirection(w, scope, node);
}

function writeDirection(w: GraphWriter, scope: AttributeScope, node: string): void {
  if (scope.direction === 'used') w.add(scope.task, prov('used'), node);
  else w.add(node, prov('wasGeneratedBy'), scope.task);
}
