/** Why an operator's command could not do what was asked; the CLI maps each code to an exit code. */
export class ToolError extends Error {
  override readonly name = "ToolError";
  constructor(
    readonly code: "memory_cache" | "unreachable" | "bad_number" | "unknown_plugin" | "unknown_tenant" | "bad_input",
    message: string,
  ) {
    super(message);
  }
}
