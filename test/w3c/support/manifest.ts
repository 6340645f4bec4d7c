// Reads the W3C SPARQL 1.1 Protocol and Graph Store Protocol manifests (mf:, ht:, cnt: vocabularies) into
// plain test descriptions, with N3.js, as N3.js and rdf-validate-shacl read their own W3C suites.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Parser, Store, type Term } from 'n3';

const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const HT = 'http://www.w3.org/2011/http#';
const HTS = 'http://www.w3.org/2011/http-statusCodes#';
const CNT = 'http://www.w3.org/2011/content#';
const UT = 'http://www.w3.org/2009/sparql/tests/test-update#';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const DAWGT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#';

/** A status a response may have: one code, or a class such as 2xx. */
export type StatusExpectation = { code: number } | { class: number };

export interface TextBody {
  chars: string;
  /** cnt:characterEncoding, e.g. UTF-8 or UTF-16. */
  encoding: string;
}

export interface ExpectedResponse {
  statuses: StatusExpectation[];
  /** mf:expectedFormat: "boolean", "tabular" or "RDF". */
  format?: string;
  boolean?: boolean;
  /** mf:expectedLocation: the template variable the Location header value is bound to. */
  location?: string;
  headers: Array<[string, string]>;
  body?: TextBody;
}

export interface ExchangeRequest {
  method: string;
  /** ht:absolutePath as written in the manifest (prefix /sparql/ or /gsp). */
  path: string;
  headers: Array<[string, string]>;
  body?: TextBody;
  response: ExpectedResponse;
}

export interface ManifestTest {
  /** The entry's IRI, e.g. http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#query_get */
  iri: string;
  name: string;
  /** Local names of mf:requires, e.g. IndirectGraphIdentification. */
  requires: string[];
  approval?: string;
  /** ut:graphData: a file to load into the named graph its label names, before the requests. */
  graphData: Array<{ file: string; graph: string }>;
  requests: ExchangeRequest[];
  /** rdfs:comment, for the prose-only entries of http-rdf-update. */
  comment?: string;
}

const STATUS_CODES: Record<string, number> = {
  OK: 200,
  Created: 201,
  NoContent: 204,
  BadRequest: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  UnsupportedMediaType: 415,
};

/** The entries of a manifest file, in manifest order, following mf:include. */
export function readManifest(file: URL): ManifestTest[] {
  const store = new Store(
    new Parser({ baseIRI: file.href }).parse(readFileSync(fileURLToPath(file), 'utf8')),
  );
  const reader = new Reader(store);
  const manifest = store.getSubjects(`${RDF}type`, `${MF}Manifest`, null)[0];
  if (!manifest) throw new Error(`${file.href} has no mf:Manifest`);
  const included = reader.list(reader.object(manifest, `${MF}include`));
  if (included.length > 0) return included.flatMap((iri) => readManifest(new URL(iri.value)));
  return reader.list(reader.object(manifest, `${MF}entries`)).map((entry) => reader.test(entry));
}

/** The manifest file of a suite shipped under test/w3c/. */
export const manifestFile = (suite: string, name = 'manifest.ttl'): URL =>
  pathToFileURL(fileURLToPath(new URL(`../${suite}/${name}`, import.meta.url)));

class Reader {
  constructor(private readonly store: Store) {}

  test(entry: Term): ManifestTest {
    const action = this.object(entry, `${MF}action`);
    const comments = this.objects(entry, `${RDFS}comment`).map((term) => term.value);
    const approval = this.object(entry, `${DAWGT}approval`)?.value;
    return {
      iri: entry.value,
      name: this.object(entry, `${MF}name`)?.value ?? entry.value,
      requires: this.objects(entry, `${MF}requires`).map((term) => localName(term.value)),
      ...(approval ? { approval: localName(approval) } : {}),
      graphData: this.objects(entry, `${UT}graphData`).map((data) => ({
        file: fileURLToPath(this.required(data, `${UT}graph`).value),
        graph: this.required(data, `${RDFS}label`).value,
      })),
      requests: action ? this.list(this.object(action, `${HT}requests`)).map((r) => this.request(r)) : [],
      ...(comments.length > 0 ? { comment: comments.join('\n') } : {}),
    };
  }

  private request(node: Term): ExchangeRequest {
    const body = this.body(node);
    return {
      method: this.required(node, `${HT}methodName`).value,
      path: this.required(node, `${HT}absolutePath`).value,
      headers: this.headers(node),
      ...(body ? { body } : {}),
      response: this.response(this.required(node, `${HT}resp`)),
    };
  }

  private response(node: Term): ExpectedResponse {
    const format = this.object(node, `${MF}expectedFormat`)?.value;
    const boolean = this.object(node, `${MF}expectedBoolean`)?.value;
    const location = this.object(node, `${MF}expectedLocation`)?.value;
    const body = this.body(node);
    return {
      statuses: this.objects(node, `${MF}expectedStatus`).map((term) => status(term.value)),
      ...(format ? { format } : {}),
      ...(boolean !== undefined ? { boolean: boolean === 'true' } : {}),
      ...(location ? { location } : {}),
      headers: this.headers(node),
      ...(body ? { body } : {}),
    };
  }

  private body(node: Term): TextBody | undefined {
    const body = this.object(node, `${HT}body`);
    if (!body) return undefined;
    return {
      chars: this.required(body, `${CNT}chars`).value,
      encoding: this.object(body, `${CNT}characterEncoding`)?.value ?? 'UTF-8',
    };
  }

  private headers(node: Term): Array<[string, string]> {
    return this.list(this.object(node, `${HT}headers`)).map((header) => [
      this.required(header, `${HT}fieldName`).value.toLowerCase(),
      this.required(header, `${HT}fieldValue`).value,
    ]);
  }

  list(head: Term | undefined): Term[] {
    const items: Term[] = [];
    let node = head;
    while (node && node.value !== `${RDF}nil`) {
      const first = this.object(node, `${RDF}first`);
      if (first) items.push(first);
      node = this.object(node, `${RDF}rest`);
    }
    return items;
  }

  object(subject: Term, predicate: string): Term | undefined {
    return this.objects(subject, predicate)[0];
  }

  private objects(subject: Term, predicate: string): Term[] {
    return this.store.getObjects(subject, predicate, null);
  }

  private required(subject: Term, predicate: string): Term {
    const value = this.object(subject, predicate);
    if (!value) throw new Error(`manifest node ${subject.value} lacks ${predicate}`);
    return value;
  }
}

function status(iri: string): StatusExpectation {
  const name = iri.startsWith(HTS) ? iri.slice(HTS.length) : iri;
  const range = /^StatusCode(\d)xx$/.exec(name);
  if (range) return { class: Number(range[1]) };
  const code = STATUS_CODES[name];
  if (code === undefined) throw new Error(`unknown status ${iri} in a manifest`);
  return { code };
}

const localName = (iri: string): string =>
  iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
