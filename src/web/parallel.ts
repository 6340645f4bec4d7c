import { scaleLinear, scaleLog, scalePoint } from 'd3-scale';
import { COLOURS } from './chart.ts';
import { h, shortName, svg } from './dom.ts';

/** One run: its values by axis name (numbers or text, as recorded). */
export interface RunValues {
  execution: string;
  values: Record<string, string | undefined>;
}

interface Axis {
  name: string;
  /** Pixel position (from the top) of a value, undefined for a value the axis cannot place. */
  place: (value: string | undefined) => number | undefined;
  ticks: Array<{ y: number; label: string }>;
}

const HEIGHT = 300;
const TOP = 36;
const BOTTOM = 16;
const SPACING = 180;
const SIDE = 60;

const numeric = (values: string[]): number[] | undefined => {
  const numbers = values.map(Number);
  return values.length > 0 && numbers.every(Number.isFinite) ? numbers : undefined;
};

/**
 * An axis for the values seen: linear for numbers (logarithmic when they are positive and span two orders of
 * magnitude, as learning rates do), a point scale for text.
 */
function axisFor(name: string, seen: string[]): Axis {
  const range: [number, number] = [HEIGHT - BOTTOM, TOP];
  const numbers = numeric(seen);
  if (numbers) {
    const low = Math.min(...numbers);
    const high = Math.max(...numbers);
    const logarithmic = low > 0 && high / low >= 100;
    const scale = logarithmic
      ? scaleLog().domain([low, high]).range(range).nice()
      : scaleLinear()
          .domain(low === high ? [low - 1, high + 1] : [low, high])
          .range(range)
          .nice();
    // Plain numbers (0.001, not SI's "1m").
    const format = scale.tickFormat(5, logarithmic ? '~g' : undefined);
    return {
      name,
      place: (value) =>
        value === undefined || !Number.isFinite(Number(value)) ? undefined : scale(Number(value)),
      ticks: scale.ticks(5).map((tick) => ({ y: scale(tick), label: format(tick) })),
    };
  }
  const scale = scalePoint<string>()
    .domain([...new Set(seen)].sort())
    .range(range)
    .padding(0.5);
  return {
    name,
    place: (value) => (value === undefined ? undefined : scale(value)),
    ticks: scale.domain().map((label) => ({ y: scale(label) ?? 0, label })),
  };
}

/**
 * Parallel coordinates (d3-scale for the axes): one vertical axis per hyperparameter and the chosen metric
 * last, one line per run through its values, in the run's colour of the line charts. A run without a
 * value on an axis has a gap there. The SVG says what it draws: data-lines, data-metric, and each line its
 * data-execution and data-value. An empty `metric`: the hyperparameters alone.
 */
export function parallelCoordinates(names: string[], metric: string, runs: RunValues[]): HTMLElement {
  const box = h('figure', { class: 'chart parallel', 'data-title': 'parallel coordinates' });
  box.append(h('figcaption', {}, metric ? `Hyperparameters against ${metric}` : 'Hyperparameters'));
  const dimensions = metric ? [...names, metric] : names;
  const axes = dimensions.map((name) =>
    axisFor(
      name,
      runs.flatMap((run) => (run.values[name] === undefined ? [] : [run.values[name] as string])),
    ),
  );
  const width = SIDE * 2 + SPACING * Math.max(1, dimensions.length - 1);
  const x = (index: number): number => SIDE + index * SPACING;
  const picture = svg('svg', {
    width,
    height: HEIGHT,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    role: 'img',
    'aria-label': `parallel coordinates of ${runs.length} runs`,
    'data-lines': runs.length,
    'data-metric': metric,
  });
  for (const [order, run] of runs.entries()) {
    const points = axes.map((axis, index) => [x(index), axis.place(run.values[axis.name])] as const);
    const path = points
      .map(([px, py], index) =>
        py === undefined
          ? ''
          : `${index === 0 || points[index - 1]?.[1] === undefined ? 'M' : 'L'}${px},${py}`,
      )
      .join('');
    const value = run.values[metric];
    const line = svg(
      'path',
      {
        class: 'line',
        d: path,
        stroke: COLOURS[order % COLOURS.length],
        'data-execution': run.execution,
        'data-value': value,
      },
      svg(
        'title',
        {},
        `${shortName(run.execution)}: ${dimensions.map((d) => `${d} = ${run.values[d] ?? '—'}`).join(', ')}`,
      ),
    );
    picture.append(line);
  }
  for (const [index, axis] of axes.entries()) {
    const group = svg('g', {
      class: axis.name === metric ? 'axis metric' : 'axis',
      transform: `translate(${x(index)},0)`,
      'data-axis': axis.name,
    });
    group.append(
      svg('line', { y1: TOP, y2: HEIGHT - BOTTOM }),
      svg('text', { class: 'name', y: TOP - 14, 'text-anchor': 'middle' }, axis.name),
      ...axis.ticks.flatMap((tick) => [
        svg('line', { class: 'tick', x1: -4, x2: 0, y1: tick.y, y2: tick.y }),
        svg('text', { x: -7, y: tick.y, dy: '0.32em', 'text-anchor': 'end' }, tick.label),
      ]),
    );
    picture.append(group);
  }
  box.append(h('div', { class: 'plot' }, picture));
  return box;
}
