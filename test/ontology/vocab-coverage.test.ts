import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ONTOLOGY_DIR, ONTOLOGY_FILE, readTriplesFile } from '../../src/ontology/index.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import { CONTEXT_FILE } from '../../src/rdf/index.ts';
import {
  CLASSES,
  DATA_PROPERTIES,
  INDIVIDUALS,
  NS,
  OBJECT_PROPERTIES,
  owl,
  prov,
  provml,
  rdf,
  xsd,
} from '../../src/vocab.ts';

let triples: QuadData[];
const typesOf = (local: string): string[] =>
  triples
    .filter((t) => t.subject.value === provml(local) && t.predicate.value === rdf('type'))
    .map((t) => t.object.value);

beforeAll(async () => {
  triples = await readTriplesFile(join(DEFAULT_ONTOLOGY_DIR, ONTOLOGY_FILE));
});

describe('src/vocab.ts and prov-ml.ttl agree', () => {
  it.each([...CLASSES])('class provml:%s is declared an owl:Class', (name) => {
    expect(typesOf(name)).toContain(owl('Class'));
  });

  it.each([...OBJECT_PROPERTIES])('object property provml:%s is declared', (name) => {
    // provml:provenanceKind annotates classes, so it is an annotation property (see the ontology README).
    expect(typesOf(name)).toContain(
      name === 'provenanceKind' ? owl('AnnotationProperty') : owl('ObjectProperty'),
    );
  });

  it.each([...DATA_PROPERTIES])('datatype property provml:%s is declared', (name) => {
    expect(typesOf(name)).toContain(owl('DatatypeProperty'));
  });

  it.each([...INDIVIDUALS])('individual provml:%s is declared with its class', (name) => {
    const expected =
      name === 'Prospective' || name === 'Retrospective' ? 'ProvenanceKind' : 'ExecutionStatus';
    expect(typesOf(name)).toEqual(expect.arrayContaining([owl('NamedIndividual'), provml(expected)]));
  });

  it('declares no provml term that src/vocab.ts does not list', () => {
    const listed = new Set<string>(
      [...CLASSES, ...OBJECT_PROPERTIES, ...DATA_PROPERTIES, ...INDIVIDUALS].map(provml),
    );
    const declared = new Set(
      triples
        .filter((t) => t.predicate.value === rdf('type') && t.subject.value.startsWith(NS.provml))
        .map((t) => t.subject.value),
    );
    expect([...declared].filter((iri) => !listed.has(iri))).toEqual([]);
  });
});

describe('ontology/context.jsonld', () => {
  const context = JSON.parse(readFileSync(join(DEFAULT_ONTOLOGY_DIR, CONTEXT_FILE), 'utf8')) as {
    '@context': Record<string, unknown>;
  };
  const terms = context['@context'];

  it('has a compact term for every class, property and individual', () => {
    for (const name of [...CLASSES, ...DATA_PROPERTIES, ...INDIVIDUALS])
      expect(terms[name], name).toBe(`provml:${name}`);
    for (const name of OBJECT_PROPERTIES)
      expect((terms[name] as { '@id': string })['@id'], name).toBe(`provml:${name}`);
  });

  it('expands object properties to IRIs, status values to individuals and times to xsd:dateTime', async () => {
    const doc = {
      '@context': terms,
      '@id': 'https://w3id.org/provml/id/t/run',
      '@type': 'Training',
      startedAtTime: '2024-05-01T10:00:00Z',
      executionOf: 'https://w3id.org/provml/id/t/step',
      hasStatus: 'Running',
      name: 'run',
    };
    const [node] = (await jsonld.expand(doc as jsonld.JsonLdDocument)) as unknown as Array<
      Record<string, Array<Record<string, string>>>
    >;
    expect(node?.['@type']).toEqual([provml('Training')]);
    expect(node?.[prov('startedAtTime')]).toEqual([
      { '@value': '2024-05-01T10:00:00Z', '@type': xsd('dateTime') },
    ]);
    expect(node?.[provml('executionOf')]).toEqual([{ '@id': 'https://w3id.org/provml/id/t/step' }]);
    expect(node?.[provml('hasStatus')]).toEqual([{ '@id': provml('Running') }]);
    expect(node?.[provml('name')]).toEqual([{ '@value': 'run' }]);
  });
});
