import { describe, expect, it } from 'vitest';
import { prepareQuery, prepareUpdate } from '../../../../src/store/index.ts';
import {
  rewriteQueryDefaultGraph,
  rewriteUpdate,
} from '../../../../src/store/remote/virtuoso/default-graph.ts';

// provml's default graph lives in a stand-in named graph on Virtuoso; updates and GRAPH-using queries are
// rewritten so their default-graph parts address it and their GRAPH blocks stay untouched.

const D = 'urn:provml:default';
const named = async () => ['urn:g1', 'urn:g2'];
const rewrite = (update: string) => rewriteUpdate(prepareUpdate(update).parsed, D, { namedGraphs: named });
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('rewriteUpdate', () => {
  it.each([
    [
      'INSERT DATA with default and named triples',
      'INSERT DATA { <urn:a> <urn:p> "d" . GRAPH <urn:g1> { <urn:b> <urn:p> "n" } }',
      ['GRAPH <urn:provml:default> { <urn:a> <urn:p> "d". }', 'GRAPH <urn:g1> { <urn:b> <urn:p> "n". }'],
    ],
    ['DELETE DATA', 'DELETE DATA { <urn:a> <urn:p> "d" }', ['DELETE DATA { GRAPH <urn:provml:default> {']],
    ['DELETE WHERE', 'DELETE WHERE { ?s <urn:p> ?o }', ['DELETE WHERE { GRAPH <urn:provml:default> {']],
    [
      'INSERT … WHERE across graphs',
      'INSERT { ?s <urn:q> ?o } WHERE { GRAPH <urn:g1> { ?s <urn:p> ?o } FILTER NOT EXISTS { ?s <urn:q> ?x } }',
      [
        'INSERT { GRAPH <urn:provml:default> { ?s <urn:q> ?o. } }',
        'WHERE { GRAPH <urn:g1> { ?s <urn:p> ?o. } FILTER(NOT EXISTS { GRAPH <urn:provml:default> { ?s <urn:q> ?x. } })',
      ],
    ],
    [
      'OPTIONAL, UNION and MINUS blocks',
      'DELETE { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { ?s <urn:r> ?o } OPTIONAL { ?s <urn:z> ?z } MINUS { ?s <urn:m> ?m } }',
      ['OPTIONAL { GRAPH <urn:provml:default> { ?s <urn:z> ?z. } }', 'MINUS { GRAPH <urn:provml:default>'],
    ],
    [
      'WITH is the client’s choice',
      'WITH <urn:g1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }',
      ['WITH <urn:g1>'],
    ],
    ['CLEAR DEFAULT', 'CLEAR DEFAULT', ['CLEAR GRAPH <urn:provml:default>']],
    [
      'DROP ALL: each provml graph, never the engine’s own',
      'DROP ALL',
      ['DROP SILENT GRAPH <urn:provml:default>', 'DROP SILENT GRAPH <urn:g1>', 'DROP SILENT GRAPH <urn:g2>'],
    ],
    ['DROP NAMED', 'DROP NAMED', ['DROP SILENT GRAPH <urn:g1>; DROP SILENT GRAPH <urn:g2>']],
    ['COPY DEFAULT TO a graph', 'COPY DEFAULT TO <urn:g2>', ['COPY <urn:provml:default> TO <urn:g2>']],
  ])('%s', async (_case, update, fragments) => {
    const text = flat(await rewrite(update));
    for (const fragment of fragments) expect(text).toContain(flat(fragment));
  });

  it('never leaves a default-graph triple outside GRAPH', async () => {
    const text = flat(await rewrite('INSERT DATA { <urn:a> <urn:p> "d" }'));
    expect(text).toBe('INSERT DATA { GRAPH <urn:provml:default> { <urn:a> <urn:p> "d". } }');
  });

  it('resolves relative IRIs against the base', async () => {
    const parsed = prepareUpdate('INSERT DATA { <a> <p> "d" }', { baseIri: 'http://example.org/' }).parsed;
    const text = await rewriteUpdate(parsed, D, { namedGraphs: named });
    expect(text).toContain('<http://example.org/a>');
  });
});

describe('rewriteQueryDefaultGraph', () => {
  it('moves default-graph patterns into the stand-in and keeps GRAPH blocks', () => {
    const text = flat(
      rewriteQueryDefaultGraph(
        prepareQuery('SELECT ?s WHERE { ?s <urn:p> ?o . GRAPH ?g { ?s <urn:q> ?x } }').parsed,
        D,
      ),
    );
    expect(text).toContain('GRAPH <urn:provml:default> { ?s <urn:p> ?o. }');
    expect(text).toContain('GRAPH ?g { ?s <urn:q> ?x. }');
  });
});
