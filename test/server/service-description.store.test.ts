import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { askBoolean } from '../../src/store/index.ts';
import { NS } from '../../src/vocab.ts';
import { openTestStore } from '../support/test-store.ts';
import { seededApp, text } from './fixture.ts';

async function describedBy(body: string): Promise<(ask: string) => Promise<boolean>> {
  const store = await openTestStore();
  await store.load(body, { format: 'text/turtle' });
  return (ask) =>
    askBoolean(store, `PREFIX sd: <${NS.sd}> PREFIX fmt: <http://www.w3.org/ns/formats/> ASK { ${ask} }`);
}

describe('SPARQL service description (GET /sparql without a query)', () => {
  it('is Turtle by default and names the endpoint as the client reached it', async () => {
    const { app } = await seededApp({ allowedHosts: 'prov.example.org' });
    const res = await request(app).get('/sparql').set('Host', 'prov.example.org:8080').parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/turtle/);
    const ask = await describedBy(res.body);
    expect(await ask('?s a sd:Service ; sd:endpoint <http://prov.example.org:8080/sparql>')).toBe(true);
    expect(await ask('?s sd:supportedLanguage sd:SPARQL11Query, sd:SPARQL11Update')).toBe(true);
    expect(
      await ask('?s sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_CSV, fmt:JSON-LD, fmt:TriG'),
    ).toBe(true);
    expect(await ask('?s sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery')).toBe(true);
    const says = (words: string) =>
      ask(
        `?s sd:defaultDataset/<http://www.w3.org/2000/01/rdf-schema#comment> ?c FILTER(CONTAINS(?c, "${words}"))`,
      );
    expect(await says('the union of all graphs, for the WHERE of an update as for a query')).toBe(true);
    expect(await says('Relative IRIs resolve against http://prov.example.org:8080/sparql')).toBe(true);
    expect(await says('INSERT without GRAPH writes to the stored default graph')).toBe(true);
    expect(await says('An operation that names its dataset gets exactly that dataset')).toBe(true);
    expect(await says('chaining more than 500 operations along one path')).toBe(true);
    expect(await ask('?s sd:inputFormat fmt:JSON-LD, fmt:TriG, fmt:Turtle')).toBe(true);
  });

  it('omits sd:UnionDefaultGraph when the union default graph is off', async () => {
    const { app } = await seededApp({ unionDefaultGraph: false });
    const res = await request(app).get('/sparql').parse(text);
    const ask = await describedBy(res.body);
    expect(await ask('?s sd:endpoint ?e')).toBe(true);
    expect(await ask('?s sd:feature sd:UnionDefaultGraph')).toBe(false);
    expect(
      await ask(
        '?s sd:defaultDataset/<http://www.w3.org/2000/01/rdf-schema#comment> ?c FILTER(CONTAINS(?c, "the default graph is the stored default graph") && CONTAINS(?c, "INSERT without GRAPH writes to the stored default graph"))',
      ),
    ).toBe(true);
  });

  it('falls back to the configured address when the Host header cannot form an IRI', async () => {
    // Only with every Host allowed can one that is not a host name get this far.
    const { app } = await seededApp({ port: 7171, allowedHosts: '*' });
    const res = await request(app).get('/sparql').set('Host', 'bad host>').parse(text);
    const ask = await describedBy(res.body);
    expect(await ask('?s sd:endpoint <http://127.0.0.1:7171/sparql>')).toBe(true);
  });

  it.each([
    [
      'application/n-triples',
      (body: string) =>
        expect(body).toMatch(/<http:\/\/www\.w3\.org\/ns\/sparql-service-description#endpoint>/),
    ],
    [
      'application/ld+json',
      (body: string) =>
        expect(JSON.stringify(JSON.parse(body))).toContain('sparql-service-description#endpoint'),
    ],
    ['application/rdf+xml', (body: string) => expect(body).toContain('<rdf:RDF')],
  ])('is negotiated: %s', async (accept, check) => {
    const { app } = await seededApp();
    const res = await request(app).get('/sparql').set('Accept', accept).parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']?.split(';')[0]).toBe(accept);
    check(res.body);
  });

  it('answers 406 when no RDF type is acceptable', async () => {
    const { app } = await seededApp();
    const res = await request(app).get('/sparql').set('Accept', 'application/sparql-results+json');
    expect(res.status).toBe(406);
  });
});
