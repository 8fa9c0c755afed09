// What this process runs on (database pools, Redis, queues): each component reports its health. Read by
// /monitoring/services. (Caches are the CacheCensus's: it counts, sweeps and releases them.)

export type ComponentStatus = 'ok' | 'degraded' | 'down' | 'not_configured';

export interface Component {
  readonly name: string;
  readonly kind: string;
  check(): Promise<ComponentStatus>;
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
}
