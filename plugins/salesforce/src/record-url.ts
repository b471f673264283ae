/** A record Id as the API returns it: 15 characters, case-sensitive, or the 18-character form. */
const RECORD_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
/** An object's API name: `Contact`, `Musteri__c`, `ns__Musteri__c`. */
const SOBJECT = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The path of a record's page in Lightning Experience, `/lightning/r/<object>/<Id>/view`; undefined for an
 * Id or an object name that could not be Salesforce's, so nothing else ever lands in the link.
 */
export function lightningPath(object: string | undefined, id: string): string | undefined {
  if (object === undefined || !SOBJECT.test(object) || !RECORD_ID.test(id)) return undefined;
  return `/lightning/r/${object}/${id}/view`;
}

/**
 * The path on the org's instance URL (`https://acme.my.salesforce.com`), which Salesforce sends on to the
 * org's Lightning domain (`acme.lightning.force.com`); undefined when the instance URL is not a URL.
 */
export function onInstance(instanceUrl: string, path: string): string | undefined {
  try {
    return new URL(path, instanceUrl).href;
  } catch {
    return undefined;
  }
}
