import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ONTOLOGY_DIR, ensureOntologyGraph } from '../../src/ontology/index.ts';
import { iriToNTriples } from '../../src/rdf/index.ts';
import { askBoolean, type MemoryStore, openMemoryStore, selectRows } from '../../src/store/index.ts';
import { mls, ONTOLOGY_GRAPH, prov, provml, sparqlPrefixes } from '../../src/vocab.ts';

// The class and relationship tables of shared/prov-ml-classes.md: each row is the alignment the table names
// (direct rdfs:subClassOf / rdfs:subPropertyOf), the PROV-O class it must reach, and its provenance kind.
type Kind = 'Prospective' | 'Retrospective' | undefined;
const CLASS_TABLE: Array<[string, string[], string, Kind]> = [
  ['Workflow', [prov('Plan')], prov('Plan'), 'Prospective'],
  ['WorkflowExecution', [prov('Activity')], prov('Activity'), 'Retrospective'],
  ['DataTransformation', [prov('Plan')], prov('Plan'), 'Prospective'],
  ['DataTransformationExecution', [prov('Activity')], prov('Activity'), 'Retrospective'],
  ['Attribute', [prov('Entity')], prov('Entity'), 'Prospective'],
  ['AttributeValue', [prov('Entity')], prov('Entity'), 'Retrospective'],
  ['DataReference', [prov('Entity')], prov('Entity'), 'Retrospective'],
  ['DataStore', [prov('Entity')], prov('Entity'), 'Prospective'],
  ['DomainDataReference', [provml('DataReference')], prov('Entity'), 'Retrospective'],
  ['ExecutionEnvironment', [prov('Entity')], prov('Entity'), 'Retrospective'],
  ['Study', [mls('Study'), prov('Plan')], prov('Plan'), 'Prospective'],
  ['LearningExperiment', [mls('Experiment'), prov('Plan')], prov('Plan'), 'Prospective'],
  [
    'BaseLearningStage',
    [provml('DataTransformationExecution'), mls('Run')],
    prov('Activity'),
    'Retrospective',
  ],
  ['LearningStage', [provml('BaseLearningStage')], prov('Activity'), 'Retrospective'],
  ['LearningStageSection', [provml('BaseLearningStage')], prov('Activity'), 'Retrospective'],
  ['Training', [provml('LearningStage')], prov('Activity'), 'Retrospective'],
  ['Validation', [provml('LearningStage')], prov('Activity'), 'Retrospective'],
  ['Evaluation', [provml('LearningStage')], prov('Activity'), 'Retrospective'],
  ['Algorithm', [mls('Algorithm'), prov('Entity')], prov('Entity'), 'Prospective'],
  ['Implementation', [mls('Implementation'), prov('Plan')], prov('Plan'), 'Prospective'],
  ['LearningTask', [mls('Task'), prov('Entity')], prov('Entity'), 'Prospective'],
  ['Persona', [prov('Agent')], prov('Agent'), undefined],
  ['LearningHyperparameter', [mls('HyperParameter'), provml('Attribute')], prov('Entity'), 'Prospective'],
  [
    'LearningHyperparameterValue',
    [mls('HyperParameterSetting'), provml('AttributeValue')],
    prov('Entity'),
    'Retrospective',
  ],
  ['ModelHyperparameter', [mls('HyperParameter'), provml('Attribute')], prov('Entity'), 'Prospective'],
  [
    'ModelHyperparameterValue',
    [mls('HyperParameterSetting'), provml('AttributeValue')],
    prov('Entity'),
    'Retrospective',
  ],
  ['LearningData', [mls('Dataset'), provml('DataReference')], prov('Entity'), 'Retrospective'],
  ['TrainingData', [provml('LearningData')], prov('Entity'), 'Retrospective'],
  ['ValidationData', [provml('LearningData')], prov('Entity'), 'Retrospective'],
  ['TestData', [provml('LearningData')], prov('Entity'), 'Retrospective'],
  // Deliberate deviation, documented in the ontology: a feature set is mls:Data (a set of features), not one mls:Feature.
  ['FeatureSet', [mls('Data'), prov('Collection')], prov('Entity'), 'Retrospective'],
  ['Feature', [mls('Feature'), prov('Entity')], prov('Entity'), 'Retrospective'],
  [
    'DatasetCharacteristic',
    [mls('DatasetCharacteristic'), provml('AttributeValue')],
    prov('Entity'),
    'Retrospective',
  ],
  ['DomainData', [provml('DataReference')], prov('Entity'), 'Retrospective'],
  ['RawData', [provml('DataReference')], prov('Entity'), 'Retrospective'],
  ['Model', [mls('Model'), prov('Entity')], prov('Entity'), 'Retrospective'],
  ['ModelCheckpoint', [provml('Model')], prov('Entity'), 'Retrospective'],
  ['ModelEvaluation', [mls('ModelEvaluation'), provml('AttributeValue')], prov('Entity'), 'Retrospective'],
  ['EvaluationMeasure', [mls('EvaluationMeasure'), provml('Attribute')], prov('Entity'), 'Prospective'],
  ['EvaluationProcedure', [mls('EvaluationProcedure')], prov('Entity'), 'Prospective'],
  ['EvaluationSpecification', [mls('EvaluationSpecification')], prov('Entity'), 'Prospective'],
];

// Section E: property, the super-properties the table names, and a (domain, range) pair from the table that
// the declared domain and range must admit.
const PROPERTY_TABLE: Array<[string, string[], string, string | undefined]> = [
  ['hasExperiment', [mls('hasPart')], provml('Study'), provml('LearningExperiment')],
  ['hasStage', [mls('hasPart')], provml('LearningExperiment'), provml('BaseLearningStage')],
  ['hasSection', [mls('hasPart')], provml('LearningStage'), provml('LearningStageSection')],
  ['usedLearningData', [prov('used')], provml('BaseLearningStage'), provml('LearningData')],
  ['usedHyperparameter', [prov('used')], provml('BaseLearningStage'), provml('LearningHyperparameterValue')],
  ['usedAlgorithm', [prov('used')], provml('BaseLearningStage'), provml('Algorithm')],
  ['addressesTask', [prov('used')], provml('BaseLearningStage'), provml('LearningTask')],
  ['generatedModel', [prov('wasGeneratedBy')], provml('Model'), provml('Training')],
  ['evaluatedModel', [prov('wasDerivedFrom')], provml('ModelEvaluation'), provml('Model')],
  [
    'hasMeasure',
    [mls('specifiedBy'), prov('wasInfluencedBy')],
    provml('ModelEvaluation'),
    provml('EvaluationMeasure'),
  ],
  [
    'valueOf',
    [prov('wasInfluencedBy')],
    provml('LearningHyperparameterValue'),
    provml('LearningHyperparameter'),
  ],
  [
    'executionOf',
    [prov('wasInfluencedBy')],
    provml('DataTransformationExecution'),
    provml('DataTransformation'),
  ],
  ['executionOf', [prov('wasInfluencedBy')], provml('WorkflowExecution'), provml('Workflow')],
  [
    'partOfWorkflowExecution',
    [prov('wasInformedBy')],
    provml('DataTransformationExecution'),
    provml('WorkflowExecution'),
  ],
  ['derivedFromDomainData', [prov('wasDerivedFrom')], provml('LearningData'), provml('DomainData')],
  ['derivedFromDomainData', [prov('wasDerivedFrom')], provml('DomainData'), provml('RawData')],
  ['refersToDomainEntity', [prov('wasInfluencedBy')], provml('DomainDataReference'), undefined],
  ['ranOn', [prov('used')], provml('DataTransformationExecution'), provml('ExecutionEnvironment')],
];

let store: MemoryStore;
const ask = (pattern: string): Promise<boolean> =>
  askBoolean(store, `${sparqlPrefixes()}\nASK { GRAPH ${iriToNTriples(ONTOLOGY_GRAPH)} { ${pattern} } }`);
const iri = iriToNTriples;

/** `member` is the class or one of the owl:unionOf members of `declared` of `term`, or a subclass of one. */
const admits = (term: string, relation: 'domain' | 'range', member: string): Promise<boolean> =>
  ask(
    `${iri(term)} rdfs:${relation} ?d . { ${iri(member)} rdfs:subClassOf* ?d } UNION { ?d owl:unionOf/rdf:rest*/rdf:first ?m . ${iri(member)} rdfs:subClassOf* ?m }`,
  );

beforeAll(async () => {
  store = await openMemoryStore();
  await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
});
afterAll(() => store.close());

describe('the class table of prov-ml-classes.md', () => {
  it.each(CLASS_TABLE)('provml:%s has its listed alignment', async (name, supers, reaches, kind) => {
    const cls = provml(name);
    expect(await ask(`${iri(cls)} a owl:Class ; rdfs:label ?l ; rdfs:comment ?c`)).toBe(true);
    for (const sup of supers)
      expect(await ask(`${iri(cls)} rdfs:subClassOf ${iri(sup)}`), `${name} ⊑ ${sup}`).toBe(true);
    expect(await ask(`${iri(cls)} rdfs:subClassOf* ${iri(reaches)}`), `${name} reaches ${reaches}`).toBe(
      true,
    );
    if (kind)
      expect(await ask(`${iri(cls)} provml:provenanceKind provml:${kind}`), `${name} is ${kind}`).toBe(true);
    else expect(await ask(`${iri(cls)} provml:provenanceKind ?k`)).toBe(false);
  });

  it('tells prospective from retrospective classes by a query', async () => {
    const rows = await selectRows(
      store,
      `${sparqlPrefixes()} SELECT ?c WHERE { GRAPH ${iri(ONTOLOGY_GRAPH)} { ?c provml:provenanceKind provml:Prospective } } ORDER BY ?c`,
    );
    const expected = CLASS_TABLE.filter((row) => row[3] === 'Prospective')
      .map((row) => provml(row[0]))
      .sort();
    expect(rows.rows.map((r) => r.c?.value)).toEqual(expected);
  });
});

describe('the relationship table of prov-ml-classes.md', () => {
  it.each(PROPERTY_TABLE)(
    'provml:%s has its listed super-properties, domain and range',
    async (name, supers, domain, range) => {
      const p = provml(name);
      expect(await ask(`${iri(p)} a owl:ObjectProperty ; rdfs:label ?l ; rdfs:comment ?c`)).toBe(true);
      for (const sup of supers)
        expect(await ask(`${iri(p)} rdfs:subPropertyOf ${iri(sup)}`), `${name} ⊑ ${sup}`).toBe(true);
      expect(await ask(`${iri(p)} rdfs:subPropertyOf* ?top . FILTER(STRSTARTS(STR(?top), STR(prov:)))`)).toBe(
        true,
      );
      expect(await admits(p, 'domain', domain), `domain of ${name} admits ${domain}`).toBe(true);
      if (range) expect(await admits(p, 'range', range), `range of ${name} admits ${range}`).toBe(true);
    },
  );

  it('answers "all subclasses of prov:Activity" from the ontology graph', async () => {
    const rows = await selectRows(
      store,
      `${sparqlPrefixes()} SELECT ?c WHERE { GRAPH ${iri(ONTOLOGY_GRAPH)} { ?c rdfs:subClassOf+ prov:Activity FILTER(STRSTARTS(STR(?c), STR(provml:))) } }`,
    );
    const found = rows.rows.map((r) => r.c?.value);
    const expected = CLASS_TABLE.filter((row) => row[2] === prov('Activity')).map((row) => provml(row[0]));
    expect(found.sort()).toEqual(expected.sort());
  });
});
