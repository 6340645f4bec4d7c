import Parser from '@bergos/jsonparse';
import { ProvmlError } from '../errors.ts';
import { fromJsonTerm, type JsonTerm } from './sparql-json.ts';
import type { Term } from './terms.ts';

// SPARQL 1.1 Query Results JSON read as it arrives: the variables, then the rows a page (one piece of the
// body) at a time, each row dropped from the parser once read, so memory holds one page, not the answer.
// Terms are read by fromJsonTerm, as the whole-document reader does. The tokenizer is @bergos/jsonparse (the
// one sparqljson-parse and jsonld-streaming-parser use) without sparqljson-parse's streams, which cost every
// process ~35 ms at load (see sparql-json.ts).

export type SolutionRow = Record<string, Term>;

export interface StreamedSolutions {
  variables: string[];
  /** The rows in order, in pages; the iteration rejects if the document is cut short or malformed. */
  pages: AsyncGenerator<SolutionRow[]>;
}

/**
 * Reads `body` up to the variables (rows an engine sent before its head are kept until then) and answers
 * them with the rest of the rows to pull. `source` names the sender in errors.
 */
export async function streamSolutionsFromJson(
  body: AsyncIterable<Uint8Array>,
  source: string,
): Promise<StreamedSolutions> {
  const reader = new ResultsReader(source);
  const chunks = body[Symbol.asyncIterator]();
  try {
    while (reader.variables === undefined && !reader.complete) {
      const next = await chunks.next();
      if (next.done) break;
      reader.write(next.value);
    }
    // A document without head.vars has none (as solutionsFromJson reads it).
    if (reader.variables === undefined && reader.complete) reader.variables = [];
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
  return { variables: reader.variables ?? [], pages: pagesOf(reader, chunks) };
}

async function* pagesOf(
  reader: ResultsReader,
  chunks: AsyncIterator<Uint8Array>,
): AsyncGenerator<SolutionRow[]> {
  let ended = false;
  try {
    for (;;) {
      const rows = reader.take();
      if (rows.length > 0) yield rows;
      if (ended) break;
      const next = await chunks.next();
      if (next.done) ended = true;
      else reader.write(next.value);
    }
    ended = true;
    if (!reader.complete) reader.cut();
  } finally {
    if (!ended) await chunks.return?.();
  }
}

class ResultsReader {
  variables: string[] | undefined;
  complete = false;
  private rows: SolutionRow[] = [];
  private readonly parser = new Parser();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly source: string) {
    const reader = this;
    this.parser.onValue = function (value) {
      reader.onValue(this, value);
    };
  }

  write(bytes: Uint8Array): void {
    try {
      // Whole characters only: the tokenizer mis-reads a character split across more than two pieces.
      const text = this.decoder.decode(bytes, { stream: true });
      if (text !== '') this.parser.write(Buffer.from(text, 'utf8'));
    } catch (error) {
      if (error instanceof ProvmlError) throw error;
      this.refuse(error instanceof Error ? error.message : String(error), error);
    }
  }

  take(): SolutionRow[] {
    if (this.variables === undefined) return [];
    return this.rows.splice(0);
  }

  refuse(reason: string, cause?: unknown): never {
    throw new ProvmlError('UpstreamFailed', `${this.source} did not answer SPARQL JSON results: ${reason}.`, {
      cause,
    });
  }

  cut(): never {
    throw new ProvmlError(
      'UpstreamFailed',
      `${this.source} ended its SPARQL JSON results before the document's end: the answer was cut short.`,
    );
  }

  private onValue(parser: Parser, value: unknown): void {
    const { stack } = parser;
    if (this.complete) this.refuse('text follows the document');
    if (stack.length === 0) {
      this.complete = true;
    } else if (stack.length === 3 && stack[1]?.key === 'results' && stack[2]?.key === 'bindings') {
      this.rows.push(this.row(value));
      // Read: the parser need not keep it.
      delete parser.value[parser.key as number];
    } else if (stack.length === 2 && stack[1]?.key === 'head' && parser.key === 'vars') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        this.refuse('head.vars is not a list of names');
      this.variables = value;
    }
  }

  private row(value: unknown): SolutionRow {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.refuse('a binding is not an object');
    const row: SolutionRow = {};
    for (const [name, term] of Object.entries(value as Record<string, JsonTerm>)) {
      if (typeof term !== 'object' || term === null || typeof term.type !== 'string')
        this.refuse(`the binding of ?${name} is not an RDF term`);
      row[name] = fromJsonTerm(term);
    }
    return row;
  }
}
