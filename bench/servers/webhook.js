// Baseline 2: the webhook a Netsantral customer writes by hand today: Koa, @koa/router and koa-body, the
// caller looked up in a Map, the same JSON as the hub answers.
import Router from "@koa/router";
import Koa from "koa";
import { koaBody } from "koa-body";

const customers = new Map([["05101234567", { name: "A** Y**", extension: "101" }]]);
const app = new Koa();
const router = new Router();
router.post("/t/demo", koaBody(), (ctx) => {
  const body = /** @type {Record<string, string>} */ (ctx.request.body);
  const customer = customers.get(body.arayan_no ?? "");
  ctx.body = customer
    ? {
        status: "success",
        result: "extensions",
        redirect: customer.extension,
        data: `Sayın ${customer.name} hoş geldiniz.`,
      }
    : { status: "success", result: "2" };
});
app.use(router.routes());
app.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
