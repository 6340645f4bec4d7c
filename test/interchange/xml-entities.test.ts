import { describe, expect, it } from 'vitest';
import { checkXmlEntityExpansion } from '../../src/interchange/index.ts';

const doc = (dtd: string, content: string): string =>
  `<?xml version="1.0"?><!DOCTYPE rdf:RDF [${dtd}]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="http://e/s"><p xmlns="http://e/">${content}</p></rdf:Description></rdf:RDF>`;

describe('checkXmlEntityExpansion', () => {
  it('counts the expanded length exactly: accepted at the bound, refused one character past it', () => {
    // &b; expands to 4 × "xyz" = 12 characters in place of its 3-character reference.
    const xml = doc('<!ENTITY a "xyz"><!ENTITY b "&a;&a;&a;&a;">', '&b;');
    const expanded = xml.length + 12 - 3;
    expect(() => checkXmlEntityExpansion(xml, expanded)).not.toThrow();
    expect(() => checkXmlEntityExpansion(xml, expanded - 1)).toThrow(/billion laughs/);
  });

  it('refuses ten levels of ten references long before expanding them', () => {
    let dtd = '<!ENTITY l0 "lol">';
    for (let level = 1; level <= 10; level++) dtd += `<!ENTITY l${level} "${`&l${level - 1};`.repeat(10)}">`;
    expect(() => checkXmlEntityExpansion(doc(dtd, '&l10;'), 64 * 1024 * 1024)).toThrow(/billion laughs/);
  });

  it('refuses parameter entities, external entities and an entity that refers to itself', () => {
    expect(() => checkXmlEntityExpansion(doc('<!ENTITY % p "x">', ''), 1e6)).toThrow(/parameter entity/);
    expect(() => checkXmlEntityExpansion(doc('<!ENTITY e SYSTEM "file:///etc/passwd">', '&e;'), 1e6)).toThrow(
      /external entity/,
    );
    expect(() => checkXmlEntityExpansion(doc('<!ENTITY a "&b;"><!ENTITY b "&a;">', '&a;'), 1e6)).toThrow(
      /refers to itself/,
    );
  });

  it('ignores predefined and character references, undeclared names, comments and documents without a DTD', () => {
    expect(() =>
      checkXmlEntityExpansion(doc('<!-- <!ENTITY % p "x"> ] -->', '&amp;&#65;'), 1e6),
    ).not.toThrow();
    expect(() => checkXmlEntityExpansion('<rdf:RDF>&lt;</rdf:RDF>', 10)).not.toThrow();
    expect(() => checkXmlEntityExpansion(doc('<!ENTITY a "]>">', '&a;&zz;'), 1e6)).not.toThrow();
  });
});
