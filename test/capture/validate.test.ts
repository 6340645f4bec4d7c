import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CaptureEvent, EVENT_TYPES, eventJsonSchema, validateBatch } from '../../src/capture/index.ts';

const fixtures = new URL('../fixtures/events/', import.meta.url);
const readEvents = (name: string): CaptureEvent[] =>
  JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const provmlFixtures = readdirSync(fixtures).filter((f) => f.endsWith('.json') && !f.startsWith('flowcept'));

/** One valid event of every type, taken from the realistic lifecycle fixture. */
function sampleOf(type: CaptureEvent['type']): Record<string, unknown> {
  const event = readEvents('lifecycle.json').find((e) => e.type === type);
  if (!event) throw new Error(`lifecycle.json has no ${type} event`);
  return structuredClone(event) as unknown as Record<string, unknown>;
}

describe('validateBatch: valid events', () => {
  it.each(provmlFixtures)('accepts every event of %s', (name) => {
    const events = readEvents(name);
    const result = validateBatch(events);
    expect(result).toEqual({ ok: true, events });
  });

  it('covers every event type in the lifecycle fixture', () => {
    const types = new Set(readEvents('lifecycle.json').map((e) => e.type));
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('keeps unknown extra fields (they become annotations) and accepts an empty batch', () => {
    const event = { ...sampleOf('task.started'), gitCommit: 'abc', nested: { any: [1, 2] } };
    const result = validateBatch([event]);
    expect(result.ok && result.events[0]).toMatchObject({ gitCommit: 'abc', nested: { any: [1, 2] } });
    expect(validateBatch([])).toEqual({ ok: true, events: [] });
  });

  it('accepts the four attribute value forms and the shorthands', () => {
    const event = {
      ...sampleOf('task.ended'),
      used: {
        a: 1,
        b: 'x',
        c: true,
        d: { value: 0.1, role: 'hyperparameter' },
        e: { ref: 'r', kind: 'file' },
        f: { uri: 'urn:x:1' },
      },
      hyperparameters: { lr: 0.1 },
      metrics: { loss: 0.2 },
    };
    expect(validateBatch([event]).ok).toBe(true);
  });
});

// [type, mutation, expected path, message fragment]
const INVALID: Array<[CaptureEvent['type'], (e: Record<string, unknown>) => void, string, string]> = [
  ['workflow.started', (e) => delete e.name, '/name', 'is required'],
  [
    'workflow.started',
    (e) => {
      e.experiment = { name: 'no id' };
    },
    '/experiment/id',
    'is required',
  ],
  [
    'workflow.started',
    (e) => {
      e.pid = -1;
    },
    '/pid',
    'must be >= 0',
  ],
  [
    'workflow.ended',
    (e) => {
      e.status = 'done';
    },
    '/status',
    '"finished", "failed"',
  ],
  [
    'workflow.ended',
    (e) => {
      e.time = '2024-05-01T10:00:00+02:00';
    },
    '/time',
    'UTC',
  ],
  [
    'workflow.ended',
    (e) => {
      e.time = '2016-12-31T23:59:60Z';
    },
    '/time',
    'UTC',
  ],
  [
    'workflow.ended',
    (e) => {
      e.time = '2024-02-30T10:00:00Z';
    },
    '/time',
    'UTC',
  ],
  ['task.started', (e) => delete e.taskId, '/taskId', 'is required'],
  [
    'task.started',
    (e) => {
      e.stage = 'testing';
    },
    '/stage',
    '"training", "validation", "evaluation"',
  ],
  [
    'task.started',
    (e) => {
      e.section = { kind: 'epoch', index: 1.5 };
    },
    '/section/index',
    'integer',
  ],
  [
    'task.started',
    (e) => {
      e.used = { lr: { value: 1, role: 'knob' } };
    },
    '/used/lr/role',
    '"hyperparameter"',
  ],
  [
    'task.started',
    (e) => {
      e.used = { data: { ref: 'x' } };
    },
    '/used/data/kind',
    'is required',
  ],
  [
    'task.started',
    (e) => {
      e.used = { x: [1, 2] };
    },
    '/used/x',
    '{ ref, kind, role? }',
  ],
  [
    'task.started',
    (e) => {
      e.used = { x: { uri: 'not an iri' } };
    },
    '/used/x/uri',
    'absolute IRI',
  ],
  [
    'task.started',
    (e) => {
      e.telemetry = { cpuPercent: 'high' };
    },
    '/telemetry/cpuPercent',
    'number',
  ],
  ['task.ended', (e) => delete e.status, '/status', 'is required'],
  ['task.ended', (e) => delete e.name, '/name', 'is required'],
  [
    'task.ended',
    (e) => {
      e.metrics = { loss: { value: 1 } };
    },
    '/metrics/loss',
    'number',
  ],
  ['model.saved', (e) => delete e.modelId, '/modelId', 'is required'],
  [
    'model.saved',
    (e) => {
      e.sizeBytes = 1.5;
    },
    '/sizeBytes',
    'integer',
  ],
  [
    'model.saved',
    (e) => {
      e.derivedFrom = 'tiles';
    },
    '/derivedFrom',
    'array',
  ],
  ['evaluation', (e) => delete e.value, '/value', 'is required'],
  [
    'evaluation',
    (e) => {
      e.value = null;
    },
    '/value',
    'number',
  ],
  [
    'evaluation',
    (e) => {
      e.measure = '';
    },
    '/measure',
    'non-empty',
  ],
  [
    'dataset.registered',
    (e) => {
      e.kind = 'curated';
    },
    '/kind',
    '"raw", "domain"',
  ],
  [
    'dataset.registered',
    (e) => {
      e.derivedFrom = [{ ref: 'x', kind: 'blob' }];
    },
    '/derivedFrom/0/kind',
    '"raw"',
  ],
  [
    'dataset.registered',
    (e) => {
      e.domainEntities = ['has space'];
    },
    '/domainEntities/0',
    'absolute IRI',
  ],
  [
    'dataset.registered',
    (e) => {
      e.sampleCount = -5;
    },
    '/sampleCount',
    '>= 0',
  ],
];

describe('validateBatch: invalid events name their index and field', () => {
  it.each(INVALID)('%s: %s', (type, mutate, path, fragment) => {
    const good = sampleOf(type);
    const bad = sampleOf(type);
    mutate(bad);
    const result = validateBatch([good, good, bad]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ index: 2, path, message: expect.stringContaining(fragment) });
    expect(result.errors.every((e) => e.index === 2)).toBe(true);
  });

  it('reports every bad event of a batch, not just the first', () => {
    const a = sampleOf('task.ended');
    delete a.taskId;
    const b = sampleOf('evaluation');
    b.value = { no: 'literal' };
    const result = validateBatch([sampleOf('workflow.started'), a, sampleOf('model.saved'), b]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.index, e.path])).toEqual([
      [1, '/taskId'],
      [3, '/value'],
    ]);
  });

  it('rejects a wrong type or schema version, and a non-object or non-array input', () => {
    const result = validateBatch([
      { ...sampleOf('evaluation'), type: 'metric.logged' },
      { ...sampleOf('evaluation'), schema: 'provml/2' },
      42,
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { index: 0, path: '/type', message: expect.stringContaining('"task.ended"') },
      { index: 1, path: '/schema', message: expect.stringContaining('"provml/1"') },
      { index: 2, path: '', message: 'must be an object (a capture event)' },
    ]);
    expect(validateBatch({ events: [] })).toEqual({
      ok: false,
      errors: [{ index: -1, path: '', message: 'the batch must be a JSON array of events' }],
    });
  });
});

describe('validateBatch: measured values are numbers (each becomes a numeric model evaluation)', () => {
  const MEASURE = 'must be a number (or "NaN", "INF", "-INF")';
  type Mutation = (e: Record<string, unknown>) => void;
  const BAD_MEASURES: Array<[string, CaptureEvent['type'], Mutation, string]> = [
    ['an evaluation value "low"', 'evaluation', (e) => Object.assign(e, { value: 'low' }), '/value'],
    ['an evaluation value true', 'evaluation', (e) => Object.assign(e, { value: true }), '/value'],
    [
      'a metrics entry "high"',
      'task.ended',
      (e) => Object.assign(e, { metrics: { acc: 'high' } }),
      '/metrics/acc',
    ],
    [
      'a generated value with role metric',
      'task.ended',
      (e) => Object.assign(e, { generated: { acc: { value: 'good', role: 'metric' } } }),
      '/generated/acc/value',
    ],
  ];
  it.each(BAD_MEASURES)('refuses %s, naming the field once', (_case, type, mutate, path) => {
    const event = sampleOf(type);
    mutate(event);
    const result = validateBatch([event]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ index: 0, path, message: expect.stringContaining(MEASURE) }]);
  });

  it('accepts numbers, NaN and the infinities in XSD spelling, and strings where no measure is meant', () => {
    const event = {
      ...sampleOf('task.ended'),
      metrics: { loss: 'NaN', grad: 'INF', low: '-INF', acc: 0.5 },
      generated: { note: 'converged', tag: { value: 'x', role: 'hyperparameter' } },
    };
    expect(validateBatch([event, { ...sampleOf('evaluation'), value: 'NaN' }]).ok).toBe(true);
  });
});

describe('the published JSON Schema', () => {
  it('is draft 2020-12 and dispatches on every event type', () => {
    const schema = eventJsonSchema as {
      $schema: string;
      properties: { type: { enum: string[] } };
      allOf: unknown[];
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.type.enum).toEqual([...EVENT_TYPES]);
    expect(schema.allOf).toHaveLength(EVENT_TYPES.length);
  });
});
