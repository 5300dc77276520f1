/**
 * HTTP content negotiation for the site (scripts/start/static-server.ts): PEP 691's choice between the
 * simple index's HTML and JSON forms, and whether a client takes gzip. Pure functions of header values.
 */

/** PEP 691's JSON form of the simple API, version 1. */
export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/** Its HTML form, as PEP 691 names it. */
export const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html';
/** What browsers and older pips take. */
export const TEXT_HTML = 'text/html; charset=utf-8';

interface MediaRange {
  type: string;
  q: number;
  /** Position in the header: earlier wins a tie. */
  order: number;
}

/** The media ranges of an Accept header (RFC 9110 §12.5.1), with their weights; bad weights count as 0. */
export function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim());
      let q = 1;
      for (const param of params) {
        const m = /^q\s*=\s*(.*)$/i.exec(param);
        if (m) q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(m[1]!) ? Number(m[1]) : 0;
      }
      return { type: type.toLowerCase(), q, order };
    })
    .filter((r) => r.type !== '');
}

/** What each served form answers to, most specific first. */
const FORMS: { type: string; answers: string[] }[] = [
  { type: SIMPLE_JSON, answers: [SIMPLE_JSON, 'application/vnd.pypi.simple.latest+json'] },
  { type: SIMPLE_HTML, answers: [SIMPLE_HTML, 'application/vnd.pypi.simple.latest+html'] },
  { type: TEXT_HTML, answers: ['text/html', 'text/*', '*/*'] },
];

/**
 * pips from 22.2 (the first to ask for JSON) to 23.1 cannot use PEP 658 metadata from the JSON form (they
 * read `dist-info-metadata` as the HTML attribute's string and fail on PEP 691's object, which is why PEP
 * 714 renamed it `core-metadata`, a name they do not know), but do use it from the HTML. Raspberry Pi OS
 * Bookworm ships pip 23.0.1: these get the HTML, so they resolve from metadata files rather than wheels.
 */
export function prefersHtml(userAgent: string | undefined): boolean {
  const m = /^pip\/(\d+)\.(\d+)/.exec(userAgent ?? '');
  if (m === null) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major === 22 ? minor >= 2 : major === 23 && minor < 2;
}

/**
 * The form of a simple index page to send for `accept` (an Accept header, or a `?format=` value): the
 * one with the highest weight, an earlier range winning a tie; HTML (text/html) when nothing served is
 * acceptable or nothing is asked, as PEP 691 allows a server to default. With `htmlOnly` (prefersHtml),
 * JSON is not offered.
 */
export function chooseIndexType(accept: string | undefined, htmlOnly = false): string {
  if (accept === undefined || accept.trim() === '') return TEXT_HTML;
  const ranges = parseAccept(accept);
  let best: { type: string; q: number; order: number } | undefined;
  for (const form of htmlOnly ? FORMS.slice(1) : FORMS) {
    // the most specific range that matches this form sets its weight (RFC 9110)
    const range = form.answers.map((a) => ranges.find((r) => r.type === a)).find((r) => r !== undefined);
    if (range === undefined || range.q <= 0) continue;
    if (best === undefined || range.q > best.q || (range.q === best.q && range.order < best.order)) best = { type: form.type, q: range.q, order: range.order };
  }
  return best?.type ?? TEXT_HTML;
}

/** Whether an Accept-Encoding header takes gzip. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const ranges = parseAccept(header);
  const gzip = ranges.find((r) => r.type === 'gzip' || r.type === 'x-gzip') ?? ranges.find((r) => r.type === '*');
  return gzip !== undefined && gzip.q > 0;
}
