import type { Io } from "../cli.js";
import { EXIT } from "../cli.js";

interface Row {
  id: string;
  file: string;
  adapter: string;
  dids: string[];
  steps: string[];
  ok: boolean;
  problem?: string;
  /** The running hub's state of the tenant, with --url. */
  hub?: string;
}

interface HubState {
  url: string;
  status: string;
  tenants: number;
  broken: number;
  reloaded: string | null;
  /** Per-tenant states from /metrics; absent when it could not be read (protected, elsewhere). */
  states?: Map<string, string>;
  note?: string;
}

/** `santral-hub tenant list`: the files as they stand, and with --url what the running hub serves. */
export async function listTenants(
  opts: { configDir: string; url?: string; metricsUrl?: string; token?: string; json?: boolean },
  io: Io,
): Promise<number> {
  const { loadHubConfig, loadTenantDir, tenantIdOfFile } = await import("@santral-hub/core");
  let tenantsDir: string;
  let metricsPort: number | "call";
  try {
    ({
      tenantsDir,
      metrics: { port: metricsPort },
    } = await loadHubConfig(opts.configDir, io.env));
  } catch (error) {
    io.err(`santral-hub tenant list: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const { tenants, errors } = await loadTenantDir(tenantsDir, io.env);
  const rows: Row[] = tenants.map((t) => ({
    id: t.id,
    file: t.file,
    adapter: t.crm.adapter,
    dids: t.dids,
    steps: [...t.steps.keys()],
    ok: true,
  }));
  for (const e of errors) {
    if (e.file === tenantsDir) io.err(`santral-hub tenant list: ${e.message}\n`);
    else
      rows.push({
        id: tenantIdOfFile(e.file),
        file: e.file,
        adapter: "",
        dids: [],
        steps: [],
        ok: false,
        problem: e.message.split("\n")[0] ?? "",
      });
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  let hub: HubState | undefined;
  if (opts.url) {
    try {
      const url = opts.url.replace(/\/$/, "");
      hub = await hubState(url, opts.metricsUrl ?? metricsUrlOf(url, metricsPort), opts.token);
    } catch (error) {
      io.err(`santral-hub tenant list: cannot reach the hub at ${opts.url}: ${(error as Error).message}\n`);
      return EXIT.unreachable;
    }
    for (const row of rows) row.hub = hub.states?.get(row.id) ?? (hub.states ? "not served" : "?");
    // a tenant the hub still serves whose file is gone: removed files retire on the next reload
    for (const [id, state] of hub.states ?? []) {
      if (!rows.some((r) => r.id === id))
        rows.push({ id, file: "", adapter: "", dids: [], steps: [], ok: false, problem: "no file", hub: state });
    }
  }
  io.out(opts.json ? `${JSON.stringify({ tenantsDir, tenants: rows, hub }, null, 2)}\n` : table(rows, hub));
  return EXIT.ok;
}

/** hub.yaml's metrics port on the host of --url (its own host when run beside the hub), or the call port. */
function metricsUrlOf(url: string, port: number | "call"): string {
  if (port === "call") return `${url}/metrics`;
  const at = new URL(url);
  at.port = String(port);
  return `${at.origin}/metrics`;
}

async function hubState(url: string, metricsUrl: string, token: string | undefined): Promise<HubState> {
  const ready = (await (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).json()) as {
    status: string;
    tenants: number;
    broken: number;
    reloaded: string | null;
  };
  const state: HubState = { url, ...ready };
  const res = await fetch(metricsUrl, {
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status === 401) state.note = "per-tenant state: /metrics wants --token";
  else if (!res.ok)
    state.note = `per-tenant state: /metrics answered ${res.status} (give its address with --metrics-url)`;
  else {
    state.states = new Map();
    for (const m of (await res.text()).matchAll(/^santral_tenant_state\{tenant="([^"]+)",state="([^"]+)"\} 1$/gm)) {
      if (m[1] && m[2]) state.states.set(m[1], m[2]);
    }
  }
  return state;
}

function table(rows: Row[], hub: HubState | undefined): string {
  const head = ["TENANT", "ADAPTER", "DIDS", "STEPS", ...(hub ? ["HUB"] : []), "FILE"];
  const cells = rows.map((r) => [
    r.id,
    r.adapter || "-",
    r.dids.join(",") || "-",
    r.steps.join(",") || "-",
    ...(hub ? [r.hub ?? "?"] : []),
    r.ok ? "✓" : `✗ ${r.problem ?? ""}`,
  ]);
  // the last column (the file's problem) is not padded: it may be long
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ");
  const out = [line(head), ...cells.map(line)];
  if (rows.length === 0) out.push("(no tenant files)");
  if (hub) {
    const when = hub.reloaded ? `last reload ${hub.reloaded}` : "not loaded yet";
    out.push("", `hub ${hub.url}: ${hub.status}, ${hub.tenants} tenants served, ${hub.broken} broken files, ${when}`);
    if (hub.note) out.push(hub.note);
  } else {
    out.push("", "(add --url <hub> to see what a running hub serves)");
  }
  return `${out.join("\n")}\n`;
}
