import type { Contact, LookupQuery } from "@santral-hub/sdk";
import type { MappedRow } from "./row.js";

/** The file in memory: rows in file order, and which rows hold each number and each customer number. */
export class IndexTable {
  private readonly contacts: Contact[] = [];
  private readonly byPhone = new Map<string, number[]>();
  private readonly byCustomer = new Map<string, number[]>();

  get size(): number {
    return this.contacts.length;
  }

  /** How many distinct numbers are indexed, for the load log line. */
  get numbers(): number {
    return this.byPhone.size;
  }

  add(row: MappedRow): void {
    const at = this.contacts.push(row.contact) - 1;
    for (const e164 of row.numbers) push(this.byPhone, e164, at);
    if (row.customerKey) push(this.byCustomer, row.customerKey, at);
  }

  /**
   * Rows matching the phone or the customer number, in file order, at most `limit`. Copies, so a caller
   * that re-cases a name cannot change the index.
   */
  find(query: LookupQuery, limit: number): Contact[] {
    const hits = new Set<number>(query.phone ? (this.byPhone.get(query.phone.e164) ?? []) : []);
    const customerKey = query.customerNumber?.replace(/\D/g, "");
    for (const at of customerKey ? (this.byCustomer.get(customerKey) ?? []) : []) hits.add(at);
    return [...hits]
      .sort((a, b) => a - b)
      .slice(0, limit)
      .flatMap((at) => {
        const c = this.contacts[at];
        return c ? [structuredClone(c)] : [];
      });
  }
}

function push(map: Map<string, number[]>, key: string, at: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== at) list.push(at);
  } else map.set(key, [at]);
}
