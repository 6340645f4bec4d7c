import type { PlanDeclaredEvent } from '../capture/index.ts';
import { prov } from '../vocab.ts';
import { writeAgents, writeAnnotations } from './common.ts';
import { attributeIri, dataIri, transformationIri } from './iris.ts';
import type { GraphWriter } from './writer.ts';

/**
 * plan.declared: the data transformation its task executions share (same IRI as their provml:executionOf),
 * with its declared inputs and outputs as provml:Attributes (role input/output) that point at the data they
 * name. The plan is not an activity: who declared it is its attribution; host and process id are not kept.
 */
export function writePlanDeclared(w: GraphWriter, event: PlanDeclaredEvent): void {
  const plan = transformationIri(event.name);
  w.type(plan, 'DataTransformation', 'prov:Plan');
  w.data(plan, 'name', event.name);
  for (const [role, refs] of [
    ['input', event.inputs],
    ['output', event.outputs],
  ] as const) {
    for (const ref of refs ?? []) {
      const attribute = attributeIri(event.name, ref);
      w.link(plan, 'hasAttribute', attribute);
      w.type(attribute, 'Attribute', 'prov:Entity');
      w.data(attribute, 'name', ref);
      w.data(attribute, 'role', role);
      const data = dataIri(ref);
      w.add(attribute, prov('wasInfluencedBy'), data);
      w.type(data, 'DataReference', 'prov:Entity');
    }
  }
  writeAgents(w, plan, 'wasAttributedTo', event);
  writeAnnotations(w, plan, event);
}
