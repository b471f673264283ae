/** A field as `/sobjects/{Object}/describe` lists it (the part of it the plugin reads). */
export interface FieldDef {
  name: string;
  type: string;
  relationshipName: string | null;
  referenceTo: string[];
  polymorphicForeignKey: boolean;
  /** An external id field: upserts may name it (`PATCH /sobjects/Task/<field>/<value>`). */
  externalId?: boolean;
}

export interface ObjectDef {
  name: string;
  /** Id prefix of the object's records: 003 for Contact, 00Q for Lead, ... */
  prefix: string;
  fields: FieldDef[];
}

const field = (name: string, type = "string"): FieldDef => ({
  name,
  type,
  relationshipName: null,
  referenceTo: [],
  polymorphicForeignKey: false,
});
const ref = (name: string, relationshipName: string, referenceTo: string[]): FieldDef => ({
  name,
  type: "reference",
  relationshipName,
  referenceTo,
  polymorphicForeignKey: referenceTo.length > 1,
});
const system = [field("Id", "id"), field("CreatedDate", "datetime"), field("LastModifiedDate", "datetime")];
const custom = [field("Segment__c"), field("Etiketler__c", "multipicklist")];

/**
 * The fields of the polymorphic `Name` object: all a path through an owner that may be a user or a queue
 * (Lead.Owner) can read. `Owner.Extension` on a Lead is refused, as Salesforce refuses it.
 */
export const NAME_FIELDS = ["Id", "Name", "Alias", "Email", "FirstName", "LastName", "IsActive", "Phone", "Title"];

/** The standard objects the plugin maps, with the custom fields the tests use. */
export function defaultSchema(): ObjectDef[] {
  return [
    {
      name: "Contact",
      prefix: "003",
      fields: [
        ...system,
        ...custom,
        ...["FirstName", "LastName", "Name"].map((n) => field(n)),
        ...["Phone", "MobilePhone", "HomePhone", "OtherPhone"].map((n) => field(n, "phone")),
        ref("AccountId", "Account", ["Account"]),
        ref("OwnerId", "Owner", ["User"]),
        field("Musteri_No__c"),
        field("Sicil__c", "double"),
      ],
    },
    {
      name: "Lead",
      prefix: "00Q",
      fields: [
        ...system,
        ...custom,
        ...["FirstName", "LastName", "Name", "Company"].map((n) => field(n)),
        ...["Phone", "MobilePhone"].map((n) => field(n, "phone")),
        ref("OwnerId", "Owner", ["Group", "User"]),
        field("VIP__c", "boolean"),
      ],
    },
    {
      name: "Account",
      prefix: "001",
      fields: [
        ...system,
        field("Name"),
        field("Phone", "phone"),
        field("Type", "picklist"),
        ref("OwnerId", "Owner", ["User"]),
      ],
    },
    {
      name: "User",
      prefix: "005",
      fields: [...system, ...["Name", "FirstName", "LastName", "Alias", "Email", "Extension"].map((n) => field(n))],
    },
    { name: "Group", prefix: "00G", fields: [...system, field("Name")] },
    {
      // an activity: what the plugin writes for a call; Santral_Call_Id__c is an external id the admin made
      name: "Task",
      prefix: "00T",
      fields: [
        ...system,
        ...["Subject", "Description", "TaskSubtype", "CallType", "CallDisposition", "CallObject", "Status"].map((n) =>
          field(n),
        ),
        field("CallDurationInSeconds", "int"),
        field("ActivityDate", "date"),
        ref("WhoId", "Who", ["Contact", "Lead"]),
        ref("WhatId", "What", ["Account"]),
        ref("OwnerId", "Owner", ["User"]),
        { ...field("Santral_Call_Id__c"), externalId: true },
      ],
    },
  ];
}
