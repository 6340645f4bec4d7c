import { BadRequestError } from '../errors.ts';
import { type QuadData, RDF_LANG_STRING, type Term, XSD_STRING } from './terms.ts';

// The one audited place that turns RDF terms into N-Triples / SPARQL term syntax.
// It is used for the durable log, for N-Quads output and for binding SPARQL parameters,
// so user input never reaches query text except through here.

// An absolute IRI: a scheme, then nothing IRIREF forbids in N-Triples and SPARQL. One pass: this runs for every
// IRI of every quad the log and N-Quads output write.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be rejected
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\u0000-\u0020<>"{}|^`\\]*$/;
/** What a string literal must escape: backslash, quote and the control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f"\\]/;
const LANGUAGE_TAG = /^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/;
const BLANK_LABEL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function isValidIri(iri: string): boolean {
  return ABSOLUTE_IRI.test(iri);
}

export function iriToNTriples(iri: string): string {
  if (!isValidIri(iri)) {
    throw new BadRequestError(
      `Not an absolute IRI (or it contains a space, <, >, ", {, }, |, ^, \` or \\): ${JSON.stringify(iri)}`,
    );
  }
  return `<${iri}>`;
}

export function escapeString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default: {
        const code = ch.codePointAt(0) ?? 0;
        out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0').toUpperCase()}` : ch;
      }
    }
  }
  return `"${out}"`;
}

export function termToNTriples(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return iriToNTriples(term.value);
    case 'BlankNode':
      if (!BLANK_LABEL.test(term.value))
        throw new BadRequestError(`Invalid blank node label: ${JSON.stringify(term.value)}`);
      return `_:${term.value}`;
    case 'Literal': {
      const lexical = escapeString(term.value);
      if (term.language) {
        if (!LANGUAGE_TAG.test(term.language))
          throw new BadRequestError(`Invalid language tag: ${JSON.stringify(term.language)}`);
        return `${lexical}@${term.language}`;
      }
      const datatype = term.datatype?.value ?? XSD_STRING;
      if (datatype === XSD_STRING || datatype === RDF_LANG_STRING) return lexical;
      return `${lexical}^^${iriToNTriples(datatype)}`;
    }
    case 'Quad':
      return `<< ${termToNTriples(term.subject)} ${termToNTriples(term.predicate)} ${termToNTriples(term.object)} >>`;
    case 'DefaultGraph':
      throw new BadRequestError('The default graph has no N-Triples form.');
  }
}

export function quadToNQuads(quad: QuadData): string {
  const head = `${termToNTriples(quad.subject)} ${termToNTriples(quad.predicate)} ${termToNTriples(quad.object)}`;
  return quad.graph.termType === 'DefaultGraph' ? `${head} .\n` : `${head} ${termToNTriples(quad.graph)} .\n`;
}

/**
 * Many quads of a batch share their IRI term objects (a writer reuses its subjects, graph and vocabulary): each
 * such object is checked and written once per call, not once per quad.
 */
export function quadsToNQuads(quads: Iterable<QuadData>): string {
  const written = new Map<Term, string>();
  const iri = (term: Term): string => {
    if (term.termType !== 'NamedNode') return termToNTriples(term);
    let text = written.get(term);
    if (text === undefined) {
      text = iriToNTriples(term.value);
      written.set(term, text);
    }
    return text;
  };
  let out = '';
  for (const quad of quads) {
    const head = `${iri(quad.subject)} ${iri(quad.predicate)} ${iri(quad.object)}`;
    out += quad.graph.termType === 'DefaultGraph' ? `${head} .\n` : `${head} ${iri(quad.graph)} .\n`;
  }
  return out;
}
