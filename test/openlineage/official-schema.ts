import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import schema from '../../src/capture/openlineage/OpenLineage.schema.json' with { type: 'json' };

// The official OpenLineage schema as a consumer checks an event: the whole document (its root `oneOf` of
// RunEvent, DatasetEvent and JobEvent), every format strict (no leniency for a time without a zone). The
// server's own validator is not used here, so a mistake in it cannot hide a mistake in what is checked.

let validator: ValidateFunction | undefined;

/** The schema's complaints about one event, as "pointer message" lines; none when the event is valid. */
export function officialSchemaErrors(event: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    for (const [name, format] of Object.entries(fullFormats)) if (format) ajv.addFormat(name, format);
    validator = ajv.compile(schema);
  }
  if (validator(event)) return [];
  return (validator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}
