// The deprecated W3C manifest sparql11/http-rdf-update: prose-only entries, written out as data in
// http-rdf-update/table.ts and run in manifest order on one store (each entry builds on the ones before).
import { describe, expect, it } from 'vitest';
import { HTTP_RDF_UPDATE } from './http-rdf-update/table.ts';
import { manifestFile, readManifest } from './support/manifest.ts';
import { conformanceSuite } from './support/suite.ts';

const entries = readManifest(manifestFile('http-rdf-update'));
const table = new Map(HTTP_RDF_UPDATE);

describe('the http-rdf-update table', () => {
  it('has one row per manifest entry, in the manifest order', () => {
    expect(HTTP_RDF_UPDATE.map(([iri]) => iri)).toEqual(entries.map((entry) => entry.iri));
  });
});

conformanceSuite(
  'W3C SPARQL 1.1 Graph Store Protocol (http-rdf-update, prose)',
  entries.map((entry) => {
    const request = table.get(entry.iri);
    return { ...entry, requests: request ? [request] : [] };
  }),
  {
    paths: [['/store', '/store']],
    variables: (base) => [
      ['$GRAPHSTORE$', 'store'],
      ['$HOST$', base.host],
    ],
    sequential: true,
    entries: 18,
  },
);
