import { describe, expect, it } from 'vitest';
import { quadsToNQuads } from '../../../src/rdf/index.ts';
import { applyRecords } from '../../../src/store/durable/apply-records.ts';
import type { LoggedOp, LogRecord } from '../../../src/store/durable/wal-format.ts';
import { OxigraphEngine } from '../../../src/store/engine.ts';
import { toEngineQuery } from '../../../src/store/prepare/engine-query.ts';
import { quadsOf } from './helpers.ts';

const EX = 'http://example.org/'; // as in quadsOf
const format = 'application/n-quads' as const;
const bytesLoad = (data: string): LoggedOp => ({ op: 'load', data: Buffer.from(data), format });

const graphSize = (engine: OxigraphEngine, graph: string): number =>
  engine
    .dumpGraph('application/n-triples', { termType: 'NamedNode', value: graph })
    .split('\n')
    .filter((line) => line !== '').length;
const holds = (engine: OxigraphEngine, pattern: string): boolean => {
  const result = engine.query(toEngineQuery(`ASK { ${pattern} }`));
  return result.kind === 'boolean' && result.value;
};

describe('applying log records', () => {
  it('loads runs of bodies larger than a piece, text loads and updates between them, in order', () => {
    const engine = new OxigraphEngine();
    const records: LogRecord[] = [];
    let seq = 0;
    // 3,000 items of 3 quads as 60 bodies of ~200 KiB: well past one 8 MiB piece.
    for (let batch = 0; batch < 60; batch++) {
      const quads = Array.from({ length: 50 }, (_, i) => quadsOf(batch * 50 + i, 3)).flat();
      const data = quadsToNQuads(quads).replace(/"(\d+-\d)"/g, `"$1${'x'.repeat(1200)}"`);
      records.push({ seq: ++seq, op: bytesLoad(data) });
    }
    // An update between loads sees what came before it and nothing after.
    records.push({
      seq: ++seq,
      op: {
        op: 'update',
        text: `DELETE WHERE { GRAPH <${EX}g/main> { <${EX}item/0> ?p ?o } } ; INSERT DATA { <${EX}s> <${EX}before> ${'"yes"'} }`,
      },
    });
    records.push({ seq: ++seq, op: { op: 'load', data: quadsToNQuads(quadsOf(0, 2)), format } });
    records.push({ seq: ++seq, op: bytesLoad(quadsToNQuads(quadsOf(9000, 3))) });
    const failures: number[] = [];
    applyRecords(engine, records, (failed) => failures.push(failed));
    expect(failures).toEqual([]);
    expect(graphSize(engine, `${EX}g/main`)).toBe(3000 * 3 - 3 + 2 + 3);
    expect(holds(engine, `GRAPH <${EX}g/main> { <${EX}item/0> <${EX}p1> "0-1" }`)).toBe(true);
    expect(holds(engine, `GRAPH <${EX}g/main> { <${EX}item/0> <${EX}p2> ?o }`)).toBe(false);
    expect(holds(engine, `<${EX}s> <${EX}before> "yes"`)).toBe(true);
    expect(engine.size).toBe(3000 * 3 - 3 + 2 + 3 + 1);
  });

  it("keeps each record's blank nodes its own, from bytes, from bytes that crossed threads and from text", () => {
    const engine = new OxigraphEngine();
    const blank = `_:b <${EX}p> "v" .\n`;
    // What a Buffer becomes after postMessage: a plain Uint8Array, without Buffer's includes('_:').
    const crossed = structuredClone(new Uint8Array(Buffer.from(blank)));
    expect(Buffer.isBuffer(crossed)).toBe(false);
    applyRecords(
      engine,
      [
        { seq: 1, op: bytesLoad(blank) },
        { seq: 2, op: bytesLoad(blank) },
        { seq: 3, op: { op: 'load', data: blank, format } },
        { seq: 4, op: { op: 'load', data: crossed, format } },
        { seq: 5, op: { op: 'load', data: structuredClone(crossed), format } },
      ],
      () => undefined,
    );
    expect(engine.size).toBe(5);
  });

  it('loads bytes that crossed threads, merged with the records around them', () => {
    const engine = new OxigraphEngine();
    const crossed = (n: number) => structuredClone(new Uint8Array(Buffer.from(quadsToNQuads(quadsOf(n, 3)))));
    applyRecords(
      engine,
      [1, 2, 3].map((n) => ({ seq: n, op: { op: 'load', data: crossed(n), format } })),
      () => undefined,
    );
    expect(graphSize(engine, `${EX}g/main`)).toBe(9);
  });
});
