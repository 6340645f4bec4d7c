import type { ParamValues } from '../../../src/query/index.ts';
import { ratio } from '../suite/stats.ts';
import type { QueryFigure } from './catalog.ts';

export interface QueryComparison {
  name: string;
  params: ParamValues;
  /** False when both backends answered with different row counts. */
  rowsAgree: boolean;
  /** The embedded store behind provml's server, over HTTP. */
  embedded?: QueryFigure;
  /** The embedded store's facade in process (--in-process). */
  embeddedInProcess?: QueryFigure;
  /** Virtuoso through provml's remote store (its SPARQL endpoint over HTTP). */
  virtuoso?: QueryFigure;
}

const cell = (figure: QueryFigure | undefined, key: 'medianMs' | 'p95Ms'): number | string => {
  if (!figure) return '–';
  return figure.status === 'ok' ? (figure[key] ?? '–') : figure.status;
};

/** One console.table row per query. */
export function queryRows(compared: QueryComparison[]): Array<Record<string, number | string>> {
  return compared.map((item) => {
    const { embedded, embeddedInProcess, virtuoso } = item;
    const row: Record<string, number | string> = { query: item.name };
    if (embedded) {
      row['embedded rows'] = embedded.rows ?? '–';
      row['embedded median ms'] = cell(embedded, 'medianMs');
      row['embedded p95 ms'] = cell(embedded, 'p95Ms');
    }
    if (embeddedInProcess) row['in-process median ms'] = cell(embeddedInProcess, 'medianMs');
    if (virtuoso) {
      row['Virtuoso rows'] = virtuoso.rows ?? '–';
      row['Virtuoso median ms'] = cell(virtuoso, 'medianMs');
      row['Virtuoso p95 ms'] = cell(virtuoso, 'p95Ms');
    }
    if (embedded?.status === 'ok' && virtuoso?.status === 'ok')
      row['embedded ÷ Virtuoso'] = ratio(embedded.medianMs ?? Number.NaN, virtuoso.medianMs ?? Number.NaN);
    if (!item.rowsAgree) row['rows agree'] = 'NO';
    return row;
  });
}
