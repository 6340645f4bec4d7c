// A bound on XML entity expansion, checked before an RDF/XML document reaches the parser. Oxigraph expands
// the entities of a document's internal DTD subset without a limit, so ten nested declarations of ten
// references each ("billion laughs") make a few hundred bytes expand to gigabytes inside one parse.
import { BadRequestError } from '../errors.ts';

const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const REFERENCE = /&([A-Za-z_:][\w.:-]*);/g;

/**
 * Throws 400 when the document's entities would expand it beyond `maxChars` characters, or when it declares
 * parameter or external entities (never resolved here: nothing is fetched). A document without a DOCTYPE
 * costs one search.
 */
export function checkXmlEntityExpansion(xml: string, maxChars: number): void {
  const doctype = xml.indexOf('<!DOCTYPE');
  if (doctype < 0) return;
  const open = xml.indexOf('[', doctype);
  const tagEnd = xml.indexOf('>', doctype);
  if (open < 0 || (tagEnd >= 0 && tagEnd < open)) return;
  const close = internalSubsetEnd(xml, open + 1);
  const entities = declaredEntities(xml.slice(open + 1, close));
  if (entities.size === 0) return;
  const sizes = new Map<string, number>();
  let total = xml.length;
  for (const match of xml.slice(close).matchAll(REFERENCE)) {
    const name = match[1] ?? '';
    if (!entities.has(name)) continue;
    total += expandedLength(name, entities, sizes, maxChars, new Set()) - match[0].length;
    if (total > maxChars) throw tooLarge(maxChars);
  }
}

/** Where the internal subset ends: the first `]` outside a quoted entity value or a comment. */
function internalSubsetEnd(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < xml.length; i++) {
    const char = xml[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      i = end < 0 ? xml.length : end + 2;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ']') {
      return i;
    }
  }
  return xml.length;
}

/** Internal general entities by name, with their replacement text (before expansion). */
function declaredEntities(subset: string): Map<string, string> {
  const entities = new Map<string, string>();
  const withoutComments = subset.replace(/<!--[\s\S]*?-->/g, '');
  const declaration = /<!ENTITY\s+(%\s+)?([^\s"'>]+)\s+(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b)/g;
  for (const match of withoutComments.matchAll(declaration)) {
    const name = match[2] ?? '';
    if (match[1])
      throw new BadRequestError(
        `The RDF/XML body declares the parameter entity %${name}; parameter entities are not accepted.`,
      );
    if (match[5])
      throw new BadRequestError(
        `The RDF/XML body declares the external entity ${name}; provml fetches nothing, so external entities are not accepted.`,
      );
    // XML keeps the first declaration of a name.
    if (!entities.has(name)) entities.set(name, match[3] ?? match[4] ?? '');
  }
  return entities;
}

/** Length of an entity's replacement text once every entity it references is expanded, capped past `cap`. */
function expandedLength(
  name: string,
  entities: Map<string, string>,
  sizes: Map<string, number>,
  cap: number,
  visiting: Set<string>,
): number {
  const known = sizes.get(name);
  if (known !== undefined) return known;
  if (visiting.has(name))
    throw new BadRequestError(`The RDF/XML body's entity ${name} refers to itself; refused without parsing.`);
  visiting.add(name);
  const value = entities.get(name) ?? '';
  let length = value.length;
  for (const match of value.matchAll(REFERENCE)) {
    const inner = match[1] ?? '';
    if (PREDEFINED.has(inner) || !entities.has(inner)) continue;
    length += expandedLength(inner, entities, sizes, cap, visiting) - match[0].length;
    if (length > cap) throw tooLarge(cap);
  }
  visiting.delete(name);
  sizes.set(name, length);
  return length;
}

const tooLarge = (maxChars: number): BadRequestError =>
  new BadRequestError(
    `The RDF/XML body's entity declarations expand it beyond ${maxChars} characters (the body limit), as in a "billion laughs" document; refused without parsing. Write the text out, or send Turtle or N-Triples.`,
  );
