// sparqljs reports a syntax error as a Jison dump: the whole line, a caret, and every token the grammar
// allowed there (dozens). People need where, what, and the few things that could have come instead.

interface JisonHash {
  text?: string;
  token?: string;
  loc?: { first_line?: number; first_column?: number };
  expected?: string[];
}

export type ExpectedKind = 'query' | 'update';

/** Names for the grammar's token classes; keywords are shown as they are written. */
const TOKEN_NAMES: Record<string, string> = {
  IRIREF: 'an IRI',
  PNAME_NS: 'a prefixed name',
  PNAME_LN: 'a prefixed name',
  VAR: 'a variable',
  NIL: '()',
  ANON: '[]',
  BLANK_NODE_LABEL: 'a blank node',
  INTEGER: 'a literal',
  DECIMAL: 'a literal',
  DOUBLE: 'a literal',
  BOOLEAN: 'a literal',
  STRING_LITERAL1: 'a literal',
  STRING_LITERAL2: 'a literal',
  STRING_LITERAL_LONG1: 'a literal',
  STRING_LITERAL_LONG2: 'a literal',
  INSERTDATA: 'INSERT DATA',
  DELETEDATA: 'DELETE DATA',
  DELETEWHERE: 'DELETE WHERE',
  EOF: 'the end of the text',
};
const SKIPPED = /^(FUNC_|INTEGER_|DECIMAL_|DOUBLE_|LANGTAG|INVALID)/;
const MAX_EXPECTED = 8;
const QUERY_FORMS = ['SELECT', 'CONSTRUCT', 'DESCRIBE', 'ASK'];
const UPDATE_FORMS = ['INSERT', 'DELETE', 'LOAD', 'CLEAR', 'DROP', 'CREATE', 'ADD', 'MOVE', 'COPY', 'WITH'];

/**
 * One line for a SPARQL syntax error: `line L, column C: unexpected "tok"; expected A, B or C`. Errors
 * that are not Jison's (sparqljs's own checks, such as an ungrouped variable) keep their first line.
 */
export function readableParseError(error: unknown, text: string, kind: ExpectedKind): string {
  const { message, hash } = error as { message?: string; hash?: JisonHash };
  const line = hash?.loc?.first_line;
  const column = hash?.loc?.first_column;
  if (!hash || line === undefined || column === undefined)
    return (message ?? String(error)).split('\n')[0] ?? String(error);
  const lines = text.split('\n');
  const where = lineOfToken(lines, line, column, hash.text);
  const at = tokenAt(lines[where.line - 1] ?? '', where.column, hash);
  return `line ${where.line}, column ${at.column + 1}: unexpected ${at.found}; expected ${expectation(hash.expected ?? [], kind)}`;
}

/** Jison's location can point at the token before the rejected one, which may be on a later line. */
function lineOfToken(
  lines: string[],
  line: number,
  column: number,
  token: string | undefined,
): { line: number; column: number } {
  if (!token) return { line, column };
  for (let at = line; at <= lines.length; at++) {
    const from = at === line ? column : 0;
    if ((lines[at - 1] ?? '').indexOf(token, from) >= 0) return { line: at, column: from };
  }
  return { line, column };
}

/**
 * The offending token as written, and where. Jison's location of a token it rejects can start at the
 * token before, so the token's text is looked for from there, and shown with the rest of its word (for
 * a character it could not lex, Jison gives only that character).
 */
function tokenAt(lineText: string, column: number, hash: JisonHash): { column: number; found: string } {
  if (hash.token === 'EOF' || hash.token === '$end') return { column, found: 'end of text' };
  const lexed = hash.text ? lineText.indexOf(hash.text, column) : -1;
  const start = lexed >= 0 ? lexed : column;
  const word = /^(\w+|\S)/.exec(lineText.slice(start))?.[0] ?? '';
  if (word === '') return { column: start, found: 'end of text' };
  return { column: start, found: JSON.stringify(word.length > 30 ? `${word.slice(0, 30)}…` : word) };
}

function expectation(expected: string[], kind: ExpectedKind): string {
  const tokens = expected.map((token) => token.replace(/^'|'$/g, ''));
  if (tokens.includes('SELECT') && tokens.includes('INSERTDATA'))
    return kind === 'query'
      ? `${list(QUERY_FORMS)} or a prologue (BASE, PREFIX)`
      : `${list(UPDATE_FORMS)} or a prologue (BASE, PREFIX)`;
  const names: string[] = [];
  for (const token of tokens) {
    if (SKIPPED.test(token)) continue;
    const name = TOKEN_NAMES[token] ?? (/^[A-Z_]+$/.test(token) ? token : `"${token}"`);
    if (!names.includes(name)) names.push(name);
  }
  if (names.length > MAX_EXPECTED) return `${list(names.slice(0, MAX_EXPECTED - 1))}, …`;
  return names.length > 0 ? orList(names) : 'something else';
}

const list = (items: string[]): string => items.join(', ');
const orList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
