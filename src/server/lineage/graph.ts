import { type Catalog, runCatalogQuery } from '../../query/index.ts';
import type { ProvStore } from '../../store/index.ts';
import { shortName } from '../../vocab.ts';

export type NodeKind =
  | 'model'
  | 'raw'
  | 'domain'
  | 'training'
  | 'validation'
  | 'test'
  | 'learning'
  | 'data'
  | 'task'
  | 'entity';

/** The catalog binds at most 1,000 value rows per query. */
const NODES_PER_QUERY = 500;

export interface LineageNode {
  id: string;
  kind: NodeKind;
  label: string;
  location?: string;
  execution?: string;
}

export interface LineageEdge {
  source: string;
  target: string;
  relation: 'used' | 'generated' | 'derived' | 'domainEntity';
}

export interface LineageGraph {
  model: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** The lineage of a model as nodes and edges, from the catalog queries lineage-nodes and lineage-edges. */
export async function lineageGraph(
  store: ProvStore,
  catalog: Catalog,
  model: string,
  timeoutMs?: number,
): Promise<LineageGraph> {
  const options = timeoutMs ? { timeoutMs } : {};
  const edgeRows = await runCatalogQuery(store, catalog.get('lineage-edges'), { model }, options);
  const edges = edgeRows.rows.flatMap((row): LineageEdge[] => {
    const source = row.source?.value;
    const target = row.target?.value;
    const relation = row.relation?.value as LineageEdge['relation'] | undefined;
    return source && target && relation ? [{ source, target, relation }] : [];
  });
  const ids = [...new Set([model, ...edges.flatMap((edge) => [edge.source, edge.target])])];
  const nodes = new Map<string, LineageNode>();
  for (let start = 0; start < ids.length; start += NODES_PER_QUERY) {
    const node = ids.slice(start, start + NODES_PER_QUERY);
    const rows = await runCatalogQuery(store, catalog.get('lineage-nodes'), { node }, options);
    for (const row of rows.rows) {
      const id = row.node?.value;
      if (!id || nodes.has(id)) continue;
      nodes.set(id, {
        id,
        kind: (row.kind?.value ?? 'data') as NodeKind,
        label: row.label?.value ?? shortName(id),
        ...(row.location ? { location: row.location.value } : {}),
        ...(row.execution ? { execution: row.execution.value } : {}),
      });
    }
  }
  // A model the store does not describe is no lineage: its only "node" would be the IRI asked for.
  if (edges.length === 0 && nodes.get(model)?.kind === 'entity') return { model, nodes: [], edges: [] };
  return { model, nodes: [...nodes.values()], edges: withoutImpliedDerivations(edges) };
}

/** A derivation is drawn only when no task in the picture used the source and generated the target. */
function withoutImpliedDerivations(edges: LineageEdge[]): LineageEdge[] {
  const key = (a: string, b: string): string => `${a}\n${b}`;
  const used = new Set(edges.filter((e) => e.relation === 'used').map((e) => key(e.source, e.target)));
  const generators = new Map<string, string[]>();
  for (const edge of edges.filter((e) => e.relation === 'generated'))
    generators.set(edge.target, [...(generators.get(edge.target) ?? []), edge.source]);
  return edges.filter(
    (edge) =>
      edge.relation !== 'derived' ||
      !(generators.get(edge.target) ?? []).some((task) => used.has(key(edge.source, task))),
  );
}
