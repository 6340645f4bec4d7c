// Public entry of the ontology layer: the shipped PROV-ML files, the alignment and data validators.
export { ALIGNMENT_RULES, type AlignmentRule } from './alignment-rules.ts';
export { compactIri } from './compact.ts';
export {
  ensureOntologyGraph,
  type OntologyGraphOutcome,
  readShippedOntology,
  readShippedOntologyGraph,
  type ShippedOntology,
} from './ensure.ts';
export {
  DEFAULT_ONTOLOGY_DIR,
  formatOfFile,
  IMPORT_FILES,
  importPaths,
  ONTOLOGY_FILE,
  SHAPES_FILE,
} from './files.ts';
export { formatAlignmentReport, formatDataReport, textTable } from './format-report.ts';
export { inferNamespaces, namespaceOf } from './namespaces.ts';
export { readTriples, readTriplesFile } from './parse.ts';
export {
  type DataReport,
  type DataSource,
  type DataValidationResult,
  type ValidateDataOptions,
  validateData,
} from './validate-data.ts';
export {
  type AlignmentReport,
  type AlignmentViolation,
  type ValidateOntologyOptions,
  validateOntology,
} from './validate-ontology.ts';
