import { ProvmlError } from '../errors.ts';
import { iriToNTriples, type QuadData, type Term } from '../rdf/index.ts';
import type { ProvStore } from '../store/index.ts';
import { selectRows } from '../store/index.ts';
import {
  OBJECT_PROPERTIES,
  ONTOLOGY_GRAPH,
  type ProvmlObjectProperty,
  prov,
  provml,
  rdfs,
} from '../vocab.ts';

// What "everything a model comes from" means: follow, transitively and across graphs, every influence
// relation of PROV (prov:wasInfluencedBy and the PROV-O relations below it) and every property the loaded
// ontology declares below them; the PROV-ML relations of that family are listed too, so the closure holds
// even when the ontology graph is not in the store. Relations pointing downstream (hasStage, hasSection, or
// evaluations pointing at the model) are not followed, so siblings and later runs stay out.

const PROV_INFLUENCES = [
  'wasInfluencedBy',
  'wasDerivedFrom',
  'wasGeneratedBy',
  'used',
  'wasInformedBy',
  'wasAssociatedWith',
  'wasAttributedTo',
  'actedOnBehalfOf',
  'wasStartedBy',
  'wasEndedBy',
  'wasRevisionOf',
  'wasQuotedFrom',
  'hadPrimarySource',
  'hadPlan',
  'qualifiedAssociation',
  'qualifiedUsage',
  'qualifiedGeneration',
  'qualifiedDerivation',
  'entity',
  'agent',
  'activity',
].map(prov);

// The PROV-ML relations that point downstream or only annotate; every other object property of vocab is an
// influence relation and is followed.
const NOT_INFLUENCES = new Set<ProvmlObjectProperty>([
  'hasExperiment',
  'hasStage',
  'hasSection',
  'evaluatedModel',
  'hasStatus',
  'storedIn',
  'hasFeature',
  'hasCharacteristic',
  'partOfStudy',
  'hasAttribute',
  'provenanceKind',
  'hasTelemetry',
  'partOfExperiment',
]);

const PROVML_INFLUENCES = OBJECT_PROPERTIES.filter((name) => !NOT_INFLUENCES.has(name));

const BATCH = 200;

async function influenceProperties(store: ProvStore): Promise<Set<string>> {
  // One UNION branch per relation rather than VALUES: Virtuoso needs a constant end on a transitive path.
  const subPropertyOf = iriToNTriples(rdfs('subPropertyOf'));
  const branches = PROV_INFLUENCES.map((iri) => `{ ?p ${subPropertyOf}+ ${iriToNTriples(iri)} }`);
  const result = await selectRows(store, `SELECT DISTINCT ?p WHERE { ${branches.join(' UNION ')} }`, {
    unionDefaultGraph: true,
  });
  const found = result.rows.map((row) => row.p?.value ?? '');
  return new Set([...PROV_INFLUENCES, ...PROVML_INFLUENCES.map(provml), ...found]);
}

const key = (term: Term): string => `${term.termType}:${term.value}`;

/** All quads (outside the ontology graph) describing the model and everything upstream of it. */
export async function lineageClosure(store: ProvStore, model: string): Promise<QuadData[]> {
  const follow = await influenceProperties(store);
  const visited = new Set<string>([model]);
  const quads = new Map<string, QuadData>();
  let frontier = [model];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += BATCH) {
      for (const quad of await describe(store, frontier.slice(i, i + BATCH))) {
        quads.set(`${key(quad.subject)} ${key(quad.predicate)} ${key(quad.object)} ${key(quad.graph)}`, quad);
        const target = quad.object;
        if (
          target.termType === 'NamedNode' &&
          follow.has(quad.predicate.value) &&
          !visited.has(target.value)
        ) {
          visited.add(target.value);
          next.push(target.value);
        }
      }
    }
    frontier = next;
  }
  if (quads.size === 0)
    throw new ProvmlError(
      'NotFound',
      `Nothing is recorded about ${model}: check the model IRI (e.g. with provml query --list).`,
    );
  return [...quads.values()];
}

/** The quads of the given subjects, plus those of blank nodes they point to (qualified relations). */
async function describe(store: ProvStore, subjects: string[]): Promise<QuadData[]> {
  const values = subjects.map(iriToNTriples).join(' ');
  const ontology = iriToNTriples(ONTOLOGY_GRAPH);
  const result = await selectRows(
    store,
    `SELECT ?g ?s ?p ?o WHERE {
       VALUES ?root { ${values} }
       GRAPH ?g { { ?root ?p ?o BIND(?root AS ?s) } UNION { ?root ?link ?s . FILTER(isBlank(?s)) ?s ?p ?o } }
       FILTER(?g != ${ontology})
     }`,
  );
  return result.rows.map((row) => ({
    subject: row.s as QuadData['subject'],
    predicate: row.p as QuadData['predicate'],
    object: row.o as QuadData['object'],
    graph: row.g as QuadData['graph'],
  }));
}
