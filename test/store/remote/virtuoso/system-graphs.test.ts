import { describe, expect, it } from 'vitest';
import { prepareQuery } from '../../../../src/store/index.ts';
import {
  NO_SYSTEM_GRAPHS,
  needsSystemGraphExclusion,
} from '../../../../src/store/remote/virtuoso/system-graphs.ts';

// Virtuoso's schema graphs are excluded only from queries that could match them (the pragma slows Virtuoso
// and empties GRAPH <iri>): the profile says which predicates and classes they use.

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const system = {
  graphs: ['http://www.openlinksw.com/schemas/virtrdf#'],
  predicates: new Set([RDF_TYPE, LABEL]),
  classes: new Set(['http://www.w3.org/2002/07/owl#Class']),
};
const PREFIXES = 'PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX provml: <https://w3id.org/provml#> ';

describe('needsSystemGraphExclusion', () => {
  it.each([
    [
      'provml predicates and classes only',
      'SELECT * WHERE { ?m a provml:Model ; prov:wasGeneratedBy ?t }',
      false,
    ],
    ['a property path of provml predicates', 'SELECT * WHERE { ?a prov:wasInformedBy? ?r }', false],
    ['`a|a` with a provml class', 'SELECT * WHERE { ?a a|a provml:Model }', false],
    ['`a|a` with a variable class', 'SELECT * WHERE { ?a a|a ?c }', true],
    [
      'a path through a predicate the system graphs use',
      'SELECT * WHERE { ?a prov:used/rdfs:label ?l }',
      true,
    ],
    ['a variable predicate', 'SELECT * WHERE { ?s ?p ?o }', true],
    ['a predicate the system graphs use', 'SELECT * WHERE { ?s rdfs:label ?l }', true],
    ['rdf:type with a variable class', 'SELECT * WHERE { ?s a ?c }', true],
    [
      'rdf:type with a class the system graphs use',
      'SELECT * WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> }',
      true,
    ],
    ['a risky pattern inside OPTIONAL', 'SELECT * WHERE { ?m a provml:Model OPTIONAL { ?m ?p ?o } }', true],
    ['a risky pattern inside FILTER EXISTS', 'ASK { ?m a provml:Model FILTER EXISTS { ?m ?p ?o } }', true],
    ['a risky pattern in GRAPH ?g', 'SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }', true],
    ['a risky pattern only inside GRAPH <iri>', 'SELECT * WHERE { GRAPH <urn:g> { ?s ?p ?o } }', false],
    [
      'GRAPH <iri> anywhere (the pragma would empty it)',
      'SELECT * WHERE { ?s ?p ?o GRAPH <urn:g> { ?s a provml:Model } }',
      false,
    ],
  ])('%s → %s', (_case, query, expected) => {
    const text = `${PREFIXES}PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ${query}`;
    expect(needsSystemGraphExclusion(prepareQuery(text).parsed, system)).toBe(expected);
  });

  it('never on an engine without system graphs', () => {
    expect(
      needsSystemGraphExclusion(prepareQuery('SELECT * WHERE { ?s ?p ?o }').parsed, NO_SYSTEM_GRAPHS),
    ).toBe(false);
  });
});
