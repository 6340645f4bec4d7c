// The only place where IRIs and prefixes are written. Everything else imports from here.

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  sh: 'http://www.w3.org/ns/shacl#',
  dcterms: 'http://purl.org/dc/terms/',
  prov: 'http://www.w3.org/ns/prov#',
  mls: 'http://www.w3.org/ns/mls#',
  provml: 'https://w3id.org/provml#',
  sd: 'http://www.w3.org/ns/sparql-service-description#',
} as const;

export type Prefix = keyof typeof NS;

/** Base of the IRIs provml mints for captured things (deterministic from event ids). */
export const ID_BASE = 'https://w3id.org/provml/id/';
/** Base of the named graphs provml writes: one per workflow execution, one for the ontology. */
export const GRAPH_BASE = 'https://w3id.org/provml/graph/';
export const ONTOLOGY_GRAPH = `${GRAPH_BASE}ontology`;
/** Base of the graphs a Graph Store POST to /store (no ?graph) creates, one fresh IRI each. */
export const POSTED_GRAPH_BASE = `${GRAPH_BASE}posted/`;
/** Derived state the store keeps up to date at ingest for the online queries (store/online-state.ts). */
export const ONLINE_STATE_GRAPH = `${GRAPH_BASE}online-state`;
/** Its terms: `activity state:running state:now`; `evaluation state:latestOf run`. IRIs only, so a marker reads
 *  and deletes back the same on every engine (Virtuoso keeps booleans as integers). */
export const STATE_NS = 'https://w3id.org/provml/state#';
export const STATE_RUNNING = `${STATE_NS}running`;
export const STATE_NOW = `${STATE_NS}now`;
export const STATE_LATEST_OF = `${STATE_NS}latestOf`;
/** `activity state:user name`: the names of the persons a running activity is associated with, in any graph (a
 *  literal: running-tasks reads it instead of looking the person up over every graph's copies of it). */
export const STATE_USER = `${STATE_NS}user`;
/** `pending-<uuid> state:pendingKey key`: written with a batch, removed by the refresh that covers it, so a
 *  refresh interrupted by a crash is redone at the next start (store/online-state.ts). */
export const STATE_PENDING_KEY = `${STATE_NS}pendingKey`;
export const STATE_PENDING_BASE = `${STATE_NS}pending-`;
/**
 * Stated in the ontology graph about itself: the digest of the shipped ontology files it was loaded
 * from, so start-up can leave an unchanged graph alone (provml's own bookkeeping, not a PROV-ML term).
 */
export const SHIPPED_DIGEST = 'https://w3id.org/provml/system#shippedOntologyDigest';
/** The PROV-ML ontology IRI and its version IRI. */
export const ONTOLOGY_IRI = 'https://w3id.org/provml';
export const ONTOLOGY_VERSION_IRI = 'https://w3id.org/provml/0.1.0';

export const rdf = (local: string): string => NS.rdf + local;
export const rdfs = (local: string): string => NS.rdfs + local;
export const xsd = (local: string): string => NS.xsd + local;
export const owl = (local: string): string => NS.owl + local;
export const prov = (local: string): string => NS.prov + local;
export const mls = (local: string): string => NS.mls + local;
export const provml = (local: string): string => NS.provml + local;

/** PROV-ML classes (see ontology/prov-ml.ttl and shared prov-ml-classes.md). */
export const CLASSES = [
  // Workflow layer (ProvLake)
  'Workflow',
  'WorkflowExecution',
  'DataTransformation',
  'DataTransformationExecution',
  'Attribute',
  'AttributeValue',
  'DataReference',
  'DataStore',
  'DomainDataReference',
  'ExecutionEnvironment',
  // Learning
  'Study',
  'LearningExperiment',
  'BaseLearningStage',
  'LearningStage',
  'LearningStageSection',
  'Training',
  'Validation',
  'Evaluation',
  'Algorithm',
  'Implementation',
  'LearningTask',
  'Persona',
  'LearningHyperparameter',
  'LearningHyperparameterValue',
  'ModelHyperparameter',
  'ModelHyperparameterValue',
  // Learning data
  'LearningData',
  'TrainingData',
  'ValidationData',
  'TestData',
  'FeatureSet',
  'Feature',
  'DatasetCharacteristic',
  'DomainData',
  'RawData',
  // Model
  'Model',
  'ModelCheckpoint',
  'ModelEvaluation',
  'EvaluationMeasure',
  'EvaluationProcedure',
  'EvaluationSpecification',
  // Annotation values
  'ProvenanceKind',
  'ExecutionStatus',
] as const;
export type ProvmlClass = (typeof CLASSES)[number];

/** PROV-ML object properties (relationships of the class table, section E). */
export const OBJECT_PROPERTIES = [
  'hasExperiment',
  'hasStage',
  'hasSection',
  'usedLearningData',
  'usedHyperparameter',
  'usedAlgorithm',
  'addressesTask',
  'generatedModel',
  'evaluatedModel',
  'hasMeasure',
  'valueOf',
  'executionOf',
  'partOfWorkflowExecution',
  'derivedFromDomainData',
  'refersToDomainEntity',
  'ranOn',
  'hasStatus',
  'storedIn',
  'hasFeature',
  'hasCharacteristic',
  'implementsAlgorithm',
  'partOfStudy',
  'hasAttribute',
  'evaluatedOn',
  'provenanceKind',
  'inSection',
  // added by capture/translate: execution → telemetry sample; workflow execution → learning experiment
  'hasTelemetry',
  'partOfExperiment',
] as const;
export type ProvmlObjectProperty = (typeof OBJECT_PROPERTIES)[number];

/** PROV-ML datatype and annotation properties for execution facts. */
export const DATA_PROPERTIES = [
  'name',
  'version',
  'attributeName',
  'role',
  'hostname',
  'processId',
  'errorMessage',
  'checksum',
  'sizeBytes',
  'sectionIndex',
  'sampleCount',
  'eventId',
  'telemetry',
  'annotation',
  'stdout',
  'stderr',
  'cpuPercent',
  'gpuPercent',
  'memoryBytes',
  'softwareVersion',
  'stageKind',
  // added by capture/translate: where referenced data lives (path/URL as a string); epoch | batch | fold
  'location',
  'sectionKind',
  // added by capture/translate: the canonical JSON of a recorded capture event (idempotent ingestion)
  'eventContent',
] as const;
export type ProvmlDataProperty = (typeof DATA_PROPERTIES)[number];

/** Individuals used as values (status of executions, provenance kind annotation). */
export const INDIVIDUALS = [
  'Prospective',
  'Retrospective',
  'Running',
  'Finished',
  'Failed',
  'Submitted',
  'Waiting',
  'Unknown',
] as const;
export type ProvmlIndividual = (typeof INDIVIDUALS)[number];

export const term = {
  cls: (name: ProvmlClass): string => provml(name),
  prop: (name: ProvmlObjectProperty | ProvmlDataProperty): string => provml(name),
  individual: (name: ProvmlIndividual): string => provml(name),
};

/** The readable end of an IRI (last path segment or fragment), percent-decoded: a label when none is recorded. */
export function shortName(iri: string | undefined): string {
  if (!iri) return '';
  const tail =
    iri
      .replace(/[/#]+$/, '')
      .split(/[/#]/)
      .pop() ?? iri;
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

/** SPARQL / Turtle prefix declarations for every namespace above. */
export function sparqlPrefixes(): string {
  return Object.entries(NS)
    .map(([prefix, iri]) => `PREFIX ${prefix}: <${iri}>`)
    .join('\n');
}

/** W3C unique URIs for media formats and the simple entailment regime (SPARQL service description). */
export const FORMATS_NS = 'http://www.w3.org/ns/formats/';
export const SIMPLE_ENTAILMENT = 'http://www.w3.org/ns/entailment/Simple';

/** IRI under which the shipped JSON-LD context (ontology/context.jsonld) is served locally, never fetched. */
export const JSONLD_CONTEXT_IRI = 'https://w3id.org/provml/context.jsonld';

/** Graph that stands for provml's default graph on a remote SPARQL engine (Virtuoso has no writable default graph). */
export const REMOTE_DEFAULT_GRAPH = `${GRAPH_BASE}default`;
/** Graphs a Virtuoso server keeps for itself; listing, counting and export on the remote store skip them. */
export const ENGINE_SYSTEM_GRAPH_PREFIXES = [
  'http://www.openlinksw.com/',
  'http://www.w3.org/ns/ldp#',
  'http://localuriqaserver/',
  'http://localhost:8890/DAV/',
  'http://www.w3.org/2002/07/owl#',
] as const;
/** Namespace of the SPARQL Query Results XML format. */
export const SPARQL_RESULTS_NS = 'http://www.w3.org/2005/sparql-results#';
/** Virtuoso's form of blank nodes in results (`nodeID://b10000`); provml shows them as plain labels. */
export const VIRTUOSO_BNODE_PREFIX = 'nodeID://';

/** Namespace of the SHACL shapes in ontology/shapes.ttl (shape IRIs appear as sourceShape in data reports). */
export const SHAPES_NS = 'https://w3id.org/provml/shapes#';
/** Working graphs of the alignment validator's private store: the imports, and the files being checked. */
export const VALIDATION_IMPORTS_GRAPH = `${GRAPH_BASE}validation/imports`;
export const VALIDATION_CHECKED_GRAPH = `${GRAPH_BASE}validation/checked`;
/** Namespaces of the W3C vocabularies a user's ontology builds on; never inferred as "the checked namespace". */
export const STANDARD_NAMESPACES = [
  NS.rdf,
  NS.rdfs,
  NS.xsd,
  NS.owl,
  NS.sh,
  NS.dcterms,
  NS.prov,
  NS.mls,
  NS.sd,
  'http://purl.org/dc/elements/1.1/',
  'http://www.w3.org/2004/02/skos/core#',
  'http://xmlns.com/foaf/0.1/',
  'http://purl.org/vocab/vann/',
  'http://www.w3.org/ns/prov-o#',
] as const;
export const sh = (local: string): string => NS.sh + local;
