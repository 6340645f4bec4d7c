import { NS } from '../vocab.ts';

/** `prov:Entity` for a known namespace, `<iri>` otherwise: the form messages and tables show. */
export function compactIri(iri: string): string {
  let best: [string, string] | undefined;
  for (const [prefix, ns] of Object.entries(NS)) {
    if (iri.startsWith(ns) && iri.length > ns.length && (!best || ns.length > best[1].length))
      best = [prefix, ns];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
}
