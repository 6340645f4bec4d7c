import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTriplesFile, validateData } from '../../src/ontology/index.ts';
import { prov, provml, SHAPES_NS } from '../../src/vocab.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/shapes');
const ID = 'https://w3id.org/provml/id/test/';
const PREFIXES = `@prefix provml: <${provml('')}> . @prefix prov: <${prov('')}> . @prefix : <${ID}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n`;

/** Each node of invalid-lifecycle.ttl and the one shape it breaks. */
const EXPECTED_VIOLATIONS: Array<[string, string]> = [
  ['trainNoStart', 'DataTransformationExecution-startedAtTime'],
  ['orphanValidation', 'LearningStageShape'],
  ['backwards', 'Activity-startedAtTime'],
  ['noPlan', 'DataTransformationExecution-executionOf'],
  ['evalText', 'ModelEvaluation-value'],
  ['evalTwoMeasures', 'ModelEvaluation-hasMeasure'],
  ['lrValue', 'HyperparameterValue-valueOf'],
  ['wfx', 'DerivationShape'],
];

const local = (iri: string, base: string): string => iri.replace(base, '');

describe('validateData (SHACL shapes)', () => {
  it('accepts a complete lifecycle', async () => {
    const report = await validateData({ file: join(FIXTURES, 'valid-lifecycle.ttl') });
    expect(report.results).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('reports each broken node with the shape it breaks, as data', async () => {
    const report = await validateData({ file: join(FIXTURES, 'invalid-lifecycle.ttl') });
    expect(report.conforms).toBe(false);
    const found = report.results.map((r) => [local(r.focusNode, ID), local(r.sourceShape, SHAPES_NS)]);
    expect(found.sort()).toEqual([...EXPECTED_VIOLATIONS].sort());
    expect(report.violations).toBe(EXPECTED_VIOLATIONS.length);
    for (const result of report.results) {
      expect(result.severity).toBe('Violation');
      expect(result.message.length).toBeGreaterThan(10);
    }
    const byFocus = new Map(report.results.map((r) => [local(r.focusNode, ID), r]));
    expect(byFocus.get('evalText')).toMatchObject({ path: prov('value'), value: 'good' });
    expect(byFocus.get('noPlan')?.path).toBe(provml('executionOf'));
  });

  it('checks subclasses through the ontology: a Training is held to the LearningStage shape', async () => {
    const data = `${PREFIXES}:step a provml:DataTransformation .
      :t a provml:Training ; provml:executionOf :step ; prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime .`;
    const report = await validateData({ data, format: 'text/turtle' });
    expect(report.results.map((r) => local(r.sourceShape, SHAPES_NS)).sort()).toEqual([
      'DataTransformationExecution-partOfWorkflowExecution',
      'LearningStageShape',
    ]);
  });

  it('accepts a stage linked to its experiment through its workflow execution', async () => {
    const data = `${PREFIXES}:wf a provml:Workflow . :step a provml:DataTransformation . :exp a provml:LearningExperiment .
      :wfx a provml:WorkflowExecution ; provml:executionOf :wf ; provml:partOfExperiment :exp ;
        prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime .
      :t a provml:Evaluation ; provml:executionOf :step ; provml:partOfWorkflowExecution :wfx ;
        prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime .`;
    expect((await validateData({ data, format: 'turtle' })).results).toEqual([]);
  });

  it('reports warnings apart from violations', async () => {
    const data = `${PREFIXES}:step a provml:DataTransformation .
      :x a provml:DataTransformationExecution ; provml:executionOf :step ; provml:hasStatus provml:Failed ;
        prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime .`;
    const report = await validateData({ data, format: 'text/turtle' });
    expect(report.violations).toBe(0);
    expect(report.warnings).toBe(2); // no workflow execution, failed without an error message
    expect(report.conforms).toBe(false);
    expect(report.results.map((r) => local(r.sourceShape, SHAPES_NS)).sort()).toEqual([
      'DataTransformationExecution-partOfWorkflowExecution',
      'FailedExecutionShape',
    ]);
  });

  it('validates quads, N-Quads and JSON-LD as well as Turtle files', async () => {
    const quads = await readTriplesFile(join(FIXTURES, 'invalid-lifecycle.ttl'));
    const fromQuads = await validateData({ quads });
    expect(fromQuads.violations).toBe(EXPECTED_VIOLATIONS.length);
    const jsonld = JSON.stringify({
      '@context': JSON.parse(
        readFileSync(join(import.meta.dirname, '../../ontology/context.jsonld'), 'utf8'),
      )['@context'],
      '@id': `${ID}e`,
      '@type': 'ModelEvaluation',
      value: 'high',
    });
    const fromJsonLd = await validateData({ data: jsonld, format: 'application/ld+json' });
    expect(fromJsonLd.results.map((r) => local(r.sourceShape, SHAPES_NS)).sort()).toEqual([
      'ModelEvaluation-hasMeasure',
      'ModelEvaluation-value',
    ]);
  });

  it('refuses unreadable input with a message naming the problem', async () => {
    await expect(validateData({ data: '<a> <b> .', format: 'text/turtle' })).rejects.toThrow(
      /data is not valid text\/turtle: .*Parser error/,
    );
    await expect(validateData({ data: '', format: 'text/csv' })).rejects.toThrow(/Unsupported RDF format/);
    await expect(validateData({ file: join(FIXTURES, 'missing.ttl') })).rejects.toThrow(/File not found/);
  });
});
