import { canonicalJson, type LiteralValue } from '../capture/index.ts';
import { type LiteralTerm, literal, type NamedNodeTerm, type QuadData } from '../rdf/index.ts';
import {
  type ProvmlClass,
  type ProvmlDataProperty,
  type ProvmlObjectProperty,
  prov,
  provml,
  rdf,
  xsd,
} from '../vocab.ts';

const RDF_TYPE = rdf('type');

export type ProvClass = 'prov:Activity' | 'prov:Entity' | 'prov:Plan' | 'prov:Agent' | 'prov:Person';

// Terms are shared between quads (fewer allocations on large batches): vocabulary terms process-wide (a bounded
// set), instance IRIs per event.
const vocabularyTerms = new Map<string, NamedNodeTerm>();
function vocabularyTerm(iri: string): NamedNodeTerm {
  let term = vocabularyTerms.get(iri);
  if (term === undefined) {
    term = { termType: 'NamedNode', value: iri };
    vocabularyTerms.set(iri, term);
  }
  return term;
}

// Looked up by the short names the writers pass (literals in the source, whose hashes V8 keeps), not by the
// full IRI built anew on every call: the translator asks for them on every quad.
const RDF_TYPE_TERM = vocabularyTerm(RDF_TYPE);
const classTerms = new Map<string, NamedNodeTerm>();
function classTerm(cls: ProvmlClass | ProvClass): NamedNodeTerm {
  let term = classTerms.get(cls);
  if (term === undefined) {
    term = vocabularyTerm(cls.startsWith('prov:') ? prov(cls.slice(5)) : provml(cls));
    classTerms.set(cls, term);
  }
  return term;
}
const provmlTerms = new Map<string, NamedNodeTerm>();
function provmlTerm(local: ProvmlObjectProperty | ProvmlDataProperty): NamedNodeTerm {
  let term = provmlTerms.get(local);
  if (term === undefined) {
    term = vocabularyTerm(provml(local));
    provmlTerms.set(local, term);
  }
  return term;
}

/** Collects the quads of one event, all in the event's workflow-execution graph. */
export class GraphWriter {
  readonly quads: QuadData[] = [];
  readonly #graph: NamedNodeTerm;
  readonly #nodes = new Map<string, NamedNodeTerm>();

  constructor(graph: string) {
    this.#graph = { termType: 'NamedNode', value: graph };
  }

  /** predicate is always a vocabulary IRI (src/vocab.ts). */
  add(
    subject: string,
    predicate: string | NamedNodeTerm,
    object: string | LiteralTerm | NamedNodeTerm,
  ): void {
    this.quads.push({
      subject: this.#node(subject),
      predicate: typeof predicate === 'string' ? vocabularyTerm(predicate) : predicate,
      object: typeof object === 'string' ? this.#node(object) : object,
      graph: this.#graph,
    });
  }

  #node(iri: string): NamedNodeTerm {
    let term = this.#nodes.get(iri);
    if (term === undefined) {
      term = { termType: 'NamedNode', value: iri };
      this.#nodes.set(iri, term);
    }
    return term;
  }

  /** rdf:type for each class: provml class names (the caller lists their provml superclasses too: no reasoner
   *  runs at query time) and the PROV-O top class. */
  type(subject: string, ...classes: Array<ProvmlClass | ProvClass>): void {
    for (const cls of classes) this.add(subject, RDF_TYPE_TERM, classTerm(cls));
  }

  link(subject: string, property: ProvmlObjectProperty, object: string): void {
    this.add(subject, provmlTerm(property), property === 'hasStatus' ? vocabularyTerm(object) : object);
  }

  /** A provml datatype property whose range is xsd:double, even for whole numbers. */
  double(subject: string, property: ProvmlDataProperty, value: number | undefined): void {
    if (value !== undefined)
      this.add(subject, provmlTerm(property), literal(String(value), '', xsd('double')));
  }

  /** A provml datatype property; undefined values are skipped so callers can pass optional fields. */
  data(subject: string, property: ProvmlDataProperty, value: LiteralValue | undefined): void {
    if (value !== undefined) this.add(subject, provmlTerm(property), typedLiteral(value));
  }
}

/** JSON value → typed literal: safe integers → xsd:integer, other numbers → xsd:double. */
export function typedLiteral(value: LiteralValue): LiteralTerm {
  if (typeof value === 'boolean') return literal(String(value), '', xsd('boolean'));
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? literal(String(value), '', xsd('integer'))
      : literal(String(value), '', xsd('double'));
  }
  return literal(value);
}

const XSD_SPECIALS = new Set(['NaN', 'INF', '-INF']);

/**
 * A measured value (metric, evaluation): numbers are always xsd:double, so a loss of 1.0 stays a double, and so are
 * NaN and the infinities, which JSON carries as the strings "NaN", "INF", "-INF".
 */
export function measureLiteral(value: LiteralValue): LiteralTerm {
  if (typeof value === 'number') return literal(xsdDouble(value), '', xsd('double'));
  return typeof value === 'string' && XSD_SPECIALS.has(value)
    ? literal(value, '', xsd('double'))
    : typedLiteral(value);
}

const xsdDouble = (n: number): string =>
  Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'INF' : '-INF';

/** ISO-8601 → canonical UTC xsd:dateTime (millisecond precision), so times compare across senders. */
export function dateTimeLiteral(iso: string): LiteralTerm {
  return literal(new Date(iso).toISOString(), '', xsd('dateTime'));
}

/** One annotation: `{ key: value }` as canonical JSON (sorted keys) typed rdf:JSON. */
export function annotationLiteral(key: string, value: unknown): LiteralTerm {
  return literal(canonicalJson({ [key]: value }), '', rdf('JSON'));
}
