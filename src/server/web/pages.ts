import type { WebBundle } from './assets.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const NAV = [
  ['/#/runs', 'Runs'],
  ['/#/compare', 'Compare'],
  ['/#/lineage', 'Lineage'],
  ['/sparql', 'SPARQL'],
  ['/#/ontology', 'Ontology'],
] as const;

function page(title: string, head: string[], body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${head.join('\n')}
</head>
<body>
<header class="top"><a class="brand" href="/#/runs">provml</a><nav>${NAV.map(
    ([href, label]) => `<a href="${href}" data-nav="${label.toLowerCase()}">${label}</a>`,
  ).join('')}</nav></header>
${body}
</body>
</html>
`;
}

const css = (name: string | undefined): string =>
  name ? `<link rel="stylesheet" href="/assets/${name}">` : '';
const script = (name: string | undefined, module = true): string =>
  name ? `<script${module ? ' type="module"' : ''} src="/assets/${name}"></script>` : '';

/** The page at /: runs, comparison, lineage and ontology views (hash-routed by app.js). */
export function appPage(bundle: WebBundle): string {
  return page(
    'provml',
    [css(bundle.names['app.css']), script(bundle.names['app.js'])],
    '<main id="view" aria-live="polite"></main>',
  );
}

/** The SPARQL editor at GET /sparql for browsers: Yasgui, with the catalog beside it. */
export function sparqlPage(bundle: WebBundle): string {
  return page(
    'provml · SPARQL',
    [
      css(bundle.names['yasgui.css']),
      css(bundle.names['app.css']),
      css(bundle.names['sparql.css']),
      script(bundle.names['yasgui.js'], false),
      script(bundle.names['sparql.js']),
    ],
    '<main class="sparql"><aside id="catalog"></aside><section id="yasgui"></section></main>',
  );
}
