import { iriToNTriples, SPARQL_QUERY, SPARQL_RESULTS_JSON } from '../rdf/index.ts';
import { experimentIri } from '../translate/index.ts';
import { sparqlPrefixes } from '../vocab.ts';

export interface RunRow {
  execution: string;
  status?: string;
  learningRate?: string;
  batchSize?: string;
  accuracy?: string;
}

export interface ServerSummary {
  workflows: Array<{ name: string; executions: number }>;
  runs: RunRow[];
}

type Bindings = Array<Record<string, { value: string } | undefined>>;

/** Asks the server (over its SPARQL endpoint, like any user would) what the demo left there. */
export async function summarizeFromServer(url: string, experimentId: string): Promise<ServerSummary> {
  const workflows = await select(
    url,
    `${sparqlPrefixes()}
SELECT ?name (COUNT(DISTINCT ?execution) AS ?executions) WHERE {
  ?execution a provml:WorkflowExecution ; provml:executionOf/provml:name ?name .
} GROUP BY ?name ORDER BY ?name`,
  );
  const experiment = iriToNTriples(experimentIri(experimentId));
  const runs = await select(
    url,
    `${sparqlPrefixes()}
SELECT DISTINCT ?execution ?status ?learningRate ?batchSize ?accuracy WHERE {
  ?execution provml:partOfExperiment ${experiment} .
  OPTIONAL { ?execution provml:hasStatus ?statusIri BIND(STRAFTER(STR(?statusIri), "#") AS ?status) }
  ?training a provml:Training ; provml:partOfWorkflowExecution ?execution .
  OPTIONAL { ?training provml:usedHyperparameter [ provml:attributeName "learning_rate" ; prov:value ?learningRate ] }
  OPTIONAL { ?training provml:usedHyperparameter [ provml:attributeName "batch_size" ; prov:value ?batchSize ] }
  OPTIONAL {
    ?model provml:generatedModel ?training .
    ?evaluation provml:evaluatedModel ?model ; provml:hasMeasure/provml:name "accuracy" ; prov:value ?accuracy .
  }
} ORDER BY ?execution`,
  );
  return {
    workflows: workflows.map((row) => ({
      name: row.name?.value ?? '',
      executions: Number(row.executions?.value ?? 0),
    })),
    runs: runs.map((row) => ({
      execution: row.execution?.value ?? '',
      status: row.status?.value,
      learningRate: row.learningRate?.value,
      batchSize: row.batchSize?.value,
      accuracy: row.accuracy?.value,
    })),
  };
}

async function select(url: string, query: string): Promise<Bindings> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/sparql`, {
    method: 'POST',
    headers: { 'content-type': SPARQL_QUERY, accept: SPARQL_RESULTS_JSON },
    body: query,
  });
  if (!response.ok)
    throw new Error(`the summary query failed: HTTP ${response.status} ${await response.text()}`);
  const json = (await response.json()) as { results: { bindings: Bindings } };
  return json.results.bindings;
}
