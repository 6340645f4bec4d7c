// Public entry of the RDF kernel, the ground floor under store/: plain terms and their conversions, the
// one audited N-Triples writer, the format registry, parsing and serializing, and SPARQL results.
export {
  isNativeMediaType,
  isQuadMediaType,
  NATIVE_MEDIA_TYPES,
  type NativeMediaType,
  RDF_MEDIA_TYPES,
  RDF_SYNTAXES,
  type RdfMediaType,
  type RdfSyntax,
  type RdfSyntaxName,
  syntaxByMediaType,
  syntaxByName,
  syntaxNamed,
  syntaxOf,
  syntaxOfFile,
} from './formats.ts';
export {
  CONTEXT_FILE,
  type JsonLdEnvironment,
  jsonLdToNQuads,
  loadJsonLdEnvironment,
  localDocumentLoader,
  nquadsToCompactJsonLd,
  RemoteContextError,
} from './jsonld.ts';
export * from './media-types.ts';
export {
  escapeString,
  iriToNTriples,
  isValidIri,
  quadsToNQuads,
  quadToNQuads,
  termToNTriples,
} from './ntriples.ts';
export { fromOx, fromOxQuad, toOxGraph } from './oxigraph.ts';
export { type ParseOptions, parseRdf } from './parse.ts';
export { fromRdfJs, rdfjsFactory, toRdfJs, toRdfJsQuad } from './rdfjs.ts';
export {
  RESULTS_MEDIA_TYPES,
  serializeBoolean,
  serializeSolutionPages,
  serializeSolutions,
  solutionsCsv,
} from './results.ts';
export { type SerializeOptions, serializeRdf } from './serialize.ts';
export { nquadsToSyntax } from './serialize-stream.ts';
export {
  booleanFromJson,
  booleanToJson,
  fromJsonTerm,
  type JsonTerm,
  parseSparqlJson,
  type Solutions,
  type SparqlJson,
  solutionsFromJson,
  solutionsToJson,
  toJsonTerm,
} from './sparql-json.ts';
export { type SolutionRow, type StreamedSolutions, streamSolutionsFromJson } from './sparql-json-stream.ts';
export * from './terms.ts';
