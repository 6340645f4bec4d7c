import { literal, type QuadData } from '../../../src/rdf/index.ts';

// A small external "domain knowledge graph" of geological formations: what the data sets refer to
// (provml:refersToDomainEntity) and what the federated catalog query joins with.
export const DOMAIN_GRAPH = 'https://kg.example.org/geology';
export const LITHOLOGY = 'https://kg.example.org/geology#lithology';
const GEO = 'https://kg.example.org/geology#';
const LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';

export const FORMATIONS = [
  'Carapebus',
  'ItajaiAcu',
  'Macae',
  'Namorado',
  'Ubatuba',
  'Marambaia',
  'Urucutuca',
  'Parihaka',
  'Moki',
  'Mangahewa',
  'Kapuni',
  'Rakopi',
] as const;
export const LITHOLOGIES = ['Sandstone', 'Shale', 'Carbonate', 'Siltstone'] as const;

export const formationIri = (name: string): string => `${GEO}${name}`;
export const lithologyIri = (name: string): string => `${GEO}${name}`;

/** Formation i has lithology i mod 4: fixed, so query parameters can be chosen without reading the data. */
export function lithologyOf(formation: string): string {
  const index = FORMATIONS.indexOf(formation as (typeof FORMATIONS)[number]);
  return LITHOLOGIES[Math.max(0, index) % LITHOLOGIES.length] ?? 'Sandstone';
}

export function domainGraphQuads(): QuadData[] {
  const graph = { termType: 'NamedNode', value: DOMAIN_GRAPH } as const;
  const quads: QuadData[] = [];
  for (const formation of FORMATIONS) {
    const subject = { termType: 'NamedNode', value: formationIri(formation) } as const;
    quads.push({
      subject,
      predicate: { termType: 'NamedNode', value: LITHOLOGY },
      object: { termType: 'NamedNode', value: lithologyIri(lithologyOf(formation)) },
      graph,
    });
    quads.push({
      subject,
      predicate: { termType: 'NamedNode', value: LABEL },
      object: literal(formation),
      graph,
    });
  }
  return quads;
}
