import { InvalidArgumentError } from "commander";

// What every command shares: the process's I/O, the exit codes, the options and parsers used by several.

/** Where the CLI writes and what it reads of its process: tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The exit codes scripts can rely on (packages/cli/README.md): 0 done; 1 what was asked cannot be done as
 * the config stands (a tenant unknown or broken, a file that exists, an error answer); 2 the command line
 * is wrong; 3 something out of reach (the hub, the CRM, Redis).
 */
export const EXIT = { ok: 0, failed: 1, tenant: 1, usage: 2, unreachable: 3 } as const;

/** What every command's registration gets: the process's I/O, and how to set the exit code. */
export interface Cli {
  io: Io;
  exit(code: number): void;
  /** `--config`, else $CONFIG_DIR, else ./config, resolved against the working directory. */
  configDir(option: string | undefined): string;
}

export const CONFIG_OPTION = ["--config <dir>", "the config directory (default: $CONFIG_DIR, else ./config)"] as const;

/** For an option given several times (`--queue a --queue b`): every value, in order. */
export function collect(value: string, list: string[]): string[] {
  return [...list, value];
}

/** `--port 3000`: a whole number from 0 to 65535. */
export function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("not a port number (0 to 65535)");
  return port;
}

/**
 * Runs one operator tool of core's: exits 0 when it is done, else says why on stderr and exits as its
 * `ToolError` code says (bad input 2, an unknown tenant 1, out of reach 3).
 */
export async function runTool(
  cli: Cli,
  name: string,
  work: (core: typeof import("@santral-hub/core")) => Promise<void>,
): Promise<void> {
  // loaded here, not at the top: the hub's modules take a second or two, which --help need not wait for
  const core = await import("@santral-hub/core");
  try {
    await work(core);
    cli.exit(EXIT.ok);
  } catch (error) {
    cli.io.err(`santral-hub ${name}: ${(error as Error).message}\n`);
    const code = error instanceof core.ToolError ? error.code : "";
    cli.exit(code === "bad_input" ? EXIT.usage : code === "unknown_tenant" ? EXIT.tenant : EXIT.unreachable);
  }
}
