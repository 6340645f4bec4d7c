import type { QueryForm } from './api.ts';

/**
 * Finds the form of a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) by skipping the prologue
 * (comments, BASE and PREFIX declarations). Returns undefined when the text is not a query
 * (for instance an update), leaving the real parse error to the engine.
 */
export function detectQueryForm(text: string): QueryForm | undefined {
  let i = 0;
  const skipSpaceAndComments = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '#') return;
      while (i < text.length && text[i] !== '\n') i++;
    }
  };
  const readWord = (): string => {
    const start = i;
    while (i < text.length && /[A-Za-z]/.test(text[i] ?? '')) i++;
    return text.slice(start, i).toUpperCase();
  };
  const skipIri = (): boolean => {
    skipSpaceAndComments();
    if (text[i] !== '<') return false;
    const end = text.indexOf('>', i);
    if (end < 0) return false;
    i = end + 1;
    return true;
  };
  for (;;) {
    skipSpaceAndComments();
    const word = readWord();
    if (word === 'BASE') {
      if (!skipIri()) return undefined;
    } else if (word === 'PREFIX') {
      skipSpaceAndComments();
      while (i < text.length && text[i] !== ':' && !/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== ':') return undefined;
      i++;
      if (!skipIri()) return undefined;
    } else {
      const forms: Record<string, QueryForm> = {
        SELECT: 'select',
        ASK: 'ask',
        CONSTRUCT: 'construct',
        DESCRIBE: 'describe',
      };
      return forms[word];
    }
  }
}
