/** One tenant's answer times: bucket counts in plain numbers, so an observation costs a loop and an add. */
export class BucketCounts {
  /** Observations per bucket (not cumulative), the last one past every bound (`+Inf`). */
  readonly counts: Float64Array;
  sum = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    this.sum += seconds;
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    (this.counts[i] as number)++;
  }
}

interface Series {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A histogram's series as prom-client's registry reads them from each of its metrics' `get()`. */
interface Exported {
  name: string;
  help: string;
  type: "histogram";
  values: Series[];
  aggregator: "sum";
}

/**
 * A Prometheus histogram by tenant whose call path is `BucketCounts.observe`: prom-client's own `observe`
 * validates and hashes the labels and looks the bucket up by a float-keyed object on every call, which cost
 * a few µs a call on the server. It is registered in the hub's prom-client registry, which asks it for its
 * series (`get`) on each scrape, as it asks its own metrics.
 */
export class AnswerHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly tenants = new Map<string, BucketCounts>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** The counts of one tenant, kept by the caller beside the tenant's other meters. */
  tenant(tenant: string): BucketCounts {
    let counts = this.tenants.get(tenant);
    if (!counts) {
      counts = new BucketCounts(this.bounds);
      this.tenants.set(tenant, counts);
    }
    return counts;
  }

  async get(): Promise<Exported> {
    const values: Series[] = [];
    const bucket = `${this.name}_bucket`;
    for (const [tenant, { counts, sum }] of this.tenants) {
      let total = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        total += counts[i] as number;
        const le = this.bounds[i] ?? "+Inf";
        values.push({ metricName: bucket, labels: { le, tenant }, value: total });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { tenant }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { tenant }, value: total });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.tenants.clear();
  }
}
