import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALIGNMENT_RULES,
  inferNamespaces,
  readTriplesFile,
  validateOntology,
} from '../../src/ontology/index.ts';
import { NS } from '../../src/vocab.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/ontology');
const EX = 'http://example.org/onto#';

/** The term each rule's broken fixture (test/fixtures/ontology/<rule>.ttl) must be reported for. */
const EXPECTED: Record<string, string[]> = {
  'term-defined': [`${NS.prov}wasGenratedBy`],
  'class-reaches-prov': [`${EX}Floating`],
  'property-reaches-prov': [`${EX}follows`],
  'datatype-property-anchored': [`${EX}nickname`],
  'no-subclass-cycle': [`${EX}A`, `${EX}B`],
  'no-subproperty-cycle': [`${EX}p`, `${EX}q`],
  'disjoint-classes': [`${EX}Hybrid`],
  'domain-compatible': [`${EX}consumed`],
  'range-compatible': [`${EX}consumed`],
  'label-and-comment': [`${EX}Run`],
};

describe('validateOntology', () => {
  it('finds the shipped PROV-ML clean under every rule', async () => {
    const report = await validateOntology(undefined);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.namespaces).toEqual([NS.provml]);
    expect(report.rules).toEqual(ALIGNMENT_RULES.map((rule) => rule.id));
  });

  it('has a broken fixture for every rule', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(ALIGNMENT_RULES.map((rule) => rule.id).sort());
  });

  it.each(Object.entries(EXPECTED))(
    'rule %s fires on its broken fixture, naming the term',
    async (rule, terms) => {
      const report = await validateOntology([join(FIXTURES, `${rule}.ttl`)]);
      expect(report.ok).toBe(false);
      const fired = report.violations.filter((v) => v.rule === rule);
      expect(fired.map((v) => v.term).sort()).toEqual([...terms].sort());
      for (const violation of fired)
        expect(violation.message).toContain(violation.term.replace(NS.prov, 'prov:'));
    },
  );

  it('checks another PROV extension, inferring its namespace', async () => {
    const report = await validateOntology([join(FIXTURES, 'clean-extension.ttl')]);
    expect(report.namespaces).toEqual([EX]);
    expect(report.violations).toEqual([]);
  });

  it('checks only the namespaces it is given', async () => {
    const file = join(FIXTURES, 'class-reaches-prov.ttl');
    const elsewhere = await validateOntology([file], { namespaces: ['http://example.org/other#'] });
    expect(elsewhere.violations.filter((v) => v.rule === 'class-reaches-prov')).toEqual([]);
    const given = await validateOntology([file], { namespaces: [EX] });
    expect(given.violations.map((v) => v.term)).toContain(`${EX}Floating`);
  });

  it('infers no standard namespace, and falls back to the ontology IRI', async () => {
    expect(inferNamespaces(await readTriplesFile(join(FIXTURES, 'term-defined.ttl')))).toEqual([EX]);
    const onlyHeader = await readTriplesFile(join(FIXTURES, 'clean-extension.ttl'));
    const header = onlyHeader.filter((q) => q.subject.value === 'http://example.org/onto');
    expect(inferNamespaces(header)).toEqual(['http://example.org/onto#']);
  });
});
