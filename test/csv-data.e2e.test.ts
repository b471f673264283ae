import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { createLogger, type HubProcess, runHub } from "@santral-hub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../packages/cli/src/program.js";
import { eventually, tempConfig } from "./helpers/cli.js";
import { sendCall } from "./helpers/hub.js";

// A tenant's CSV going bad under a running hub (a file cut short by a failed export, a quote left open),
// then fixed: calls over HTTP, the hub's own log, and what `check` and `explain` say about skipped rows.

const TOKEN = "csv-data-token-1";
const HEADER = "musteri_no;ad;soyad;telefon;vip;temsilci;dahili";
const VIP = { row: "10030;İLKER;IŞIK;+90 532 111 22 33;evet;Can Öztürk;102", number: "05321112233" };
const VIP2 = { row: "10035;Selin;Aksoy;0555 222 33 44;evet;Ece Kaya;103", number: "05552223344" };
const NEWCOMER = { row: "10099;Yeni;Müşteri;0544 999 00 00;;;", number: "05449990000" };
/** 40 customers, VIPs the 30th and the 35th: a file cut to 10 rows loses them. */
const customers = Array.from({ length: 40 }, (_, i) =>
  i === 29 ? VIP.row : i === 34 ? VIP2.row : `${10001 + i};Kişi;${i};0544 100 ${String(i).padStart(4, "0")};;;`,
);
const tenant = (id: string, csv: string, hub = "") => `
id: ${id}
token: ${TOKEN}
results: { "1": known, "2": unknown caller, e: the CRM could not tell }
crm:
  adapter: csv
  config:
    file: ../data/${csv}
    delimiter: ";"
    columns: { id: musteri_no, phone: telefon, firstName: ad, lastName: soyad, vip: vip, ownerName: temsilci, ownerExtension: dahili }
steps:
  welcome:
    rules:
      - when: { vip: true }
        reply: { result: extensions, redirect: "{{ contact.owner.extension }}" }
      - when: { known: true }
        reply: { result: "1" }
      - reply: { result: "2" }
    fallback: { result: e }
${hub}`;

/** Log lines of the hub, as it writes them (pretty, one per line). */
function logSink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
}

for (const backend of ["memory", "redis"] as const) {
  describe(`a tenant's CSV that goes bad and is fixed (cache: ${backend})`, () => {
    const id = `csvdata${backend}${process.pid}`;
    const log = logSink();
    let dir: string;
    let running: HubProcess;
    const csv = () => path.join(dir, "data", `${id}.csv`);
    const call = async (number: string) => {
      const res = await sendCall(`${running.url}/t/${id}`, "json", { arayan_no: number, token: TOKEN });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, string>;
    };
    /**
     * Writes the file and waits for the plugin's verdict on it (swapped in, refused or unreadable), which the
     * next call sees; returns the verdict and the fields of its log line.
     */
    const replaceFile = async (rows: string[]): Promise<{ verdict: string; fields: Record<string, unknown> }> => {
      const seen = log.text().length;
      await writeFile(csv(), `${[HEADER, ...rows].join("\n")}\n`);
      const verdicts = /csv: (loaded|reload refused|reload failed)/;
      const line = await eventually(
        async () =>
          log
            .text()
            .slice(seen)
            .split("\n")
            .find((l) => verdicts.test(l)),
        "the plugin's verdict on the new file",
      );
      return { verdict: line.match(verdicts)?.[0] ?? "", fields: JSON.parse(line.slice(line.indexOf("{"))) };
    };

    beforeAll(async () => {
      const cache = backend === "redis" ? "cache: { backend: redis, url: redis://127.0.0.1:6379 }\n" : "";
      dir = await tempConfig(`listen: { host: 127.0.0.1 }\n${cache}`, { [id]: tenant(id, `${id}.csv`) });
      await writeFile(csv(), `${[HEADER, ...customers].join("\n")}\n`);
      const logger = createLogger("info", { pretty: true, stream: log.stream });
      running = await runHub({ configDir: dir, port: 0, env: {}, signals: false, log: logger });
      await running.hub.ready; // the hub listens while its tenants load
    });
    afterAll(async () => {
      await running.hub.purge(id).catch(() => 0);
      await running.shutdown();
      await rm(dir, { recursive: true, force: true });
    });

    it("keeps the VIP recognised through a cut file and an unclosed quote, and knows a new caller at once once fixed", async () => {
      expect(await call(NEWCOMER.number)).toMatchObject({ result: "2" }); // not in the file yet: "not found", cached

      // a failed export: the first 10 rows only
      const cut = await replaceFile(customers.slice(0, 10));
      expect(await call(VIP.number)).toMatchObject({ result: "extensions", redirect: "102" });
      expect(cut.verdict).toBe("csv: reload refused");
      expect(cut.fields).toMatchObject({ rows: 10, inUse: 40, reason: expect.stringContaining("75% fewer") });

      // a quote left open on row 5: every row after it would be lost; the new caller is in this one too
      const quoted = [...customers, NEWCOMER.row];
      quoted[4] = `10005;"Kişi;4;0544 100 0004;;;`;
      const open = await replaceFile(quoted);
      expect(await call(VIP2.number)).toMatchObject({ result: "extensions", redirect: "103" });
      expect(await call(NEWCOMER.number)).toMatchObject({ result: "2" });
      expect(open.verdict).toBe("csv: reload refused");
      expect(open.fields).toMatchObject({ skipped: 1, lines: [6], reason: expect.stringContaining("never closed") });

      // fixed: the caller told "unknown" a moment ago is known on the very next call, not minutes later
      expect((await replaceFile([...customers, NEWCOMER.row])).verdict).toBe("csv: loaded");
      expect(await call(NEWCOMER.number)).toMatchObject({ status: "success", result: "1" });
      expect(await call(VIP2.number)).toMatchObject({ result: "extensions", redirect: "103" });
      // the hub's log names counts and lines, never a name or a number from the file
      expect(log.text()).not.toMatch(
        /İLKER|IŞIK|Selin|Aksoy|Müşteri|532 111|5321112233|222 33 44|5552223344|999 00 00|5449990000/,
      );
    });

    it("answers from a replaced file at once: a caller added to it is not kept as unknown until the cache expires", async () => {
      const added = { row: "10100;Deniz;Yeni;0544 888 00 00;;;", number: "05448880000" };
      expect(await call(added.number)).toMatchObject({ result: "2" });
      expect((await replaceFile([...customers, NEWCOMER.row, added.row])).verdict).toBe("csv: loaded");
      expect(await call(added.number)).toMatchObject({ result: "1" });
    });
  });
}

describe("check and explain on a CSV with malformed rows", { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempConfig("listen: { host: 127.0.0.1 }\n", { rows: tenant("rows", "rows.csv") });
    const rows = [...customers];
    rows[2] = `${rows[2]};fazla`; // line 4: a column too many
    rows[6] = rows[6]?.replace(";Kişi;", ';Ki"şi;') ?? ""; // line 8: a stray quote
    await writeFile(path.join(dir, "data", "rows.csv"), `${[HEADER, ...rows].join("\n")}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const skipped = (file: string) =>
    `2 rows of ${file} skipped: line 4 (the row has 8 columns, the header 7), line 8 (a quote inside an unquoted cell)`;

  /** The command as an operator types it, run in this process (the bin takes seconds to start). */
  const cli = async (...argv: string[]) => {
    const written: string[] = [];
    const io = {
      out: (t: string) => void written.push(t),
      err: (t: string) => void written.push(t),
      cwd: dir,
      env: {},
    };
    const code = await run([...argv, "--config", dir], io);
    return { code, stdout: written.join("") };
  };

  it("check lists the skipped rows under the tenant, which still passes; explain notes them", async () => {
    const sentence = skipped(path.join(dir, "data", "rows.csv"));
    const check = await cli("check");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("✓ rows");
    expect(check.stdout).toContain(`    ! ${path.join(dir, "tenants", "rows.yaml")}: crm: ${sentence}`);
    const explain = await cli("explain", "rows", "05441000002");
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain(`- ${sentence}`);
  });
});
