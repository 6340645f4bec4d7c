// HTTP content negotiation (RFC 9110 §12.5.1): q-values, wildcards, the most specific range wins.

export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  /** Position in the Accept header, to honour the client's order between equal choices. */
  index: number;
}

/** Parses an Accept header; malformed ranges are skipped, an absent or empty header means any type. */
export function parseAccept(header: string | undefined): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const [index, part] of (header ?? '').split(',').entries()) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim());
    const match = /^([\w!#$%&'*+.^`|~-]+)\/([\w!#$%&'*+.^`|~-]+)$/.exec(range.toLowerCase());
    if (!match || (match[1] === '*' && match[2] !== '*')) continue;
    let q = 1;
    for (const param of params) {
      const qMatch = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(param);
      if (qMatch) q = Math.min(1, Number(qMatch[1]));
    }
    ranges.push({ type: match[1] ?? '*', subtype: match[2] ?? '*', q, index });
  }
  return ranges.length > 0 ? ranges : [{ type: '*', subtype: '*', q: 1, index: 0 }];
}

/** Returns the preferred offer, or undefined when the client accepts none (406). Offers are in server order. */
export function negotiate(header: string | undefined, offers: readonly string[]): string | undefined {
  const ranges = parseAccept(header);
  let best: { offer: string; q: number; specificity: number; index: number; order: number } | undefined;
  for (const [order, offer] of offers.entries()) {
    const [type, subtype] = offer.toLowerCase().split('/');
    const range = mostSpecificMatch(ranges, type ?? '', subtype ?? '');
    if (!range || range.q === 0) continue;
    const candidate = { offer, q: range.q, specificity: specificity(range), index: range.index, order };
    if (!best || better(candidate, best)) best = candidate;
  }
  return best?.offer;
}

function mostSpecificMatch(ranges: MediaRange[], type: string, subtype: string): MediaRange | undefined {
  let found: MediaRange | undefined;
  for (const range of ranges) {
    const matches =
      (range.type === '*' || range.type === type) && (range.subtype === '*' || range.subtype === subtype);
    if (matches && (!found || specificity(range) > specificity(found))) found = range;
  }
  return found;
}

const specificity = (range: MediaRange): number => (range.type === '*' ? 0 : range.subtype === '*' ? 1 : 2);

function better(
  a: { q: number; specificity: number; index: number; order: number },
  b: { q: number; specificity: number; index: number; order: number },
): boolean {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  if (a.index !== b.index) return a.index < b.index;
  return a.order < b.order;
}

/** The bare media type of a Content-Type header (lower case, parameters dropped). */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
