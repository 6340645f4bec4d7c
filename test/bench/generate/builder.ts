import {
  type CaptureEvent,
  EVENT_SCHEMA_VERSION,
  type EventOf,
  type EventType,
} from '../../../src/capture/index.ts';

export interface Actor {
  user: string;
  persona: string;
  host: string;
}

type Body<T extends EventType> = Omit<EventOf<T>, 'type' | 'schema' | 'id' | 'time' | 'workflowExecutionId'>;

/** Collects the events of one workflow execution on a synthetic clock (ids and times are deterministic). */
export class WorkflowBuilder {
  readonly events: CaptureEvent[] = [];
  private counter = 0;

  constructor(
    readonly executionId: string,
    private clock: number,
    readonly actor: Actor,
  ) {}

  /** Moves the clock forward and returns the new time as ISO-8601. */
  advance(ms: number): string {
    this.clock += Math.max(1000, Math.round(ms));
    return this.now();
  }

  now(): string {
    return new Date(this.clock).toISOString();
  }

  get time(): number {
    return this.clock;
  }

  emit<T extends EventType>(type: T, body: Body<T>): void {
    this.counter += 1;
    const event = {
      type,
      schema: EVENT_SCHEMA_VERSION,
      id: `${this.executionId}.${this.counter}`,
      time: this.now(),
      workflowExecutionId: this.executionId,
      ...body,
    } as unknown as CaptureEvent;
    this.events.push(event);
  }

  /** Fields recorded on workflow and task events. */
  who(): Actor {
    return { ...this.actor };
  }
}
