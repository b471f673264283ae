import { XMLParser, XMLValidator } from "fast-xml-parser";
import { RequestError } from "./errors.js";

// Entities are decoded below, not by the parser, so no DTD can ever define or expand one.
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  processEntities: false,
  trimValues: true,
});

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

/** The five predefined XML entities and character references, in one pass (so `&amp;#38;` stays `&#38;`). */
function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, name: string) => {
    if (name[0] !== "#") return PREDEFINED[name] ?? "";
    const code = name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** An XML POST: one root element whose children are the fields, `<call><arayan_no>…</arayan_no>…</call>`. */
export function parseXmlFields(xml: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new RequestError("xml_doctype", "XML with a DOCTYPE or ENTITY declaration is refused; send plain XML");
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new RequestError("bad_xml", `the XML body is malformed at line ${line}, column ${col}: ${msg}`);
  }
  const doc: unknown = parser.parse(xml);
  const roots = doc && typeof doc === "object" ? Object.values(doc) : [];
  const root = roots[0];
  if (roots.length !== 1 || root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new RequestError("bad_xml", "the XML body must be one root element whose child elements are the fields");
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(root)) {
    fields[name] = Array.isArray(value) ? value.map(decodeValue) : decodeValue(value);
  }
  return fields;
}

function decodeValue(value: unknown): unknown {
  return typeof value === "string" ? decodeEntities(value) : value;
}
