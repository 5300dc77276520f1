/**
 * Peer-supplied text in error messages and log lines, bounded: a short text whole, a long one as its first
 * characters, an ellipsis and its length. A hostile peer's megabyte verb or file name must not become a
 * megabyte log line (or the work of building one).
 */

/** Characters of a long text shown before the ellipsis. */
export const CLIP_LENGTH = 32;

/** `text` itself when short; else `abcd… (N characters)`. */
export function clip(text: string, max = CLIP_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** `text` as a JSON string when short; else `"abcd…" (N characters)`. */
export function clipQuoted(text: string, max = CLIP_LENGTH): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(`${text.slice(0, max)}…`)} (${text.length} characters)`;
}
