import sparqljs from 'sparqljs';
import { describe, expect, it } from 'vitest';
import { prepareQuery, prepareUpdate } from '../../../../src/store/index.ts';
import { refuseQuotedTriples } from '../../../../src/store/remote/virtuoso/rdf-star.ts';
import { settleGraphManagement } from '../../../../src/store/remote/virtuoso/update-checks.ts';

// What SPARQL 1.1 says fails is decided before Virtuoso sees the request (it keeps what ran before a failing
// operation); what is sent instead is SILENT, so it cannot fail half-way.

const SYSTEM = 'http://www.openlinksw.com/schemas/virtrdf#';

async function settled(update: string, held: string[]): Promise<{ text: string; asked: string[] }> {
  const asked: string[] = [];
  const parsed = await settleGraphManagement(prepareUpdate(update).parsed, {
    holds: async (iri) => {
      asked.push(iri);
      return held.includes(iri);
    },
    isUserGraph: (iri) => !iri.startsWith(SYSTEM),
  });
  return { text: new sparqljs.Generator().stringify(parsed).replace(/\s+/g, ' ').trim(), asked };
}

describe('settleGraphManagement', () => {
  it('refuses DROP and CLEAR of a graph the store does not hold, naming it', async () => {
    await expect(settled('DROP GRAPH <urn:missing>', [])).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringContaining('DROP GRAPH <urn:missing> failed'),
    });
    await expect(settled('CLEAR GRAPH <urn:missing>', [])).rejects.toMatchObject({ code: 'BadRequest' });
  });

  it('sends a DROP of a held graph SILENT (Virtuoso refuses DROP of a graph it was never told to CREATE)', async () => {
    expect((await settled('DROP GRAPH <urn:g>', ['urn:g'])).text).toBe('DROP SILENT GRAPH <urn:g>');
  });

  it('follows the request: a graph written earlier in it may be dropped, one dropped earlier may not', async () => {
    const written = await settled(
      'INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } } ; DROP GRAPH <urn:g>',
      [],
    );
    expect(written.text).toContain('DROP SILENT GRAPH <urn:g>');
    expect(written.asked).toEqual([]);
    await expect(settled('DROP GRAPH <urn:g> ; DROP GRAPH <urn:g>', ['urn:g'])).rejects.toMatchObject({
      code: 'BadRequest',
    });
    await expect(settled('CREATE GRAPH <urn:g>', ['urn:g'])).rejects.toMatchObject({
      message: expect.stringContaining('already exists'),
    });
  });

  it('gives a graph an earlier template may have written the benefit of the doubt', async () => {
    const maybe = await settled(
      'INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP GRAPH <urn:g>',
      [],
    );
    expect(maybe.text).toContain('DROP SILENT GRAPH <urn:g>');
  });

  it('leaves out DROP SILENT of an engine graph, and refuses DROP of one', async () => {
    expect((await settled(`DROP SILENT GRAPH <${SYSTEM}>`, [SYSTEM])).text).toBe('');
    await expect(settled(`DROP GRAPH <${SYSTEM}>`, [SYSTEM])).rejects.toMatchObject({ code: 'BadRequest' });
  });

  it('leaves an update without graph management as it was parsed', async () => {
    const parsed = prepareUpdate('INSERT DATA { <urn:s> <urn:p> 1 }').parsed;
    const facts = { holds: async () => true, isUserGraph: () => true };
    expect(await settleGraphManagement(parsed, facts)).toBe(parsed);
  });
});

describe('refuseQuotedTriples', () => {
  it.each([
    'INSERT DATA { << <urn:a> <urn:b> <urn:c> >> <urn:p> 1 }',
    'DELETE { ?s <urn:p> 1 } WHERE { << ?s <urn:b> <urn:c> >> <urn:p> 1 }',
  ])('refuses %s', (update) => {
    expect(() => refuseQuotedTriples(prepareUpdate(update).parsed)).toThrow(/quoted triples/);
  });

  it('refuses a query matching one', () => {
    const parsed = prepareQuery('SELECT * WHERE { << ?s ?p ?o >> ?q ?r }').parsed;
    expect(() => refuseQuotedTriples(parsed)).toThrow(/the query was not run/);
  });

  it('lets an update without one through', () => {
    expect(() =>
      refuseQuotedTriples(prepareUpdate('INSERT DATA { <urn:a> <urn:b> <urn:c> }').parsed),
    ).not.toThrow();
  });
});
