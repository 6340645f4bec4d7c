import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERIES_TYPE } from '../../src/capture/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { openTestStore } from '../support/test-store.ts';
import { settledThrough } from './fixture.ts';

// POST /api/v1/events with metric series (src/capture/series.ts): the same events, counts, findings and
// conflicts as the per-line evaluations they stand for, reported at the series' line.

const floats = (values: number[]): string => {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((value, k) => {
    bytes.writeDoubleLE(value, k * 8);
  });
  return bytes.toString('base64');
};

const RUN = 'series-run';
const SCHEMA = 'provml/1';
const started = [
  {
    type: 'workflow.started',
    schema: SCHEMA,
    id: 's-w',
    time: '2025-12-04T00:00:00.000Z',
    workflowExecutionId: RUN,
    name: 'train',
  },
  {
    type: 'task.started',
    schema: SCHEMA,
    id: 's-t',
    time: '2025-12-04T00:00:00.000Z',
    workflowExecutionId: RUN,
    taskId: 'epoch-1',
    name: 'epoch',
    stage: 'training',
    section: { kind: 'epoch', index: 1 },
  },
];
const TASK = {
  workflowExecutionId: RUN,
  taskId: 'epoch-1',
  stage: 'training',
  section: { kind: 'epoch', index: 1 },
};
const series = {
  type: SERIES_TYPE,
  count: 3,
  schema: SCHEMA,
  idPrefix: 'e-s-',
  firstId: 1,
  measures: ['loss', 'accuracy'],
  measure: Buffer.from([0, 1, 0]).toString('base64'),
  times: floats([1764806401.5, 1764806401.5, 1764806402.25]),
  values: floats([0.75, 0.5, 0.625]),
  ...TASK,
};
const perLine = [
  {
    type: 'evaluation',
    schema: SCHEMA,
    id: 'e-s-1',
    time: '2025-12-04T00:00:01.500Z',
    measure: 'loss',
    value: 0.75,
    ...TASK,
  },
  {
    type: 'evaluation',
    schema: SCHEMA,
    id: 'e-s-2',
    time: '2025-12-04T00:00:01.500Z',
    measure: 'accuracy',
    value: 0.5,
    ...TASK,
  },
  {
    type: 'evaluation',
    schema: SCHEMA,
    id: 'e-s-3',
    time: '2025-12-04T00:00:02.250Z',
    measure: 'loss',
    value: 0.625,
    ...TASK,
  },
];

let store: ProvStore;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  store = await openTestStore();
  app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
});

afterEach(async () => {
  await store.close();
});

const postNdjson = (items: unknown[]) =>
  request(app)
    .post('/api/v1/events')
    .type('application/x-ndjson')
    .send(`${items.map((item) => JSON.stringify(item)).join('\n')}\n`);

async function quads(): Promise<string[]> {
  const text: string[] = [];
  for await (const chunk of store.dump({ format: 'application/n-quads' })) text.push(String(chunk));
  return text.join('').split('\n').filter(Boolean).sort();
}

describe('POST /api/v1/events with metric series', () => {
  it('records the events a series stands for, exactly as their per-line form', async () => {
    const answer = await postNdjson([...started, series]).expect(202);
    expect(answer.body).toMatchObject({ events: 5, recorded: 5 });
    await settledThrough(app);
    const fromSeries = await quads();
    expect(fromSeries.length).toBeGreaterThan(20);

    const again = await postNdjson(perLine).expect(202);
    expect(again.body).toMatchObject({ events: 3, recorded: 0, unchanged: 3 });
    await settledThrough(app);
    expect(await quads()).toEqual(fromSeries);

    const other = await openTestStore();
    try {
      const otherApp = createApp({ store: other, config: defaultConfig(), logger: silentLogger() });
      const body = `${[...started, ...perLine].map((item) => JSON.stringify(item)).join('\n')}\n`;
      await request(otherApp).post('/api/v1/events').type('application/x-ndjson').send(body).expect(202);
      await settledThrough(otherApp);
      const text: string[] = [];
      for await (const chunk of other.dump({ format: 'application/n-quads' })) text.push(String(chunk));
      expect(text.join('').split('\n').filter(Boolean).sort()).toEqual(fromSeries);
    } finally {
      await other.close();
    }
  });

  it('refuses a malformed series at its line, writing nothing', async () => {
    const before = await quads();
    const answer = await postNdjson([...started, { ...series, values: floats([1]) }]).expect(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ index: 2, line: 3, path: '/values' })]);
    expect(await quads()).toEqual(before);
  });

  it('names the series line of an event recorded before with other content', async () => {
    await postNdjson([...started, ...perLine]).expect(202);
    const changed = { ...series, values: floats([0.75, 0.5, 0.1]) };
    const answer = await postNdjson([started[0], changed]).expect(409);
    expect(answer.body.errors).toEqual([expect.objectContaining({ index: 1, line: 2, id: 'e-s-3' })]);
  });
});
