import { type CaptureEvent, extraFields } from '../capture/index.ts';
import { prov, provml } from '../vocab.ts';
import { agentIri, hostIri, personaIri } from './iris.ts';
import { annotationLiteral, type GraphWriter } from './writer.ts';

/** Who ran an execution, where, in which process. */
export function writeActor(w: GraphWriter, execution: string, event: CaptureEvent): void {
  if (event.user !== undefined) {
    const agent = agentIri(event.user);
    w.add(execution, prov('wasAssociatedWith'), agent);
    w.type(agent, 'prov:Agent', 'prov:Person');
    w.data(agent, 'name', event.user);
  }
  if (event.persona !== undefined) {
    const persona = personaIri(event.persona);
    w.add(execution, prov('wasAssociatedWith'), persona);
    w.type(persona, 'Persona', 'prov:Agent');
    w.data(persona, 'name', event.persona);
  }
  if (event.host !== undefined) {
    const host = hostIri(event.host);
    w.link(execution, 'ranOn', host);
    w.type(host, 'ExecutionEnvironment', 'prov:Entity');
    w.data(host, 'hostname', event.host);
  }
  w.data(execution, 'processId', event.pid);
}

/** Unknown fields and `annotations` entries become provml:annotation rdf:JSON literals on the event's subject. */
export function writeAnnotations(w: GraphWriter, subject: string, event: CaptureEvent): void {
  for (const [key, value] of Object.entries(extraFields(event))) {
    w.add(subject, provml('annotation'), annotationLiteral(key, value));
  }
}
