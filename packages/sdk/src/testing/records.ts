import type { SeedRecord } from "./types.js";

/** The numbers the kit calls with, in E.164. None of the records below holds `unknown`. */
export const CONFORMANCE_NUMBERS = {
  plain: "+905441000000",
  twoInOneMobile: "+905441000008",
  twoInOneLandline: "+902125551234",
  shared: "+905441000009",
  capitals: "+905441000010",
  customerMobile: "+905441000011",
  customerLandline: "+902125550011",
  /** Shares its last 7 digits with `plain` but is another number. */
  nearMiss: "+905321000000",
  unknown: "+905449999999",
} as const;

/** Customer numbers typed in the IVR: one stored on a record, one on none. */
export const CUSTOMER_NUMBERS = { known: "4802135", unknown: "9999999" } as const;

/** Every form a Turkish number is stored in, with the E.164 it must be found by. */
export const STORED_FORMS: readonly { id: string; stored: string; e164: string }[] = [
  { id: "form-trunk", stored: "05441000000", e164: "+905441000000" },
  { id: "form-national", stored: "5441000001", e164: "+905441000001" },
  { id: "form-country", stored: "905441000002", e164: "+905441000002" },
  { id: "form-e164", stored: "+905441000003", e164: "+905441000003" },
  { id: "form-spaced", stored: "0544 100 00 04", e164: "+905441000004" },
  { id: "form-international", stored: "+90 (544) 100-0005", e164: "+905441000005" },
  { id: "form-bracketed", stored: "(0544) 100 00 06", e164: "+905441000006" },
  { id: "form-double-zero", stored: "0090 544 100 00 07", e164: "+905441000007" },
];

/** How a caller's number arrives from the PBX, built from its national number. */
export const ARRIVAL_FORMS: readonly { label: string; format: (national: string) => string }[] = [
  { label: "0544…", format: (n) => `0${n}` },
  { label: "544…", format: (n) => n },
  { label: "90544…", format: (n) => `90${n}` },
  { label: "+90544…", format: (n) => `+90${n}` },
  { label: "' 90544…' (a + decoded to a space)", format: (n) => ` 90${n}` },
];

const formNames = ["Zeynep Ak", "Burak Çelik", "Gül Özdemir", "Oğuz Arslan", "Şule Koç", "Emre Aydın", "Derya Kılıç"];

/** The fixed dataset every plugin seeds. Names are unique: the kit recognises a record by id, or by name. */
export const CONFORMANCE_RECORDS: readonly SeedRecord[] = [
  {
    id: "form-trunk",
    kind: "Contact",
    phones: ["05441000000"],
    firstName: "Ayşe",
    lastName: "Yılmaz",
    name: "Ayşe Yılmaz",
    company: "Deniz Lojistik",
    vip: true,
    ownerName: "Mehmet Kaya",
    ownerExtension: "201",
    tags: ["altın", "istanbul"],
    updatedAt: "2025-03-01T09:30:00.000Z",
    createdAt: "2024-11-15T08:00:00.000Z",
    fields: { segment: "kurumsal" },
  },
  ...STORED_FORMS.slice(1).map((form, i): SeedRecord => {
    const [firstName = "", lastName = ""] = (formNames[i] ?? "").split(" ");
    return { id: form.id, phones: [form.stored], firstName, lastName, name: `${firstName} ${lastName}`, vip: false };
  }),
  {
    id: "two-in-one",
    phones: ["0212 555 12 34 / 0544 100 00 08"],
    firstName: "Hakan",
    lastName: "Polat",
    name: "Hakan Polat",
    vip: false,
  },
  {
    id: "shared-a",
    phones: ["05441000009"],
    firstName: "Canan",
    lastName: "Erdem",
    name: "Canan Erdem",
    company: "Ege Tekstil",
    ownerName: "Can Demir",
    ownerExtension: "211",
    updatedAt: "2025-01-10T12:00:00.000Z",
  },
  {
    id: "shared-b",
    phones: ["+90 544 100 00 09"],
    firstName: "Serkan",
    lastName: "Tunç",
    name: "Serkan Tunç",
    company: "Ege Tekstil",
    ownerName: "Elif Şahin",
    ownerExtension: "212",
    updatedAt: "2025-02-20T12:00:00.000Z",
  },
  { id: "near-miss", phones: ["0532 100 00 00"], firstName: "Kemal", lastName: "Uçar", name: "Kemal Uçar", vip: false },
  { id: "capitals", phones: ["05441000010"], firstName: "İLKER", lastName: "IŞIK", name: "İLKER IŞIK", vip: false },
  {
    id: "customer",
    phones: ["0212 555 00 11", "0544 100 00 11"],
    firstName: "Nur",
    lastName: "Güneş",
    name: "Nur Güneş",
    customerNumber: CUSTOMER_NUMBERS.known,
    vip: false,
  },
];

/** The record with this id; throws on a typo so a test never checks against `undefined`. */
export function record(id: string): SeedRecord {
  const found = CONFORMANCE_RECORDS.find((r) => r.id === id);
  if (!found) throw new Error(`no conformance record "${id}"`);
  return found;
}
