/** What an object listed by name alone (`objects: [Contact, Lead]`) maps: the standard fields Salesforce ships. */
export interface ObjectMapping {
  object: string;
  phones: string[];
  name?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  company?: string | undefined;
  ownerName?: string | undefined;
  ownerExtension?: string | undefined;
  vip?: { field: string; equals?: string[] | undefined } | undefined;
  tags?: string | undefined;
  customerNumber?: string | undefined;
  updatedAt: string;
  createdAt: string;
  fields: Record<string, string>;
}

const owner = { ownerName: "Owner.Name", ownerExtension: "Owner.Extension" };
const times = { updatedAt: "LastModifiedDate", createdAt: "CreatedDate" };

export const STANDARD_OBJECTS: Readonly<Record<string, ObjectMapping>> = {
  Contact: {
    object: "Contact",
    phones: ["Phone", "MobilePhone", "HomePhone", "OtherPhone"],
    firstName: "FirstName",
    lastName: "LastName",
    company: "Account.Name",
    ...owner,
    ...times,
    fields: {},
  },
  Lead: {
    object: "Lead",
    phones: ["Phone", "MobilePhone"],
    firstName: "FirstName",
    lastName: "LastName",
    company: "Company",
    ...owner,
    ...times,
    fields: {},
  },
  Account: { object: "Account", phones: ["Phone"], name: "Name", company: "Name", ...owner, ...times, fields: {} },
};

export const DEFAULT_OBJECTS = ["Contact", "Lead", "Account"] as const;
