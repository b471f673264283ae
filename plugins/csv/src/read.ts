import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import iconv from "iconv-lite";
import type { Pace } from "./pace.js";

/** Bytes hashed or converted between two looks at the clock. */
const PIECE = 256 * 1024;

/** The file as the scanner reads it, and how to turn its bytes back into text. */
export interface Text {
  /** The file's own bytes, or a UTF-8 copy of them for an encoding whose ASCII is not one byte a character. */
  bytes: Buffer;
  /** Where the first line starts: past a byte order mark. */
  start: number;
  decode(start: number, end: number): string;
  /** How `text` is written in `bytes` (the delimiter). */
  encode(text: string): Uint8Array;
  /** A hash of the file's bytes: the same file gives the same version on every hub node. */
  version: string;
}

/**
 * Reads the whole file into one Buffer (kept for the life of the index: rows are decoded from it when a
 * lookup hits them), hashes it and, for encodings such as UTF-16, converts it to UTF-8, all in slices.
 * `readFile` caps a file at 2 GiB, so a byte offset always fits a Uint32Array.
 */
export async function readText(file: string, encoding: string, pace: Pace): Promise<Text> {
  const raw = await readFile(file);
  pace.resume();
  const version = await hashOf(raw, pace);
  if (asciiTransparent(encoding)) {
    const utf8 = isUtf8(encoding);
    const bom = utf8 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
    return {
      bytes: raw,
      start: bom,
      version,
      decode: utf8 ? (s, e) => raw.toString("utf8", s, e) : (s, e) => iconv.decode(raw.subarray(s, e), encoding),
      encode: (text) => iconv.encode(text, encoding),
    };
  }
  const bytes = await toUtf8(raw, encoding, pace);
  return { bytes, start: 0, version, decode: (s, e) => bytes.toString("utf8", s, e), encode: (t) => Buffer.from(t) };
}

async function hashOf(bytes: Buffer, pace: Pace): Promise<string> {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.length; at += PIECE) {
    hash.update(bytes.subarray(at, at + PIECE));
    if (pace.due()) await pace.yield();
  }
  return hash.digest("base64url").slice(0, 16);
}

const transparent = new Map<string, boolean>();

function isUtf8(encoding: string): boolean {
  return encoding.toLowerCase().replace(/[^a-z0-9]/g, "") === "utf8";
}

/**
 * Whether every ASCII character is written as its own single byte, and every other byte is a character of its
 * own: UTF-8 (whose multi-byte characters never use ASCII bytes) and the single-byte code pages
 * (windows-1254, iso-8859-9, …). Then delimiters, quotes, line breaks and digits can be found in the bytes as
 * they are. Not so for UTF-16, nor for Shift_JIS or GBK, whose second bytes may be `|` or `@`.
 */
function asciiTransparent(encoding: string): boolean {
  if (isUtf8(encoding)) return true;
  let known = transparent.get(encoding);
  if (known === undefined) {
    const text = iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), encoding, { stripBOM: false });
    known = text.length === 256 && Array.from({ length: 128 }, (_, i) => i).every((i) => text.charCodeAt(i) === i);
    transparent.set(encoding, known);
  }
  return known;
}

async function toUtf8(raw: Buffer, encoding: string, pace: Pace): Promise<Buffer> {
  const decoder = iconv.getDecoder(encoding); // strips a byte order mark
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length; at += PIECE) {
    parts.push(Buffer.from(decoder.write(raw.subarray(at, at + PIECE))));
    if (pace.due()) await pace.yield();
  }
  parts.push(Buffer.from(decoder.end() ?? ""));
  const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    offset += part.copy(out, offset);
    if (pace.due()) await pace.yield();
  }
  return out;
}
