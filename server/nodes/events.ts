import type { LabNodeEvent, NodeEvent, NodeFaultEvent } from "./types";

/** Builds a NodeEvent; the one place event payloads take their shape. */
export function nodeEvent(name: NodeEvent["name"], data: NodeEvent["data"]): NodeEvent {
  return { name, data: { ...data } };
}

/** Builds a fault event (issue 5). */
export function faultEvent(name: NodeFaultEvent["name"], data: NodeFaultEvent["data"]): NodeFaultEvent {
  return { name, data: { ...data, ...(data.path ? { path: clonePath(data.path) } : {}) } };
}

function clonePath(path: NonNullable<NodeFaultEvent["data"]["path"]>): NonNullable<NodeFaultEvent["data"]["path"]> {
  return { ...path, partitioned: Array.isArray(path.partitioned) ? [...path.partitioned] : path.partitioned };
}

const PROCESS_EVENTS: ReadonlySet<string> = new Set<NodeEvent["name"]>(["node:crash", "node:start", "node:freeze", "node:thaw", "node:exited"]);

/** True for the events `onEvent` listeners get (their type knows only these). */
export function isProcessEvent(event: LabNodeEvent): event is NodeEvent {
  return PROCESS_EVENTS.has(event.name);
}

/**
 * Delivers events to listeners; a throwing listener is isolated so it cannot break a fault in progress.
 * `on` listeners get process events only; `onAll` listeners get fault events too.
 */
export class NodeEventHub {
  private readonly listeners = new Set<(event: NodeEvent) => void>();
  private readonly allListeners = new Set<(event: LabNodeEvent) => void>();

  on(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  onAll(listener: (event: LabNodeEvent) => void): () => void {
    this.allListeners.add(listener);
    return () => {
      this.allListeners.delete(listener);
    };
  }

  emit(event: LabNodeEvent): void {
    if (isProcessEvent(event)) for (const listener of [...this.listeners]) this.deliver(listener, event);
    for (const listener of [...this.allListeners]) this.deliver(listener, event);
  }

  private deliver<E extends LabNodeEvent>(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (error) {
      // A listener's bug must not leave a node half-faulted or crash the lab; say so and go on.
      console.error(`node event listener failed on ${event.name}:`, error);
    }
  }
}
