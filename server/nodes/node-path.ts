import type { FaultProxy } from "./fault-proxy";
import type { NodePath } from "./types";

/** Opens one proxy to the node; the manager supplies it (port range, host, target). */
export type OpenProxy = () => Promise<FaultProxy>;

/**
 * Every proxy in front of one node and the path faults on them:
 * - the shared proxy (NodeStatus.clientPort) for clients that belong to no instance (observer, CLI);
 * - one proxy per engine instance (`portFor(instance)`), opened on first use, so a partition can cut
 *   some instances off the node and not others (the split-brain case).
 *
 * A whole-node partition cuts every proxy, including instance proxies opened later; a partition
 * naming instances cuts only theirs. Latency is node-wide: it applies to every proxy.
 */
export class NodePathProxies {
  private readonly instances = new Map<number, Promise<FaultProxy>>();
  private readonly opened = new Set<FaultProxy>();
  private cutAll = false;
  private readonly cut = new Set<number>();
  private latencyMs = 0;
  private jitterMs = 0;
  private closed = false;

  private constructor(
    private readonly shared: FaultProxy,
    private readonly open: OpenProxy,
  ) {
    this.opened.add(shared);
  }

  static async create(open: OpenProxy): Promise<NodePathProxies> {
    return new NodePathProxies(await open(), open);
  }

  get sharedPort(): number {
    return this.shared.port;
  }

  /** The port of `instance`'s own proxy, opened (with the current faults) on first use. */
  async portFor(instance: number): Promise<number> {
    if (this.closed) throw new Error("the node's proxies are closed");
    let pending = this.instances.get(instance);
    if (!pending) {
      pending = this.open().then(async (proxy) => {
        if (this.closed) {
          await proxy.close();
          throw new Error("the node's proxies are closed");
        }
        this.opened.add(proxy);
        this.configure(proxy, instance);
        return proxy;
      });
      this.instances.set(instance, pending);
      // A failed open may be retried by the next call.
      pending.catch(() => this.instances.delete(instance));
    }
    return (await pending).port;
  }

  /** Instances whose proxies exist now. */
  openInstances(): number[] {
    return [...this.instances.keys()].sort((a, b) => a - b);
  }

  status(): NodePath {
    return {
      partitioned: this.cutAll ? true : this.cut.size > 0 ? [...this.cut].sort((a, b) => a - b) : false,
      latencyMs: this.latencyMs,
      jitterMs: this.jitterMs,
    };
  }

  /**
   * Cuts the whole node (no `instances`) or only those instances. Returns the number of forwarded
   * connections dropped.
   */
  async partition(instances?: readonly number[]): Promise<number> {
    if (instances === undefined) this.cutAll = true;
    else for (const instance of instances) this.cut.add(instance);
    return this.reconfigure();
  }

  /**
   * Heals the whole node (no `instances`: every cut, whole-node or per instance) or only those
   * instances. Throws when asked to heal some instances of a node that is cut as a whole: a
   * whole-node cut is healed as a whole. Returns the number of held connections released.
   */
  async heal(instances?: readonly number[]): Promise<number> {
    if (instances === undefined) {
      this.cutAll = false;
      this.cut.clear();
    } else {
      if (this.cutAll) throw new PartialHealError();
      for (const instance of instances) this.cut.delete(instance);
    }
    return this.reconfigure();
  }

  async setLatency(ms: number, jitterMs: number): Promise<void> {
    this.latencyMs = ms;
    this.jitterMs = jitterMs;
    await this.reconfigure();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.instances.values()]);
    await Promise.all([...this.opened].map((proxy) => proxy.close()));
  }

  /** Applies the current faults to every open proxy; returns connections dropped plus released. */
  private async reconfigure(): Promise<number> {
    let changed = this.configure(this.shared, null);
    for (const [instance, pending] of this.instances) {
      const proxy = await pending.catch(() => null);
      if (proxy) changed += this.configure(proxy, instance);
    }
    return changed;
  }

  private configure(proxy: FaultProxy, instance: number | null): number {
    proxy.setLatency(this.latencyMs, this.jitterMs);
    const cut = this.cutAll || (instance !== null && this.cut.has(instance));
    if (cut) return proxy.partitioned ? 0 : proxy.partition();
    return proxy.partitioned ? proxy.heal() : 0;
  }
}

export class PartialHealError extends Error {}
