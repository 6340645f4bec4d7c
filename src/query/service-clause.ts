// One left-to-right scan over IRIs, strings and comments, so a `#` inside an IRI is not a comment.
const TOKENS =
  /<[^<>\s"{}|^`\\]*>|'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g;

/**
 * True when a query contains a SERVICE clause, i.e. must be federated. Comments, strings and IRIs are
 * blanked first so that `# SERVICE`, `"SERVICE"` or `<http://x/SERVICE>` do not count.
 */
export function hasServiceClause(query: string): boolean {
  const code = query.replace(TOKENS, (token) => (token.startsWith('<') ? '<>' : ' '));
  return /(^|[\s{}.;])SERVICE\s+(SILENT\s+)?[<?$:\w]/i.test(code);
}
