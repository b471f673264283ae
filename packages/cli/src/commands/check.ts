import type { CheckReport, TenantCheck } from "@santral-hub/core";
import type { Command } from "commander";
import { type Cli, CONFIG_OPTION, EXIT } from "../cli.js";

const HELP = `
Checks what the hub would load, without starting it: hub.yaml; every tenant file (YAML, \${env:…}, the
schema, its plugin's own settings); then each tenant's CRM, through its plugin's check (credentials and
reachability, within --timeout). One line per tenant, ✓ or ✗, and under a ✗ what to change.

Exit codes: 0 every tenant is fine, 1 a tenant (or hub.yaml, or the tenants directory) is broken, 2 bad usage.

Examples:
  santral-hub check
  santral-hub check --config /etc/santral-hub --json
`;

export function registerCheckCommand(program: Command, cli: Cli): void {
  program
    .command("check")
    .description("validate hub.yaml and every tenant file, and check each tenant's CRM")
    .option(...CONFIG_OPTION)
    .option("--timeout <ms>", "how long each CRM check may take", (v) => Number.parseInt(v, 10), 5000)
    .option("--json", "print the report as JSON, for scripts")
    .addHelpText("after", HELP)
    .action(async (options: { config?: string; timeout: number; json?: boolean }) => {
      const { checkConfig } = await import("@santral-hub/core");
      const report = await checkConfig({
        configDir: cli.configDir(options.config),
        env: cli.io.env,
        timeoutMs: options.timeout,
      });
      cli.io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
      const broken = report.hubProblem || report.dirProblem || report.tenants.some((t) => !t.ok);
      cli.exit(broken ? EXIT.failed : EXIT.ok);
    });
}

function describe(report: CheckReport): string {
  if (report.hubProblem) return `✗ hub.yaml\n    ${report.hubProblem}\n`;
  const lines = [`✓ hub.yaml (${report.hubFile})`];
  if (report.dirProblem) lines.push(`✗ tenants\n    ${report.dirProblem}`);
  const width = Math.max(6, ...report.tenants.map((t) => t.id.length));
  for (const t of report.tenants) {
    lines.push(tenantLine(t, width), ...t.problems.map((p) => `    ${p}`), ...t.warnings.map((w) => `    ! ${w}`));
  }
  const broken = report.tenants.filter((t) => !t.ok).length;
  const count = report.tenants.length;
  lines.push(`${count} tenant${count === 1 ? "" : "s"}: ${count - broken} ok, ${broken} broken`);
  return `${lines.join("\n")}\n`;
}

function tenantLine(t: TenantCheck, width: number): string {
  const id = t.id.padEnd(width);
  if (!t.ok) return `✗ ${id}  ${t.adapter ?? ""}`.trimEnd();
  const crm = t.crm === "ok" ? "CRM check passed" : "no CRM check (the plugin has none)";
  const dids = t.dids.length > 0 ? ` · dids ${t.dids.join(", ")}` : "";
  return `✓ ${id}  ${t.adapter} · steps ${t.steps.join(", ")}${dids} · ${crm} (${t.ms} ms)`;
}
