import uPlot from 'uplot';
import { h } from './dom.ts';

export interface Series {
  label: string;
  points: Array<[number, number]>;
}

/** One colour per run, in the order the runs are given: the same run has the same colour in every chart. */
export const COLOURS = [
  '#1565c0',
  '#ef6c00',
  '#2e7d32',
  '#c62828',
  '#6a1b9a',
  '#00838f',
  '#9e9d24',
  '#4e342e',
];

/**
 * A line chart (uPlot) of several series over one numeric x axis. The container says what it draws in
 * data-series and data-points, so tests and users' scripts can wait on it.
 */
export function lineChart(title: string, xLabel: string, series: Series[], width = 520): HTMLElement {
  const box = h('figure', { class: 'chart', 'data-title': title });
  box.append(h('figcaption', {}, title));
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  box.dataset.series = String(series.length);
  box.dataset.points = String(series.reduce((sum, s) => sum + s.points.length, 0));
  for (const [index, s] of series.entries()) box.dataset[`points${index}`] = String(s.points.length);
  if (series.length === 0 || xs.length === 0) {
    box.append(h('p', { class: 'empty' }, 'No values yet.'));
    return box;
  }
  const data: uPlot.AlignedData = [
    xs,
    ...series.map((s) => {
      const byX = new Map(s.points);
      return xs.map((x) => byX.get(x) ?? null);
    }),
  ];
  const options: uPlot.Options = {
    width,
    height: 280,
    scales: { x: { time: false } },
    axes: [{ label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, {}],
    series: [
      { label: xLabel },
      ...series.map((s, index) => ({
        label: s.label,
        stroke: COLOURS[index % COLOURS.length],
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6 },
      })),
    ],
  };
  const plot = h('div', { class: 'plot' });
  box.append(plot);
  // uPlot measures its container: draw once the figure is in the document.
  requestAnimationFrame(() => new uPlot(options, data, plot));
  return box;
}
