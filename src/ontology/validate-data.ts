import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as RDF from '@rdfjs/types';
import rdf from '@zazuko/env';
import SHACLValidator from 'rdf-validate-shacl';
import { BadRequestError } from '../errors.ts';
import { type QuadData, syntaxOf } from '../rdf/index.ts';
import { rdfs, sh } from '../vocab.ts';
import { readShippedOntology } from './ensure.ts';
import { DEFAULT_ONTOLOGY_DIR, importPaths, ONTOLOGY_FILE, SHAPES_FILE } from './files.ts';
import { readTriples, readTriplesFile } from './parse.ts';
import { showTerm, toDataset } from './rdfjs.ts';

export type DataSource =
  | { file: string; format?: string }
  | { data: string; format: string }
  | { quads: QuadData[] };

export interface DataValidationResult {
  focusNode: string;
  /** The property path: an IRI, or `^IRI` for an inverse path; empty for node-level results. */
  path: string;
  message: string;
  severity: 'Violation' | 'Warning' | 'Info';
  sourceShape: string;
  /** The offending value, when the constraint names one. */
  value?: string;
}

/** SHACL's verdict as data. `conforms` is SHACL's: false on any result, warnings included. */
export interface DataReport {
  conforms: boolean;
  violations: number;
  warnings: number;
  results: DataValidationResult[];
}

export interface ValidateDataOptions {
  ontologyDir?: string;
  /** Shapes file (defaults to ontology/shapes.ttl). */
  shapesFile?: string;
}

/**
 * Validates captured provenance against the SHACL shapes. The ontology's triples join the data graph so
 * that targets and sh:class follow rdfs:subClassOf (a Training is checked as a LearningStage).
 */
export async function validateData(
  source: DataSource,
  options: ValidateDataOptions = {},
): Promise<DataReport> {
  const ontologyDir = options.ontologyDir ?? DEFAULT_ONTOLOGY_DIR;
  const shapesFile = options.shapesFile ?? join(ontologyDir, SHAPES_FILE);
  const [data, { ontology, shapes }] = await Promise.all([
    readSource(source),
    readSchema(ontologyDir, shapesFile),
  ]);
  const shapesDataset = toDataset(shapes);
  const validator = new SHACLValidator(shapesDataset, { factory: rdf });
  const report = await validator.validate(toDataset(data, ontology));
  const results = report.results.map((result): DataValidationResult => {
    const severity = showTerm(result.severity).replace(sh(''), '') as DataValidationResult['severity'];
    const value = showTerm(result.value);
    return {
      focusNode: showTerm(result.focusNode),
      path: describePath(shapesDataset, result.sourceShape, result.path),
      message: result.message.map((m) => m.value).join(' ') || showTerm(result.sourceConstraintComponent),
      severity,
      sourceShape: showTerm(result.sourceShape),
      ...(value ? { value } : {}),
    };
  });
  return {
    conforms: report.conforms,
    violations: results.filter((r) => r.severity === 'Violation').length,
    warnings: results.filter((r) => r.severity === 'Warning').length,
    results,
  };
}

const schemas = new Map<string, Promise<{ ontology: QuadData[]; shapes: QuadData[] }>>();

/** The ontology and shapes, parsed once per version of their files (keyed by path and modification time). */
function readSchema(
  ontologyDir: string,
  shapesFile: string,
): Promise<{ ontology: QuadData[]; shapes: QuadData[] }> {
  const files = [join(ontologyDir, ONTOLOGY_FILE), ...importPaths(ontologyDir), shapesFile];
  const key = files
    .map((file) => `${file}@${existsSync(file) ? statSync(file).mtimeMs : 'missing'}`)
    .join('|');
  let schema = schemas.get(key);
  if (!schema) {
    schema = Promise.all([readShippedOntology(ontologyDir), readTriplesFile(shapesFile)]).then(
      // Only the class hierarchy matters to sh:targetClass and sh:class; the rest would slow SHACL down.
      ([ontology, shapes]) => ({
        ontology: ontology.filter((q) => q.predicate.value === rdfs('subClassOf')),
        shapes,
      }),
    );
    schema.catch(() => schemas.delete(key));
    schemas.set(key, schema);
  }
  return schema;
}

async function readSource(source: DataSource): Promise<QuadData[]> {
  if ('quads' in source) return source.quads;
  if ('file' in source) return readTriplesFile(source.file, source.format);
  const format = syntaxOf(source.format);
  if (!format)
    throw new BadRequestError(
      `Unsupported RDF format "${source.format}": send Turtle, TriG, N-Quads, N-Triples, RDF/XML or JSON-LD.`,
    );
  return readTriples(source.data, format);
}

/** `IRI`, or `^IRI` when the shape's path is an inverse path (reported as a blank node). */
function describePath(
  shapes: ReturnType<typeof toDataset>,
  shape: RDF.Term | null,
  path: RDF.Term | null,
): string {
  if (!path) return '';
  if (path.termType === 'NamedNode') return path.value;
  if (!shape) return showTerm(path);
  for (const declared of shapes.match(shape as RDF.Quad_Subject, rdf.namedNode(sh('path')))) {
    for (const inverse of shapes.match(declared.object as RDF.Quad_Subject, rdf.namedNode(sh('inversePath'))))
      return `^${inverse.object.value}`;
  }
  return showTerm(path);
}
