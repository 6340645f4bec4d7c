import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import schema from './OpenLineage.schema.json' with { type: 'json' };

// The official OpenLineage JSON Schema, compiled on first use. One deliberate leniency: an eventTime without a
// zone ("2021-11-03T10:53:52.427343", which the OpenLineage Python client writes) is read as UTC instead of
// refused; every other rule is the schema's.

type Definition = 'RunEvent' | 'JobEvent' | 'DatasetEvent';
let validators: Map<Definition, ValidateFunction> | undefined;

const LOCAL_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;

function compile(): Map<Definition, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  const rfc3339 = fullFormats['date-time'] as { validate: (value: string) => boolean };
  ajv.addFormat(
    'date-time',
    (value: string) =>
      (rfc3339.validate(value) || LOCAL_DATE_TIME.test(value)) && Number.isFinite(Date.parse(value)),
  );
  ajv.addFormat('uri', fullFormats.uri as RegExp | ((value: string) => boolean));
  ajv.addFormat('uuid', fullFormats.uuid as RegExp);
  ajv.addSchema(schema);
  validators = new Map(
    (['RunEvent', 'JobEvent', 'DatasetEvent'] as const).map((name) => [
      name,
      ajv.getSchema(`${schema.$id}#/$defs/${name}`) as ValidateFunction,
    ]),
  );
  return validators;
}

/** Which OpenLineage event an object is: a run event has a run, a dataset event a dataset, else a job event. */
export function definitionOf(event: Record<string, unknown>): Definition {
  if ('run' in event) return 'RunEvent';
  if ('dataset' in event) return 'DatasetEvent';
  return 'JobEvent';
}

/** The schema's findings for one event, each naming the field (a JSON pointer) and what it must be. */
export function validateOpenLineage(event: unknown): Array<{ path: string; message: string }> {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return [{ path: '', message: 'must be an object (an OpenLineage RunEvent, JobEvent or DatasetEvent)' }];
  const definition = definitionOf(event as Record<string, unknown>);
  const validate = compile().get(definition) as ValidateFunction;
  if (validate(event)) return [];
  const seen = new Set<string>();
  const findings: Array<{ path: string; message: string }> = [];
  for (const error of validate.errors ?? []) {
    const finding = describe(error, definition);
    const key = `${finding.path}\u0000${finding.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings;
}

function describe(error: ErrorObject, definition: Definition): { path: string; message: string } {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required')
    return {
      path: `${error.instancePath}/${String(params.missingProperty)}`,
      message: `is required (${definition})`,
    };
  if (error.keyword === 'not')
    return {
      path: error.instancePath,
      message: `a ${definition} must not have both a run and a job, or a dataset and a job`,
    };
  return { path: error.instancePath, message: error.message ?? 'is invalid' };
}
