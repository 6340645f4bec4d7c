// Public entry of the query layer: the catalog, federation (the only Comunica user) and result formats.
export { bindQuery, bindTerms, type ParamValues, valuesBlock } from './bind.ts';
export {
  Catalog,
  type CatalogEntry,
  catalogQuerySerialized,
  DEFAULT_CATALOG_DIR,
  describeEntry,
  loadCatalog,
  packageCatalog,
  type RunOptions,
  runCatalogQuery,
} from './catalog.ts';
export {
  type CatalogColumn,
  type CatalogHeader,
  type CatalogParam,
  type Phase,
  parseHeader,
} from './catalog-header.ts';
export {
  FederationTimeoutError,
  ParameterError,
  SourceUnavailableError,
  UnknownQueryError,
} from './errors.ts';
export { type FederationOptions, federatedSelect, runFederated } from './federation.ts';
export { type PageOptions, pageQuery } from './page.ts';
export { PARAM_TYPES, type ParamType, toTerm } from './params.ts';
export { describeSource, parseSourceSpec, type SourceSpec } from './sources.ts';
export { ProvStoreSource } from './store-source.ts';
export { toTable } from './table.ts';
