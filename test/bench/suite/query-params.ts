import type { CatalogEntry, ParamValues } from '../../../src/query/index.ts';
import {
  dataIri,
  experimentIri,
  taskExecutionIri,
  workflowExecutionIri,
} from '../../../src/translate/index.ts';
import { type DatasetManifest, LITHOLOGY, lithologyIri, lithologyOf } from '../generate/index.ts';

/**
 * Parameters for each catalog query, chosen from the generated data (the first project with a finished run),
 * so they are the same at every size: selective queries should stay flat as the store grows, while the
 * "all executions" defaults (optional parameters left out) grow with it.
 */
export function catalogParams(entry: CatalogEntry, manifest: DatasetManifest): ParamValues {
  const facts = manifest.facts;
  const finished = facts.runs.find((run) => run.outcome === 'finished');
  const survey = facts.surveys[0];
  const model = finished?.model ? dataIri(finished.model) : undefined;
  const raw = survey ? dataIri(survey.raw) : undefined;
  const runs = facts.runs.slice(0, 3).map((run) => taskExecutionIri(run.executionId, run.stageTaskId));
  const known: ParamValues = {
    experiment: experimentIri(facts.experiment),
    measure: 'accuracy',
    maximize: true,
    model,
    raw,
    execution: finished ? workflowExecutionIri(finished.executionId) : undefined,
    run: runs,
    property: LITHOLOGY,
    value: survey ? lithologyIri(lithologyOf(survey.formation)) : undefined,
  };
  const overrides: Record<string, ParamValues> = {
    // Compare three runs' loss curves (the typical "compare runs while they train" use).
    'measure-per-epoch': { measure: 'loss', run: known.run },
    // The nodes the lineage picture of the model shows first: the model, its raw data and the runs.
    'lineage-nodes': {
      node: [model, raw, ...runs].filter((node) => node !== undefined),
    },
  };
  const chosen = overrides[entry.name];
  if (chosen) return chosen;
  const values: ParamValues = {};
  for (const param of entry.params) {
    if (!param.required) continue; // left out: the query's "all" default
    const value = known[param.name];
    if (value === undefined) throw new Error(`no benchmark value for required parameter '${param.name}'`);
    values[param.name] = Array.isArray(value) && !param.multiple ? value[0] : value;
  }
  return values;
}
