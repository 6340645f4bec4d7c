import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iriToNTriples, literal, type QuadData, termToNTriples } from '../rdf/index.ts';
import { type MemoryStore, openMemoryStore, selectRows } from '../store/index.ts';
import { NS, sparqlPrefixes, VALIDATION_CHECKED_GRAPH, VALIDATION_IMPORTS_GRAPH } from '../vocab.ts';
import { ALIGNMENT_RULES, type AlignmentRule, type RuleRow } from './alignment-rules.ts';
import { DEFAULT_ONTOLOGY_DIR, importPaths, ONTOLOGY_FILE } from './files.ts';
import { inferNamespaces } from './namespaces.ts';
import { readTriplesFiles } from './parse.ts';

export interface AlignmentViolation {
  rule: string;
  term: string;
  message: string;
}

/** The result of an alignment check: data, whatever it finds (only unreadable input throws). */
export interface AlignmentReport {
  ok: boolean;
  files: string[];
  /** The namespaces whose terms were checked (given, or inferred from the files). */
  namespaces: string[];
  rules: string[];
  violations: AlignmentViolation[];
}

export interface ValidateOntologyOptions {
  /** Namespaces to check; inferred from the files' declared terms when absent. */
  namespaces?: string[];
  /** Where prov-ml.ttl and imports/ are (defaults to this checkout's ontology/). */
  ontologyDir?: string;
}

/**
 * Checks an ontology (by default the shipped PROV-ML) against the alignment rules, with PROV-O and ML Schema
 * always loaded from the shipped imports. Works on any PROV extension: the checked namespace is inferred.
 */
export async function validateOntology(
  files: string[] | undefined,
  options: ValidateOntologyOptions = {},
): Promise<AlignmentReport> {
  const ontologyDir = options.ontologyDir ?? DEFAULT_ONTOLOGY_DIR;
  const checkedFiles = files?.length ? files : [join(ontologyDir, ONTOLOGY_FILE)];
  const store = await openMemoryStore();
  try {
    await store.insert(inGraph(await readTriplesFiles(importPaths(ontologyDir)), VALIDATION_IMPORTS_GRAPH));
    const checked = await readTriplesFiles(checkedFiles);
    await store.insert(inGraph(checked, VALIDATION_CHECKED_GRAPH));
    const namespaces = options.namespaces?.length ? options.namespaces : inferNamespaces(checked);
    const violations: AlignmentViolation[] = [];
    for (const rule of ALIGNMENT_RULES) violations.push(...(await runRule(store, rule, namespaces)));
    return {
      ok: violations.length === 0,
      files: checkedFiles,
      namespaces,
      rules: ALIGNMENT_RULES.map((r) => r.id),
      violations,
    };
  } finally {
    await store.close();
  }
}

async function runRule(
  store: MemoryStore,
  rule: AlignmentRule,
  namespaces: string[],
): Promise<AlignmentViolation[]> {
  const result = await selectRows(store, ruleQuery(rule.query, namespaces), { unionDefaultGraph: true });
  return result.rows.map((binding) => {
    const row: RuleRow = {};
    for (const [name, term] of Object.entries(binding))
      row[name] = term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
    return { rule: rule.id, term: row.term ?? '', message: rule.message(row) };
  });
}

const ruleTexts = new Map<string, string>();

/** The rule's SPARQL with its parameters bound as escaped RDF terms. */
export function ruleQuery(file: string, namespaces: string[]): string {
  let text = ruleTexts.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./rules/${file}`, import.meta.url), 'utf8');
    ruleTexts.set(file, text);
  }
  const ns = (iri: string): string => termToNTriples(literal(iri));
  const own = namespaces.map((iri) => `(${ns(iri)} true)`);
  const foreign = [NS.prov, NS.mls]
    .filter((iri) => !namespaces.includes(iri))
    .map((iri) => `(${ns(iri)} false)`);
  const body = text
    .replaceAll('$ALL_NAMESPACES', [...own, ...foreign].join(' '))
    .replaceAll('$NAMESPACES', namespaces.map(ns).join(' '))
    .replaceAll('$CHECKED', iriToNTriples(VALIDATION_CHECKED_GRAPH))
    .replaceAll('$IMPORTS', iriToNTriples(VALIDATION_IMPORTS_GRAPH));
  return `${sparqlPrefixes()}\n${body}`;
}

function inGraph(quads: QuadData[], graph: string): QuadData[] {
  return quads.map((q) => ({ ...q, graph: { termType: 'NamedNode', value: graph } }));
}
