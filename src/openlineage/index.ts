// Public entry of the OpenLineage export: captured executions as OpenLineage RunEvents. (OpenLineage in is
// part of capture: src/capture/openlineage.)
export {
  datasetOf,
  exportOpenLineage,
  type OpenLineageExportOptions,
  type OpenLineageRunEvent,
  runIdOf,
} from './export.ts';
