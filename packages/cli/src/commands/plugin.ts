import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { type Cli, EXIT } from "../cli.js";
import { PLUGIN_NAME, scaffoldPlugin } from "../scaffold.js";

const NEW_HELP = `
Writes a plugin package: package.json, tsconfig.json, README.md, src/index.ts (the zod schema of its config
and an adapter asking a CRM's HTTP API) and test/conformance.test.ts, which runs the sdk's conformance suite
against test/fake-crm.ts. Change the request and the record mapping in src/index.ts to your CRM's API.

Inside this repository it writes plugins/<name> as @santral-hub/plugin-<name> (a tenant names it
adapter: <name>); elsewhere, santral-hub-plugin-<name> depending on the published sdk.

Exit codes: 0 written, 1 the directory exists and is not empty, 2 bad usage.

Examples:
  santral-hub plugin new pipedrive
  santral-hub plugin new our-crm --dir ../our-crm-plugin
`;

function pluginName(value: string): string {
  if (!PLUGIN_NAME.test(value)) {
    throw new InvalidArgumentError("use lower-case letters, digits and dashes, starting with a letter");
  }
  return value;
}

export function registerPluginCommands(program: Command, cli: Cli): void {
  const plugin = program.command("plugin").description("write a CRM plugin");
  plugin
    .command("new")
    .description("scaffold a plugin package: schema, adapter, conformance test")
    .argument("<name>", "the plugin's name (what a tenant's crm.adapter says)", pluginName)
    .option("--dir <dir>", "where to write it (default: ./plugins/<name>)")
    .addHelpText("after", NEW_HELP)
    .action(async (name: string, options: { dir?: string }) => {
      const dir = path.resolve(cli.io.cwd, options.dir ?? path.join("plugins", name));
      try {
        const s = await scaffoldPlugin(name, dir);
        cli.io.out(
          [
            `Wrote ${s.packageName} in ${s.dir}:`,
            ...s.files.map((f) => `  ${f}`),
            "",
            "Next:",
            ...(s.workspace
              ? [
                  "  pnpm install",
                  `  (cd ${path.relative(cli.io.cwd, s.dir) || "."} && pnpm exec vitest run)   # the conformance suite`,
                ]
              : [`  cd ${s.dir} && npm install`, "  npx vitest run   # the conformance suite"]),
            ...(s.workspace ? [`  pnpm add -w ${s.packageName}@workspace:*   # so the hub can load it`] : []),
            `  in a tenant file: crm: { adapter: ${s.adapter}, config: { baseUrl: …, apiToken: … } }`,
            "",
          ].join("\n"),
        );
        cli.exit(EXIT.ok);
      } catch (error) {
        cli.io.err(`santral-hub plugin new: ${(error as Error).message}\n`);
        cli.exit(EXIT.failed);
      }
    });
}
