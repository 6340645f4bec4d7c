import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaptureEvent, EVENT_TYPES, fromFlowcept } from '../../src/capture/index.ts';
import { iriToNTriples, type QuadData } from '../../src/rdf/index.ts';
import { askBoolean, type MemoryStore, openMemoryStore } from '../../src/store/index.ts';
import { translateEvent } from '../../src/translate/index.ts';
import {
  CLASSES,
  DATA_PROPERTIES,
  INDIVIDUALS,
  NS,
  OBJECT_PROPERTIES,
  provml,
  rdf,
} from '../../src/vocab.ts';
import { readEvents, readJson } from './helpers.ts';

const ontologyFile = new URL('../../ontology/prov-ml.ttl', import.meta.url);
const provFile = new URL('../../ontology/imports/prov-o.nq', import.meta.url);

// Every event of every fixture, including the Flowcept mapping.
const flowcept = fromFlowcept(readJson('events/flowcept-messages.json'));
const allEvents: CaptureEvent[] = [
  ...[
    'lifecycle.json',
    'workflow-started.json',
    'workflow-ended.json',
    'task-started-section.json',
    'task-updated.json',
    'section-metrics.json',
    'task-ended-alone.json',
    'model-saved.json',
    'evaluation.json',
    'dataset-registered.json',
    'plan-declared.json',
  ].flatMap(readEvents),
  ...(flowcept.ok ? flowcept.events : []),
];

const PROVML_TERMS = new Set<string>(
  [...CLASSES, ...OBJECT_PROPERTIES, ...DATA_PROPERTIES, ...INDIVIDUALS].map(provml),
);
const EXTERNAL = [NS.prov, NS.mls, NS.rdf, NS.rdfs, NS.xsd];

/** Predicates, rdf:type classes and provml individuals used as objects. */
function termsOf(quads: QuadData[]): Set<string> {
  const terms = new Set<string>();
  for (const q of quads) {
    terms.add(q.predicate.value);
    const isType = q.predicate.value === rdf('type');
    if (q.object.termType === 'NamedNode' && (isType || q.object.value.startsWith(NS.provml)))
      terms.add(q.object.value);
    if (q.object.termType === 'Literal') terms.add(q.object.datatype.value);
  }
  return terms;
}

async function loadFile(url: URL, format: 'text/turtle' | 'application/n-quads'): Promise<MemoryStore> {
  if (!existsSync(url)) throw new Error(`Missing shipped ontology file ${url.pathname}`);
  const store = await openMemoryStore();
  await store.load(readFileSync(url, 'utf8'), { format });
  return store;
}

async function isDeclared(store: MemoryStore, term: string): Promise<boolean> {
  return askBoolean(store, `ASK { GRAPH ?g { ${iriToNTriples(term)} a ?kind } } `).then(
    async (inNamed) => inNamed || askBoolean(store, `ASK { ${iriToNTriples(term)} a ?kind }`),
  );
}

describe('every emitted term is defined', () => {
  let ontology: MemoryStore;
  let provO: MemoryStore;
  beforeAll(async () => {
    ontology = await loadFile(ontologyFile, 'text/turtle');
    provO = await loadFile(provFile, 'application/n-quads');
  });

  it('the fixtures cover every event type', () => {
    expect(new Set(allEvents.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it.each(EVENT_TYPES)(
    '%s: provml terms come from src/vocab.ts, others from PROV-O / MLS / RDF(S) / XSD',
    (type) => {
      const terms = termsOf(allEvents.filter((e) => e.type === type).flatMap(translateEvent));
      expect(terms.size).toBeGreaterThan(3);
      const outside = [...terms].filter(
        (t) => !PROVML_TERMS.has(t) && !EXTERNAL.some((ns) => t.startsWith(ns)),
      );
      expect(outside).toEqual([]);
    },
  );

  it.each(EVENT_TYPES)('%s: every provml term used is declared in ontology/prov-ml.ttl', async (type) => {
    const terms = termsOf(allEvents.filter((e) => e.type === type).flatMap(translateEvent));
    const missing: string[] = [];
    for (const term of terms)
      if (term.startsWith(NS.provml) && !(await isDeclared(ontology, term))) missing.push(term);
    expect(missing).toEqual([]);
  });

  it.each(EVENT_TYPES)('%s: every prov: term used is declared in the shipped PROV-O', async (type) => {
    const terms = termsOf(allEvents.filter((e) => e.type === type).flatMap(translateEvent));
    const missing: string[] = [];
    for (const term of terms)
      if (term.startsWith(NS.prov) && !(await isDeclared(provO, term))) missing.push(term);
    expect(missing).toEqual([]);
  });
});
