// What this process runs on (database pools, Redis, caches, queues): each component reports its health
// and may release memory on request. Read by /monitoring/services and /monitoring/memory/cleanup.

export type ComponentStatus = 'ok' | 'degraded' | 'down' | 'not_configured';

export interface Component {
  readonly name: string;
  readonly kind: string;
  check(): Promise<ComponentStatus>;
  /** Drops what can be rebuilt (caches); returns how many entries were released. */
  release?(): number;
}

export class ServiceRegistry {
  private readonly components = new Map<string, Component>();

  add(component: Component): void {
    this.components.set(component.name, component);
  }

  list(): Component[] {
    return [...this.components.values()];
  }

  async statuses(timeoutMs = 1500): Promise<{ name: string; kind: string; status: ComponentStatus }[]> {
    return Promise.all(
      this.list().map(async (component) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<ComponentStatus>((resolve) => {
          timer = setTimeout(() => resolve('down'), timeoutMs);
        });
        const status = await Promise.race([component.check().catch(() => 'down' as const), timeout]);
        clearTimeout(timer);
        return { name: component.name, kind: component.kind, status };
      }),
    );
  }

  release(): Record<string, number> {
    const released: Record<string, number> = {};
    for (const component of this.list()) {
      if (component.release) released[component.name] = component.release();
    }
    return released;
  }
}
