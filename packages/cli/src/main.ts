import { run } from "./program.js";

// The bin's entry: the exit code is set rather than forced, so stdout drains first; a plugin that leaves
// a handle open (a pool, a watcher) cannot keep the process alive past a second.
const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
setTimeout(() => process.exit(code), 1000).unref();
