import type { NodeEvent } from "./types";

/** Builds a NodeEvent; the one place event payloads take their shape. */
export function nodeEvent(name: NodeEvent["name"], data: NodeEvent["data"]): NodeEvent {
  return { name, data: { ...data } };
}

/** Delivers events to listeners; a throwing listener is isolated so it cannot break a fault in progress. */
export class NodeEventHub {
  private readonly listeners = new Set<(event: NodeEvent) => void>();

  on(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: NodeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not leave a node half-faulted or crash the lab; say so and go on.
        console.error(`node event listener failed on ${event.name}:`, error);
      }
    }
  }
}
