import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { RequestError } from "../errors/request-error.js";
import { bodyError } from "./errors.js";
import { tooManyFields } from "./fields.js";
import { INBOUND_LIMITS } from "./limits.js";

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

/**
 * An XML POST: one root element whose children are the fields, `<call><arayan_no>…</arayan_no>…</call>`.
 * Before the validator and the parser see it, a scan that stops at the first excess (`scanXml`) holds it to
 * what a call can be; their messages quote the body, so only their line, column and kind of error are told.
 */
export function parseXmlFields(xml: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw bodyError("xml_doctype", "XML with a DOCTYPE or ENTITY declaration is refused; send plain XML");
  }
  scanXml(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { code, line, col } = valid.err;
    throw bodyError("bad_xml", `the XML body is malformed at line ${line}, column ${col}: ${KINDS[code] ?? code}`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    // the scan refuses what the parser is known to throw for (reserved names, depth): this is a safety net
    throw bodyError("bad_xml", "the XML body could not be parsed; send one root element of text fields");
  }
  const roots = doc && typeof doc === "object" ? Object.values(doc) : [];
  const root = roots[0];
  if (roots.length !== 1 || root === null || typeof root !== "object" || Array.isArray(root)) {
    throw bodyError("bad_xml", "the XML body must be one root element whose child elements are the fields");
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

/** The validator's kinds of error, told without its message (which quotes names and text of the body). */
const KINDS: Record<string, string> = {
  InvalidXml: "the tags do not match, or there is more than one root element or text outside it",
  InvalidTag: "a tag is unclosed, mismatched or has an invalid name",
  InvalidAttr: "an attribute is malformed",
  InvalidChar: "a character is not allowed there",
};

/** Names the parser refuses (and that must never become an object's keys): 400 here rather than its throw. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** Longest markup from `<` to `>`: a name of `INBOUND_LIMITS.name` and room for a namespace declaration. */
const MAX_TAG = 256;

/** Tags, comments, CDATA sections and processing instructions: a start and an end per element, and a few. */
const MAX_MARKUP = 2 * (INBOUND_LIMITS.fields + 1) + 8;

/**
 * A call's XML is one root and at most `INBOUND_LIMITS.fields` children holding text. This pass finds each `<`
 * with `indexOf` and stops at the first element too many, too deep or named too long, so a hostile body
 * costs about what reading it does, whatever its size: the validator and the parser, at ~8 µs an element,
 * then see at most a bounded number of tags. It checks only bounds; well-formedness is the validator's.
 */
function scanXml(xml: string): void {
  let depth = 0;
  let elements = 0;
  let markup = 0;
  for (let at = xml.indexOf("<"); at !== -1; ) {
    if (++markup > MAX_MARKUP) throw tooManyFields();
    let end: number;
    if (xml.startsWith("<!--", at)) end = closing(xml, at, "-->");
    else if (xml.startsWith("<![CDATA[", at)) end = closing(xml, at, "]]>");
    else {
      end = closing(xml, at, ">");
      if (end - at > MAX_TAG) throw badXml(xml, at, `a tag is over ${MAX_TAG} characters`);
      const next = xml[at + 1];
      if (next === "/") depth--;
      else if (next !== "?" && next !== "!") {
        const name = tagName(xml, at + 1, end);
        if (name.length > INBOUND_LIMITS.name) {
          throw badXml(xml, at, `an element's name is ${name.length} characters; at most ${INBOUND_LIMITS.name}`);
        }
        if (RESERVED.has(name)) throw badXml(xml, at, "an element has a name reserved in JavaScript");
        if (++elements > INBOUND_LIMITS.fields + 1) throw tooManyFields();
        if (xml[end - 2] !== "/" && ++depth > 2) {
          throw badXml(
            xml,
            at,
            "an element is nested in a field; the fields must be the root's children, holding text",
          );
        }
      }
    }
    at = xml.indexOf("<", end);
  }
}

/** Where the markup opened at `at` ends: just past `terminator` (or the end of the text, left to the validator). */
function closing(xml: string, at: number, terminator: string): number {
  const found = xml.indexOf(terminator, at + 1);
  return found === -1 ? xml.length : found + terminator.length;
}

/** The element name of a start tag: up to a blank, `/` or `>`. */
function tagName(xml: string, from: number, end: number): string {
  let to = from;
  while (to < end && !" \t\r\n/>".includes(xml[to] as string)) to++;
  return xml.slice(from, to);
}

/** A bound the body broke, said with its line and column (never its text). */
function badXml(xml: string, at: number, what: string): RequestError {
  let line = 1;
  let start = 0;
  for (let i = xml.indexOf("\n"); i !== -1 && i < at; i = xml.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return bodyError("bad_xml", `the XML body is refused at line ${line}, column ${at - start + 1}: ${what}`);
}
