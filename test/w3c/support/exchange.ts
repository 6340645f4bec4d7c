// Runs a manifest test's HTTP exchange against a live server and says, for each response, what differs
// from the manifest's expectation.
import { type IncomingHttpHeaders, request } from 'node:http';
import jsonld from 'jsonld';
import { Parser, Writer } from 'n3';
import type { ExchangeRequest, ExpectedResponse, StatusExpectation, TextBody } from './manifest.ts';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Where the manifest's path prefixes go on provml, and the values of template variables ($LOCATION$ …). */
export interface ExchangeContext {
  base: URL;
  paths: Array<[prefix: string, replacement: string]>;
  variables: Map<string, string>;
}

const RESULT_TYPES: Record<string, string[]> = {
  boolean: ['application/sparql-results+json', 'application/sparql-results+xml'],
  tabular: [
    'application/sparql-results+json',
    'application/sparql-results+xml',
    'text/csv',
    'text/tab-separated-values',
  ],
  // The manifest: "expect one of: RDF/XML, Turtle, N-Triples, RDFa".
  RDF: ['application/rdf+xml', 'text/turtle', 'application/n-triples', 'text/html', 'application/xhtml+xml'],
};

/** Sends every request in order; returns the differences found (empty when the test passes). */
export async function runExchange(requests: ExchangeRequest[], context: ExchangeContext): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, step] of requests.entries()) {
    const path = mapPath(substitute(step.path, context.variables), context.paths);
    const body = step.body ? encode(step.body, context.variables) : undefined;
    const headers = step.headers.map(([name, value]): [string, string] => [
      name,
      substitute(value, context.variables),
    ]);
    const reply = await send(context.base, step.method, path, headers, body);
    const url = new URL(path, context.base).href;
    const found = await compare(reply, step.response, url, context.variables);
    for (const problem of found) problems.push(`request ${index + 1} (${step.method} ${path}): ${problem}`);
    if (found.length > 0) break;
  }
  return problems;
}

export function send(
  base: URL,
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body?: Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: base.hostname, port: base.port, method, path, headers: Object.fromEntries(headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function compare(
  reply: Reply,
  expected: ExpectedResponse,
  url: string,
  variables: Map<string, string>,
): Promise<string[]> {
  const text = reply.body.toString('utf8');
  if (!expected.statuses.some((status) => matches(status, reply.status)))
    return [
      `status ${reply.status}, expected ${expected.statuses.map(describe).join(' or ')}: ${text.trim()}`,
    ];
  const problems: string[] = [];
  const type = mediaType(reply.headers['content-type']);
  if (expected.location) {
    const location = reply.headers.location;
    if (!location) problems.push('no Location header');
    else variables.set(expected.location, location);
  }
  for (const [name, value] of expected.headers) {
    const got = reply.headers[name];
    if (name === 'content-type' ? !sameContentType(String(got), value) : got !== value)
      problems.push(`header ${name} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
  }
  if (expected.format) {
    const allowed = RESULT_TYPES[expected.format] ?? [];
    if (!type || !allowed.includes(type))
      problems.push(`Content-Type ${type}, expected one of ${allowed.join(', ')} (${expected.format})`);
  }
  if (expected.boolean !== undefined) {
    const got = booleanResult(text, type);
    if (got !== expected.boolean) problems.push(`boolean result ${got}, expected ${expected.boolean}`);
  }
  if (expected.format === 'RDF' && (type === 'text/turtle' || type === 'application/n-triples')) {
    try {
      new Parser({ baseIRI: url }).parse(text);
    } catch (error) {
      problems.push(`the RDF response does not parse: ${(error as Error).message}`);
    }
  }
  if (expected.body) {
    const want = await canonical(substitute(expected.body.chars, variables), 'text/turtle', url);
    const got = await canonical(text, type ?? '', url).catch(
      (error: Error) => `unparsable: ${error.message}`,
    );
    if (got !== want)
      problems.push(`the graph differs from the expected one.\nexpected:\n${want}\ngot:\n${got}`);
  }
  return problems;
}

/** A graph as canonical N-Quads (URDNA2015), so isomorphic graphs compare equal whatever their blank node labels. */
async function canonical(text: string, type: string, base: string): Promise<string> {
  const format = type === 'application/n-triples' ? 'N-Triples' : 'Turtle';
  const quads = new Parser({ baseIRI: base, format }).parse(text);
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString(quads);
  const canonize = jsonld.canonize as unknown as (input: string, options: object) => Promise<string>;
  return canonize(nquads, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads' });
}

function booleanResult(text: string, type: string | undefined): boolean | undefined {
  if (type === 'application/sparql-results+json') return (JSON.parse(text) as { boolean?: boolean }).boolean;
  if (type === 'application/sparql-results+xml') {
    const match = /<boolean>\s*(true|false)\s*<\/boolean>/.exec(text);
    return match ? match[1] === 'true' : undefined;
  }
  return undefined;
}

/** A body in the manifest's cnt:characterEncoding; UTF-16 as the IANA charset writes it (big-endian, BOM). */
function encode(body: TextBody, variables: Map<string, string>): Buffer {
  const chars = substitute(body.chars, variables);
  const encoding = body.encoding.toUpperCase();
  if (encoding === 'UTF-8') return Buffer.from(chars, 'utf8');
  if (encoding === 'UTF-16')
    return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(chars, 'utf16le').swap16()]);
  throw new Error(`no encoder for cnt:characterEncoding ${body.encoding}`);
}

function mapPath(path: string, paths: Array<[string, string]>): string {
  for (const [prefix, replacement] of paths) {
    if (path.startsWith(prefix)) return replacement + path.slice(prefix.length);
  }
  throw new Error(`no endpoint for the manifest path ${path}`);
}

function substitute(text: string, variables: Map<string, string>): string {
  let out = text;
  for (const [name, value] of variables) out = out.replaceAll(name, value);
  return out;
}

const matches = (expected: StatusExpectation, status: number): boolean =>
  'code' in expected ? expected.code === status : Math.floor(status / 100) === expected.class;

const describe = (expected: StatusExpectation): string =>
  'code' in expected ? String(expected.code) : `${expected.class}xx`;

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Same media type, and the same charset when the expectation names one. */
function sameContentType(got: string, expected: string): boolean {
  if (mediaType(got) !== mediaType(expected)) return false;
  const charset = (value: string) => /charset=([^;]+)/i.exec(value)?.[1]?.trim().toLowerCase();
  return charset(expected) === undefined || charset(expected) === charset(got);
}
