// The parts of OpenLineage events (spec 2-0-2, OpenLineage.schema.json beside this file) that provml maps;
// everything else is kept as it came, in annotations.

export type Facets = Record<string, unknown>;

export interface OlJob {
  namespace: string;
  name: string;
  facets?: Facets;
}

export interface OlDataset {
  namespace: string;
  name: string;
  facets?: Facets & {
    schema?: { fields?: Array<{ name?: unknown }> };
  };
  inputFacets?: Facets & { inputStatistics?: { rowCount?: unknown; size?: unknown } };
  outputFacets?: Facets & { outputStatistics?: { rowCount?: unknown; size?: unknown } };
}

export interface OlRunRef {
  run: { runId: string };
  job: { namespace: string; name: string };
}

export interface OlRunEvent {
  eventType?: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: {
    runId: string;
    facets?: Facets & {
      parent?: OlRunRef & { root?: OlRunRef };
      errorMessage?: { message?: string };
    };
  };
  job: OlJob;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export interface OlJobEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  job: OlJob;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export interface OlDatasetEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  dataset: OlDataset;
}
