import { isValidIri, literal, type Term } from '../rdf/index.ts';
import { xsd } from '../vocab.ts';
import { ParameterError } from './errors.ts';

export const PARAM_TYPES = ['iri', 'string', 'integer', 'double', 'boolean', 'dateTime'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_STRING = 10_000;

/**
 * Turns a user's text into the RDF term of the declared type, or throws a ParameterError naming the
 * parameter and the expected form. The term reaches SPARQL only through termToNTriples.
 */
export function toTerm(name: string, type: ParamType, raw: string): Term {
  switch (type) {
    case 'iri': {
      const iri = raw.trim().replace(/^<(.*)>$/, '$1');
      if (!isValidIri(iri)) {
        throw new ParameterError(
          name,
          `expected an absolute IRI such as https://w3id.org/provml/id/…, got ${JSON.stringify(raw)}`,
        );
      }
      return { termType: 'NamedNode', value: iri };
    }
    case 'string':
      if (raw.length > MAX_STRING)
        throw new ParameterError(name, `text longer than ${MAX_STRING} characters`);
      return literal(raw);
    case 'integer': {
      const text = raw.trim();
      if (!INTEGER.test(text))
        throw new ParameterError(name, `expected an integer, got ${JSON.stringify(raw)}`);
      return literal(BigInt(text).toString(), '', xsd('integer'));
    }
    case 'double': {
      const text = raw.trim();
      if (!DOUBLE.test(text) || !Number.isFinite(Number(text)))
        throw new ParameterError(name, `expected a number, got ${JSON.stringify(raw)}`);
      return literal(text, '', xsd('double'));
    }
    case 'boolean': {
      const text = raw.trim().toLowerCase();
      if (!['true', 'false', '1', '0'].includes(text))
        throw new ParameterError(name, `expected true or false, got ${JSON.stringify(raw)}`);
      return literal(String(text === 'true' || text === '1'), '', xsd('boolean'));
    }
    case 'dateTime': {
      const text = raw.trim();
      if (!DATE_TIME.test(text) || Number.isNaN(Date.parse(text))) {
        throw new ParameterError(
          name,
          `expected an ISO 8601 date-time with a time zone, e.g. 2024-05-01T12:00:00Z, got ${JSON.stringify(raw)}`,
        );
      }
      return literal(text, '', xsd('dateTime'));
    }
  }
}
