import { iriToNTriples } from '../../rdf/index.ts';
import type { SparqlHttp } from './http.ts';
import type { GraphTriples, OutboxWrite } from './records.ts';

// Turns outbox records into requests. Virtuoso refuses blank nodes in INSERT DATA and stops parsing
// a SPARQL text of a few thousand triples ("memory exhausted"), so triples go in chunks, blank nodes
// through INSERT {…} WHERE {} or, better, the Graph Store Protocol, which takes any size.

export interface WriterOptions {
  /** Triples per SPARQL INSERT request (Virtuoso 7.2 fails near 5,000). */
  insertChunk: number;
  /** Triples per Graph Store POST. */
  graphStoreChunk: number;
  timeoutMs: number;
}

export class EngineWriter {
  constructor(
    private readonly http: SparqlHttp,
    private readonly options: WriterOptions,
  ) {}

  async deliver(write: OutboxWrite): Promise<void> {
    switch (write.op) {
      case 'insert':
        await this.insertPlain(write.groups.filter((g) => !g.blank && !this.viaGraphStore(g)));
        for (const group of write.groups.filter((g) => g.blank || this.viaGraphStore(g)))
          await this.insertGroup(group);
        return;
      case 'replaceGraph':
        await this.update(`DROP SILENT GRAPH ${iriToNTriples(write.graph)}`);
        await this.insertGroup({ graph: write.graph, lines: write.lines, blank: write.blank });
        return;
      case 'dropGraph':
        await this.update(`DROP SILENT GRAPH ${iriToNTriples(write.graph)}`);
        return;
    }
  }

  async update(text: string, params: Array<[string, string]> = []): Promise<void> {
    await this.http.update(text, params, this.options.timeoutMs);
  }

  /** Large graphs go through the Graph Store Protocol; small ones share INSERT DATA requests (one request per graph is slow). */
  private viaGraphStore(group: GraphTriples): boolean {
    return this.http.urls.graphStoreUrl !== undefined && group.lines.length > this.options.insertChunk;
  }

  private async insertPlain(groups: GraphTriples[]): Promise<void> {
    let body = '';
    let size = 0;
    for (const group of groups) {
      const graph = iriToNTriples(group.graph);
      for (const chunk of chunks(group.lines, this.options.insertChunk)) {
        if (size > 0 && size + chunk.length > this.options.insertChunk) {
          await this.update(`INSERT DATA {\n${body}}`);
          body = '';
          size = 0;
        }
        body += `GRAPH ${graph} {\n${chunk.join('')}}\n`;
        size += chunk.length;
      }
    }
    if (size > 0) await this.update(`INSERT DATA {\n${body}}`);
  }

  private async insertGroup(group: GraphTriples): Promise<void> {
    if (group.lines.length === 0) return;
    if (this.http.urls.graphStoreUrl) {
      const size = group.blank ? group.lines.length : this.options.graphStoreChunk;
      for (const chunk of chunks(group.lines, size))
        await this.http.graphStorePost(group.graph, chunk.join(''), this.options.timeoutMs);
      return;
    }
    const graph = iriToNTriples(group.graph);
    const size = this.options.insertChunk;
    for (const chunk of chunks(group.lines, size)) {
      const body = chunk.join('');
      await this.update(
        group.blank
          ? `INSERT { GRAPH ${graph} {\n${body}} } WHERE {}`
          : `INSERT DATA { GRAPH ${graph} {\n${body}} }`,
      );
    }
  }
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
