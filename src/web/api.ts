// Read-only calls to the server's HTTP API (same origin). The page never writes.

export interface Binding {
  type: 'uri' | 'literal' | 'bnode';
  value: string;
  datatype?: string;
}

export interface SparqlJson {
  head: { vars: string[] };
  results: { bindings: Array<Record<string, Binding>> };
}

export type Row = Record<string, string | undefined>;

export type Params = Record<string, string | string[] | undefined>;

export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
      if (item !== '') search.append(key, item);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function get(path: string, accept: string): Promise<Response> {
  const response = await fetch(path, { headers: { Accept: accept } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: string; message?: string };
      message = body.message ?? body.error ?? message;
    } catch {
      // The status line is the message.
    }
    throw new Error(message);
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await get(path, 'application/json')).json()) as T;
}

export async function getText(path: string, accept: string): Promise<string> {
  return (await get(path, accept)).text();
}

/** Runs a catalog query by name with typed parameters; rows as plain {column: value}. */
export async function catalogRows(name: string, params: Params = {}): Promise<Row[]> {
  const json = await getJson<SparqlJson>(`/api/v1/queries/${encodeURIComponent(name)}${queryString(params)}`);
  return json.results.bindings.map((binding) =>
    Object.fromEntries(json.head.vars.map((v) => [v, binding[v]?.value])),
  );
}

export interface RunRecord {
  execution: string;
  workflow?: string;
  version?: string;
  experiment?: string;
  experimentName?: string;
  study?: string;
  status?: string;
  user?: string;
  host?: string;
  started?: string;
  ended?: string;
  duration?: string;
  hyperparameters: Record<string, string>;
  metrics: Record<string, string>;
}

export interface RunsPage {
  total: number;
  offset: number;
  limit: number;
  columns: string[];
  runs: RunRecord[];
}

export interface CatalogParam {
  name: string;
  type: string;
  required: boolean;
  multiple: boolean;
  description: string;
}

export interface CatalogQuery {
  name: string;
  description: string;
  phase: string;
  online: boolean;
  federated: boolean;
  params: CatalogParam[];
  columns: Array<{ name: string; description: string }>;
}
