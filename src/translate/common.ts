import { type CaptureEvent, extraFields } from '../capture/index.ts';
import {
  type ProvmlClass,
  type ProvmlDataProperty,
  type ProvmlObjectProperty,
  prov,
  provml,
} from '../vocab.ts';
import { agentIri, hostIri, personaIri } from './iris.ts';
import { annotationLiteral, type GraphWriter, type ProvClass } from './writer.ts';

/** Who ran an execution, where, in which process. */
export function writeActor(w: GraphWriter, execution: string, event: CaptureEvent): void {
  writeAgents(w, execution, 'wasAssociatedWith', event);
  if (event.host !== undefined) {
    writeNamedEntity(
      w,
      execution,
      'ranOn',
      hostIri(event.host),
      'ExecutionEnvironment',
      'hostname',
      event.host,
    );
  }
  w.data(execution, 'processId', event.pid);
}

/** The event's user (a prov:Person) and persona, each an agent `relation` (a PROV property) of `subject`. */
export function writeAgents(
  w: GraphWriter,
  subject: string,
  relation: 'wasAssociatedWith' | 'wasAttributedTo',
  event: { user?: string; persona?: string },
): void {
  if (event.user !== undefined) {
    writeAgent(w, subject, relation, agentIri(event.user), event.user, ['prov:Agent', 'prov:Person']);
  }
  if (event.persona !== undefined) {
    writeAgent(w, subject, relation, personaIri(event.persona), event.persona, ['Persona', 'prov:Agent']);
  }
}

function writeAgent(
  w: GraphWriter,
  subject: string,
  relation: string,
  agent: string,
  name: string,
  classes: Array<ProvmlClass | ProvClass>,
): void {
  w.add(subject, prov(relation), agent);
  w.type(agent, ...classes);
  w.data(agent, 'name', name);
}

/** `subject` linked by `property` to `entity`, a prov:Entity of class `cls` whose `nameProperty` is `name`. */
export function writeNamedEntity(
  w: GraphWriter,
  subject: string,
  property: ProvmlObjectProperty,
  entity: string,
  cls: ProvmlClass,
  nameProperty: ProvmlDataProperty,
  name: string,
): void {
  w.link(subject, property, entity);
  w.type(entity, cls, 'prov:Entity');
  w.data(entity, nameProperty, name);
}

/** Unknown fields and `annotations` entries become provml:annotation rdf:JSON literals on the event's subject. */
export function writeAnnotations(w: GraphWriter, subject: string, event: CaptureEvent): void {
  for (const [key, value] of Object.entries(extraFields(event))) {
    w.add(subject, provml('annotation'), annotationLiteral(key, value));
  }
}
