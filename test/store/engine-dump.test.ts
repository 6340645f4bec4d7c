import { describe, expect, it } from 'vitest';
import { OxigraphEngine } from '../../src/store/engine.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DATA = [
  '<http://ex.org/a> <http://ex.org/p> "in default" .',
  '<http://ex.org/a> <http://ex.org/p> "line\\nbreak . end\\ttab \\"q\\" \\\\" <http://ex.org/g1> .',
  '<http://ex.org/b> <http://ex.org/p> <http://ex.org/c> <http://ex.org/g1> .',
  '<http://ex.org/b> <http://ex.org/p> "été"@fr <http://ex.org/g1> .',
  `_:x <http://ex.org/p> "2"^^<${XSD}integer> <http://ex.org/g2> .`,
  `<http://ex.org/n> <http://ex.org/p> "-1.5"^^<${XSD}decimal> <http://ex.org/g2> .`,
  `<http://ex.org/n> <http://ex.org/p> "1.5E3"^^<${XSD}double> <http://ex.org/g2> .`,
  `<http://ex.org/n> <http://ex.org/p> "true"^^<${XSD}boolean> <http://ex.org/g2> .`,
  '<http://ex.org/n> <http://ex.org/p> "x"^^<http://ex.org/dt> <http://ex.org/g2> .',
  '<http://ex.org/d> <http://ex.org/p> "in a blank-node graph" _:graph .',
].join('\n');

const lines = (pages: Iterable<string>): string[] =>
  [...pages]
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .sort();
// Loading relabels blank nodes; erasing labels compares up to isomorphism (each label is used once).
const unlabelled = (text: string[]): string[] => text.map((l) => l.replace(/_:\w+/g, '_:b')).sort();

function loaded(data = DATA): OxigraphEngine {
  const engine = new OxigraphEngine();
  engine.apply({ op: 'load', data, format: 'application/n-quads' });
  return engine;
}

describe('OxigraphEngine.dumpPages', () => {
  it('gives every quad of every graph, typed literals written out, and loads back the same', () => {
    const dumped = lines(loaded().dumpPages({ triples: false }));
    expect(dumped).toHaveLength(10);
    expect(dumped).toContain(
      `<http://ex.org/n> <http://ex.org/p> "-1.5"^^<${XSD}decimal> <http://ex.org/g2> .`,
    );
    expect(dumped).toContain(
      `<http://ex.org/n> <http://ex.org/p> "true"^^<${XSD}boolean> <http://ex.org/g2> .`,
    );
    expect(dumped).toContain('<http://ex.org/a> <http://ex.org/p> "in default" .');
    const again = lines(loaded(dumped.join('\n')).dumpPages({ triples: false }));
    expect(unlabelled(again)).toEqual(unlabelled(dumped));
    expect(unlabelled(dumped)).toEqual(
      unlabelled(lines([DATA]))
        .map((l) => l.replace('"1.5E3"', '"1500"'))
        .sort(),
    );
  });

  it('reads at most pageQuads quads per page, however many graphs', () => {
    const engine = loaded();
    const pages = [...engine.dumpPages({ triples: false, pageQuads: 2 })];
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const page of pages) expect(page.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(lines(pages)).toEqual(lines(engine.dumpPages({ triples: false })));
  });

  it('one graph: its quads keep their graph name, or become triples', () => {
    const g1 = { termType: 'NamedNode', value: 'http://ex.org/g1' } as const;
    const quads = lines(loaded().dumpPages({ graph: g1, triples: false, pageQuads: 1 }));
    expect(quads).toHaveLength(3);
    for (const line of quads) expect(line.endsWith(' <http://ex.org/g1> .')).toBe(true);
    const triples = lines(loaded().dumpPages({ graph: g1, triples: true }));
    expect(triples).toEqual(quads.map((l) => l.replace(' <http://ex.org/g1> .', ' .')).sort());
    expect(lines(loaded().dumpPages({ triples: true }))).toEqual([
      '<http://ex.org/a> <http://ex.org/p> "in default" .',
    ]);
  });

  it('a snapshot holds the same quads as the pages', () => {
    const engine = loaded();
    expect(lines(engine.snapshotPages())).toEqual(lines(engine.dumpPages({ triples: false })));
  });

  it('hasGraph tells named graphs with quads from absent ones', () => {
    const engine = loaded();
    expect(engine.hasGraph({ termType: 'NamedNode', value: 'http://ex.org/g1' })).toBe(true);
    expect(engine.hasGraph({ termType: 'NamedNode', value: 'http://ex.org/none' })).toBe(false);
  });
});
