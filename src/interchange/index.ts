// Public entry of the interchange layer (export / import of PROV-ML as JSON-LD, Turtle, TriG, N-Quads).
export { lineageClosure } from './closure.ts';
export {
  collectQuads,
  type ExportOptions,
  type ExportResult,
  type ExportTarget,
  exportRdf,
} from './export.ts';
export {
  FORMAT_NAMES,
  formatOfFileName,
  formatOfMediaType,
  type InterchangeFormat,
  interchangeMediaType,
  parseFormatName,
} from './formats.ts';
export { type ImportOptions, importRdf } from './import.ts';
export { checkXmlEntityExpansion } from './xml-entities.ts';
