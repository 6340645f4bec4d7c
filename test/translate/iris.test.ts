import { describe, expect, it } from 'vitest';
import { isValidIri } from '../../src/rdf/index.ts';
import {
  dataIri,
  encodeSegment,
  taskExecutionIri,
  workflowExecutionGraph,
  workflowExecutionIri,
  workflowIri,
} from '../../src/translate/index.ts';
import { GRAPH_BASE, ID_BASE } from '../../src/vocab.ts';

describe('minted IRIs', () => {
  it.each([
    ['plain', 'run-1'],
    ['slash and space', 'a/b c'],
    ['IRI-breaking characters', '<x> "y" {z} | ^ ` \\'],
    ['unicode', 'Bacia de Campos – poço 7'],
    ['lone surrogate', 'bad\uD800id'],
    ['percent', '100%'],
  ])('an id with %s yields one valid IRI segment', (_label, id) => {
    const segment = encodeSegment(id);
    expect(segment).not.toContain('/');
    for (const iri of [
      dataIri(id),
      workflowExecutionIri(id),
      workflowExecutionGraph(id),
      taskExecutionIri(id, id),
    ]) {
      expect(isValidIri(iri)).toBe(true);
    }
    expect(dataIri(id)).toBe(`${ID_BASE}data/${segment}`);
    expect(workflowExecutionGraph(id)).toBe(`${GRAPH_BASE}wfexec/${segment}`);
  });

  it('distinct ids give distinct IRIs, and versioned plans differ from unversioned ones', () => {
    expect(dataIri('a/b')).not.toBe(dataIri('a%2Fb'));
    expect(taskExecutionIri('w', 'a/task/b')).not.toBe(taskExecutionIri('w/task/a', 'b'));
    expect(workflowIri('wf', '1')).not.toBe(workflowIri('wf'));
    expect(workflowIri('wf', '')).toBe(workflowIri('wf'));
  });

  it.each([
    ['a lone high surrogate', 'a\uD800b', 'a%EF%BF%BDb'],
    ['a lone low surrogate', 'a\uDC00b', 'a%EF%BF%BDb'],
    ['a surrogate pair', 'a\uD83D\uDE00b', 'a%F0%9F%98%80b'],
    ['no surrogate', 'a é/b', 'a%20%C3%A9%2Fb'],
  ])('encodes an id with %s as encodeURIComponent of its well-formed form', (_label, id, segment) => {
    expect(encodeSegment(id)).toBe(segment);
  });
});
