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

/** `--port 3000`: a whole number from 0 to 65535. */
export function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("not a port number (0 to 65535)");
  return port;
}
