import type { Dataset, QueryForm, QueryOptions, UpdateOptions } from '../api.ts';
import { asPreparedQuery, asPreparedUpdate, type PreparedQuery, type PreparedUpdate } from './prepare.ts';

/**
 * What an engine needs to run a query: plain data (it crosses to the worker thread), with the dataset
 * rule applied once for every backend: a query that names its dataset (FROM, FROM NAMED, or the
 * protocol's parameters) gets exactly that dataset; only a query that names none sees the union of all
 * graphs in union mode.
 */
export interface EngineQuery {
  text: string;
  form: QueryForm;
  baseIri?: string;
  dataset?: Dataset;
  unionDefaultGraph: boolean;
}

export function toEngineQuery(query: string | PreparedQuery, options: QueryOptions = {}): EngineQuery {
  const prepared = asPreparedQuery(query, options.baseIri);
  const dataset = options.dataset ?? prepared.dataset;
  const baseIri = prepared.baseIri ?? options.baseIri;
  return {
    text: prepared.text,
    form: prepared.form,
    ...(baseIri ? { baseIri } : {}),
    ...(dataset ? { dataset } : {}),
    unionDefaultGraph: dataset === undefined && options.unionDefaultGraph === true,
  };
}

/** The update as the store logs and applies it: its text, base and whether union rules apply. */
export function toEngineUpdate(
  update: string | PreparedUpdate,
  options: UpdateOptions = {},
): { prepared: PreparedUpdate; text: string; baseIri?: string; union: boolean } {
  const prepared = asPreparedUpdate(update, options.baseIri);
  const baseIri = prepared.baseIri ?? options.baseIri;
  return {
    prepared,
    text: prepared.text,
    ...(baseIri ? { baseIri } : {}),
    union: options.unionDefaultGraph === true && prepared.readsDefaultDataset,
  };
}
