import { parsePhone, phonesIn } from "@santral-hub/sdk";

export type ObjectType = "contacts" | "companies";

export interface FakeRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** What each property matches on in a filter; the calculated phone properties may hold several. */
  searchable: Record<string, string[]>;
}

/** HubSpot's calculated phone properties, from the typed property they are derived from. */
const CALCULATED: Record<string, { e164: string; searchable: string }> = {
  phone: { e164: "hs_calculated_phone_number", searchable: "hs_searchable_calculated_phone_number" },
  mobilephone: { e164: "hs_calculated_mobile_number", searchable: "hs_searchable_calculated_mobile_number" },
};

/** The properties a search returns when it names none (HubSpot's search guide). */
export const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ["firstname", "lastname", "email", "lastmodifieddate", "hs_object_id", "createdate"],
  companies: ["name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"],
};

/**
 * The fake's records. Like HubSpot, it derives the calculated phone properties from `phone` and
 * `mobilephone`: `hs_calculated_*` in E.164 and `hs_searchable_calculated_*` as national digits without
 * the country code (CRM-NOTES: what integrators report; no HubSpot page confirms it). ASSUMPTION, also
 * unconfirmed: a field holding several numbers (`0212 555 12 34 / 0544 100 00 08`) is searchable by each;
 * the property returned shows the first.
 */
export class FakeStore {
  readonly objects: Record<ObjectType, FakeRecord[]> = { contacts: [], companies: [] };
  private next = 1001;

  add(type: ObjectType, properties: Record<string, string>, times: { createdAt?: string; updatedAt?: string } = {}) {
    const id = String(this.next++);
    const createdAt = times.createdAt ?? "2024-01-01T00:00:00.000Z";
    const updatedAt = times.updatedAt ?? createdAt;
    const modified = type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
    const props: Record<string, string> = {
      ...properties,
      hs_object_id: id,
      createdate: createdAt,
      [modified]: updatedAt,
    };
    const searchable: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(props)) searchable[name] = [value];
    for (const [typed, calculated] of Object.entries(CALCULATED)) {
      const numbers = phonesIn(props[typed] ?? "").flatMap((e164) => parsePhone(e164) ?? []);
      const first = numbers[0];
      if (!first) continue;
      props[calculated.e164] = first.e164;
      props[calculated.searchable] = first.national;
      searchable[calculated.e164] = numbers.map((n) => n.e164);
      searchable[calculated.searchable] = numbers.map((n) => n.national);
    }
    const record: FakeRecord = { id, properties: props, createdAt, updatedAt, searchable };
    this.objects[type].push(record);
    return record;
  }
}

/** A call engagement as the fake keeps it, and what it is associated with. */
export interface FakeCall {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  associations: { type: ObjectType; id: string; typeId: number }[];
}

/** The call properties the account's admin created with `hasUniqueValue: true`: the ones an upsert may key on. */
export const UNIQUE_CALL_PROPERTIES = ["santral_call_id"];

/** The fake's call engagements (`/crm/v3/objects/calls`). */
export class FakeCalls {
  readonly all: FakeCall[] = [];
  private next = 5001;

  /** Creates the call whose `idProperty` is `id`, or updates it; `new` says which, as HubSpot's upsert does. */
  upsert(idProperty: string, id: string, properties: Record<string, string>): FakeCall & { new: boolean } {
    const now = new Date().toISOString();
    const known = this.all.find((c) => c.properties[idProperty] === id);
    if (known) {
      Object.assign(known.properties, properties, { hs_lastmodifieddate: now });
      known.updatedAt = now;
      return { ...known, new: false };
    }
    const call: FakeCall = {
      id: String(this.next++),
      properties: { ...properties, [idProperty]: id, hs_createdate: now, hs_lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      associations: [],
    };
    call.properties.hs_object_id = call.id;
    this.all.push(call);
    return { ...call, new: true };
  }
}
