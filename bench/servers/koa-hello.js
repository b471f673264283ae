// Plain JavaScript, run by Node as the hub is: no compiler in any server measured.
// Baseline 1: the bare Koa hello — the ceiling of any Koa app on this machine.
import Koa from "koa";

const app = new Koa();
app.use((ctx) => {
  ctx.body = "hello";
});
app.listen(Number(process.env.PORT), "127.0.0.1", () => {
  process.send?.("ready");
  if (process.argv.includes("--print")) console.log("listening"); // for the start-up case, timed to this line
});
