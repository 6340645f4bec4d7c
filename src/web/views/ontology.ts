import { catalogRows, getJson, type Row } from '../api.ts';
import { errorBox, h, shortName } from '../dom.ts';

const PROVML = 'https://w3id.org/provml#';
const ALIGNED: Array<[string, string]> = [
  ['http://www.w3.org/ns/prov#', 'prov'],
  ['http://www.w3.org/ns/mls#', 'mls'],
];

interface OntologyClass {
  iri: string;
  label: string;
  kind?: string;
  comment?: string;
  parents: string[];
  aligned: string[];
}

interface AlignmentReport {
  ok: boolean;
  rules: string[];
  violations: Array<{ rule: string; term: string; message: string }>;
}

/** The PROV-ML class tree with each class's alignment to PROV-O and ML Schema, and the validator's report. */
export function renderOntology(container: HTMLElement): undefined {
  const tree = h('div', { class: 'tree' }, 'Loading…');
  const report = h('div', { class: 'report' });
  container.append(h('h1', {}, 'PROV-ML ontology'), h('div', { class: 'ontology' }, tree, report));
  catalogRows('ontology-classes')
    .then((rows) => {
      const classes = classesOf(rows);
      const children = new Map<string, OntologyClass[]>();
      for (const c of classes.values())
        for (const parent of c.parents) children.set(parent, [...(children.get(parent) ?? []), c]);
      const roots = [...classes.values()].filter((c) => c.parents.length === 0);
      tree.replaceChildren(
        h(
          'p',
          {},
          `${classes.size} classes. Badges: direct superclasses in PROV-O (prov) and ML Schema (mls).`,
        ),
        list(roots, children),
      );
      container.dataset.classes = String(classes.size);
    })
    .catch((error: unknown) => tree.replaceChildren(errorBox(error)));
  getJson<AlignmentReport>('/api/v1/validate/ontology')
    .then((result) => {
      report.append(
        h('h2', {}, 'Alignment validator'),
        h(
          'p',
          { class: result.ok ? 'ok' : 'error', 'data-ok': String(result.ok) },
          result.ok
            ? `No violations of ${result.rules.length} rules.`
            : `${result.violations.length} violation(s).`,
        ),
        h(
          'ul',
          {},
          ...result.rules.map((rule) =>
            h('li', {}, rule, ' ', result.violations.some((v) => v.rule === rule) ? '✗' : '✓'),
          ),
        ),
        ...(result.violations.length > 0
          ? [
              h(
                'table',
                {},
                ...result.violations.map((v) =>
                  h('tr', {}, h('td', {}, v.rule), h('td', {}, shortName(v.term)), h('td', {}, v.message)),
                ),
              ),
            ]
          : []),
      );
      container.dataset.ready = 'true';
    })
    .catch((error: unknown) => report.append(errorBox(error)));
  return undefined;
}

function classesOf(rows: Row[]): Map<string, OntologyClass> {
  const classes = new Map<string, OntologyClass>();
  for (const row of rows) {
    const iri = row.class ?? '';
    const entry = classes.get(iri) ?? {
      iri,
      label: row.label ?? shortName(iri),
      kind: row.kind,
      comment: row.comment,
      parents: [],
      aligned: [],
    };
    classes.set(iri, entry);
    const parent = row.superClass;
    if (!parent) continue;
    if (parent.startsWith(PROVML)) entry.parents.push(parent);
    else {
      const prefix = ALIGNED.find(([ns]) => parent.startsWith(ns))?.[1];
      entry.aligned.push(prefix ? `${prefix}:${parent.slice(parent.search(/[#/][^#/]*$/) + 1)}` : parent);
    }
  }
  return classes;
}

function list(items: OntologyClass[], children: Map<string, OntologyClass[]>): HTMLElement {
  return h(
    'ul',
    {},
    ...items
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((c) => {
        const below = children.get(c.iri) ?? [];
        return h(
          'li',
          { 'data-class': c.iri },
          h('span', { class: 'class', title: c.comment ?? '' }, `provml:${shortName(c.iri)}`),
          c.kind ? h('span', { class: `kind ${c.kind.toLowerCase()}` }, c.kind) : '',
          ...c.aligned.map((a) => h('span', { class: `badge ${a.split(':')[0]}` }, a)),
          below.length > 0 ? list(below, children) : '',
        );
      }),
  );
}
