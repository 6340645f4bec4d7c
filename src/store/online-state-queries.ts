import { iriToNTriples } from '../rdf/index.ts';
import {
  ONLINE_STATE_GRAPH,
  STATE_LATEST_OF,
  STATE_PENDING_KEY,
  STATE_RUNNING,
  STATE_USER,
} from '../vocab.ts';
import type { PreparedQuery } from './prepare/prepare.ts';
import {
  prepareQueryTemplate,
  prepareUpdateTemplate,
  type QueryTemplate,
  type TemplatePart,
  triplesSlot,
  type UpdateTemplate,
  valuesSlot,
} from './prepare/template.ts';

// The SPARQL of the online-state refresh (online-state.ts), parsed once per store: each query keyed by a VALUES
// slot (the keys a batch touches), and for a rebuild the same query without it (every key).

const RUNNING = iriToNTriples(STATE_RUNNING);
const LATEST_OF = iriToNTriples(STATE_LATEST_OF);
const USER = iriToNTriples(STATE_USER);
const STATE_GRAPH = iriToNTriples(ONLINE_STATE_GRAPH);
const PENDING_KEY = iriToNTriples(STATE_PENDING_KEY);

const PREFIXES = `PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX provml: <https://w3id.org/provml#>
`;

// `wasGeneratedBy/wasInformedBy?` spelled as a UNION: a path with a bound object was evaluated from every
// generation edge.
const generatedByRun = (value: string) =>
  `{ ${value} prov:wasGeneratedBy ?run } UNION { ?section prov:wasInformedBy ?run . ${value} prov:wasGeneratedBy ?section }`;

/** The running-tasks condition of the catalog's former formulation (test/fixtures/queries/reference). */
const runningNow = (key: TemplatePart): TemplatePart[] => [
  `${PREFIXES}SELECT DISTINCT ?activity WHERE {\n  `,
  key,
  `
  ?activity prov:startedAtTime ?started .
  FILTER NOT EXISTS { ?activity prov:endedAtTime ?ended }
  FILTER NOT EXISTS { ?activity provml:hasStatus ?status }
}`,
];
const runningMarked = (key: TemplatePart): TemplatePart[] => [
  'SELECT DISTINCT ?activity WHERE { ',
  key,
  ` GRAPH ${STATE_GRAPH} { ?activity ${RUNNING} ?now } }`,
];

// The users of running activities: running-tasks' former fallback (a person associated with the activity, with a
// name, in any graph). `p|p` (which is `p`) reads each fact once as a path, not once per graph that repeats it.
const usersNow = (key: TemplatePart): TemplatePart[] => [
  `${PREFIXES}SELECT DISTINCT ?activity ?user WHERE {
  {
    SELECT DISTINCT ?activity WHERE {
      `,
  key,
  `
      ?activity prov:startedAtTime ?started .
      FILTER NOT EXISTS { ?activity prov:endedAtTime ?ended }
      FILTER NOT EXISTS { ?activity provml:hasStatus ?status }
    }
  }
  ?activity prov:wasAssociatedWith|prov:wasAssociatedWith ?agent .
  ?agent a|a prov:Person .
  ?agent provml:name|provml:name ?user .
}`,
];
const usersMarked = (key: TemplatePart): TemplatePart[] => [
  'SELECT DISTINCT ?activity ?user WHERE { ',
  key,
  ` GRAPH ${STATE_GRAPH} { ?activity ${USER} ?user } }`,
];
/**
 * The running activities associated with an agent whose type or name changed: their users are recomputed. From
 * the running markers (few), not from the agent: a person is associated with every activity it ever ran, and its
 * facts come again with most batches, so starting from it would make each refresh grow with the store.
 */
const RUNNING_OF_AGENTS: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?activity WHERE { `,
  valuesSlot('agent'),
  ` GRAPH ${STATE_GRAPH} { ?activity ${RUNNING} ?now } ?activity prov:wasAssociatedWith ?agent . }`,
];

// The values latest-metric-running's former formulation returns, per run: the highest section index per measure
// of a running training stage, and the values at that index. The running check first, the MAX per measure node
// before the shared measure's name (a MAX of MAXes is the MAX).
const latestEpochs = (key: TemplatePart): TemplatePart[] => [
  `${PREFIXES}SELECT ?run ?measure (MAX(?nodeEpoch) AS ?epoch) WHERE {
  {
    SELECT ?run ?measureNode (MAX(?index) AS ?nodeEpoch) WHERE {
      `,
  key,
  `
      ?run a provml:LearningStage ; prov:startedAtTime ?started .
      FILTER NOT EXISTS { ?run prov:endedAtTime ?ended }
      ${generatedByRun('?scored')}
      ?scored provml:hasMeasure ?measureNode ; provml:sectionIndex ?index .
      FILTER EXISTS { ?scored a provml:ModelEvaluation }
    }
    GROUP BY ?run ?measureNode
  }
  ?measureNode provml:name ?measure .
}
GROUP BY ?run ?measure`,
];
// Then the values at those epochs, in a query of their own: joined to a subquery's rows, the generation UNION
// was evaluated unbound (every generation edge of the store).
const VALUES_AT: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?evaluation ?run WHERE {\n  `,
  valuesSlot('run', 'measure', 'epoch'),
  `
  ${generatedByRun('?evaluation')}
  ?evaluation provml:sectionIndex ?epoch ; provml:attributeName ?measure ; prov:value ?value .
  FILTER EXISTS { ?evaluation a provml:ModelEvaluation }
}`,
];
const latestMarked = (key: TemplatePart): TemplatePart[] => [
  'SELECT DISTINCT ?evaluation ?run WHERE { ',
  key,
  ` GRAPH ${STATE_GRAPH} { ?evaluation ${LATEST_OF} ?run } }`,
];

/**
 * A value's candidacy on its own: its run (running training stage), measure and section index. The measure is the
 * value's own attributeName (the translator writes its measure's name there): the shared measure node's name is
 * repeated in every execution's graph, and the union default graph would repeat each value once per graph.
 */
const CANDIDATES: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?evaluation ?run ?measure ?epoch WHERE {\n  `,
  valuesSlot('evaluation'),
  `
  ?evaluation provml:sectionIndex ?epoch ; provml:attributeName ?measure ; prov:value ?value ;
    provml:hasMeasure ?measureNode .
  FILTER EXISTS { ?evaluation a provml:ModelEvaluation }
  ${generatedByRun('?evaluation')}
  ?run a provml:LearningStage ; prov:startedAtTime ?started .
  FILTER NOT EXISTS { ?run prov:endedAtTime ?ended }
}`,
];
/** The values a section generated (a section linked to its run late brings them to that run). */
const SECTION_VALUES: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?evaluation WHERE { `,
  valuesSlot('section'),
  ' ?evaluation prov:wasGeneratedBy ?section }',
];
/** A run's latest-value markers, with the measure and index they are the latest of. */
const MARKERS_OF_RUNS: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?evaluation ?run ?measure ?epoch WHERE {\n  `,
  valuesSlot('run'),
  `
  GRAPH ${STATE_GRAPH} { ?evaluation ${LATEST_OF} ?run }
  ?evaluation provml:attributeName ?measure ; provml:sectionIndex ?epoch .
}`,
];
/** Runs a subject can belong to: a value's generating activity and that activity's parent, and its marker's. */
const RUNS_OF: TemplatePart[] = [
  `${PREFIXES}SELECT DISTINCT ?run WHERE {\n  `,
  valuesSlot('s'),
  `
  { ?s prov:wasGeneratedBy ?run } UNION { ?s prov:wasInformedBy ?run }
  UNION { ?s prov:wasGeneratedBy ?activity . ?activity prov:wasInformedBy ?run }
  UNION { GRAPH ${STATE_GRAPH} { ?s ${LATEST_OF} ?run } }
}`,
];

/** The keys of writes whose refresh has not been written yet (a crash came between), with their markers. */
const PENDING = `SELECT ?marker ?key WHERE { GRAPH ${STATE_GRAPH} { ?marker ${PENDING_KEY} ?key } }`;

const block = (slot: TemplatePart): TemplatePart[] => [`GRAPH ${STATE_GRAPH} {\n`, slot, '}'];

/** A query keyed by a VALUES slot, and the same query over every key. */
export interface KeyedQuery {
  keyed: QueryTemplate;
  all: PreparedQuery;
}

export interface OnlineStateQueries {
  runningNow: KeyedQuery;
  runningMarked: KeyedQuery;
  usersNow: KeyedQuery;
  usersMarked: KeyedQuery;
  runningOfAgents: QueryTemplate;
  latestEpochs: KeyedQuery;
  latestMarked: KeyedQuery;
  valuesAt: QueryTemplate;
  candidates: QueryTemplate;
  sectionValues: QueryTemplate;
  markersOfRuns: QueryTemplate;
  runsOf: QueryTemplate;
  pending: PreparedQuery;
  /** One write for a refresh; only non-empty blocks (Virtuoso refuses an empty GRAPH block). */
  insert: UpdateTemplate;
  delete: UpdateTemplate;
  deleteInsert: UpdateTemplate;
}

function keyed(define: (key: TemplatePart) => TemplatePart[], variable: string): KeyedQuery {
  const all = prepareQueryTemplate(define('')).bind();
  return { keyed: prepareQueryTemplate(define(valuesSlot(variable))), all };
}

export function prepareOnlineStateQueries(): OnlineStateQueries {
  return {
    runningNow: keyed(runningNow, 'activity'),
    runningMarked: keyed(runningMarked, 'activity'),
    usersNow: keyed(usersNow, 'activity'),
    usersMarked: keyed(usersMarked, 'activity'),
    runningOfAgents: prepareQueryTemplate(RUNNING_OF_AGENTS),
    latestEpochs: keyed(latestEpochs, 'run'),
    latestMarked: keyed(latestMarked, 'run'),
    valuesAt: prepareQueryTemplate(VALUES_AT),
    candidates: prepareQueryTemplate(CANDIDATES),
    sectionValues: prepareQueryTemplate(SECTION_VALUES),
    markersOfRuns: prepareQueryTemplate(MARKERS_OF_RUNS),
    runsOf: prepareQueryTemplate(RUNS_OF),
    pending: prepareQueryTemplate([PENDING]).bind(),
    insert: prepareUpdateTemplate(['INSERT DATA { ', ...block(triplesSlot()), ' }']),
    delete: prepareUpdateTemplate(['DELETE DATA { ', ...block(triplesSlot()), ' }']),
    deleteInsert: prepareUpdateTemplate([
      'DELETE { ',
      ...block(triplesSlot()),
      ' }\nINSERT { ',
      ...block(triplesSlot()),
      ' }\nWHERE {}',
    ]),
  };
}
