/**
 * The links of an HTML index page (a PEP 503 project page, a `--find-links` page, a container's
 * index.html): each anchor's target resolved against the page's address (and its `<base href>`), the
 * file name it ends in, the hashes its fragment carries (`#sha256=…`) and whether it is yanked (PEP 592).
 * Parsed with htmlparser2, so quoting, entities and odd markup are read as a browser would.
 */
import { Parser } from 'htmlparser2';

export interface PageLink {
  /** Absolute, without the fragment. */
  url: string;
  /** The last segment of the URL's path, percent-decoded. */
  filename: string;
  /** Algorithm → lowercase hex digest, from the fragment. */
  hashes: Record<string, string>;
  /** The anchor's text (a PEP 503 root names its projects so). */
  text: string;
  yanked: boolean;
}

const HASH_NAMES = new Set(['sha256', 'sha384', 'sha512', 'sha224', 'sha1', 'md5']);

export function parseLinks(html: string, pageUrl: string): PageLink[] {
  const anchors: { href: string; yanked: boolean; text: string }[] = [];
  let base = pageUrl;
  let open: { href: string; yanked: boolean; text: string } | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href !== undefined && anchors.length === 0) {
          try {
            base = new URL(attrs.href, pageUrl).href;
          } catch {
            // a broken <base> is ignored, as browsers do
          }
        }
        if (name === 'a' && attrs.href !== undefined) {
          open = { href: attrs.href, yanked: 'data-yanked' in attrs, text: '' };
          anchors.push(open);
        }
      },
      ontext(text) {
        if (open !== undefined) open.text += text;
      },
      onclosetag(name) {
        if (name === 'a') open = undefined;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const links: PageLink[] = [];
  for (const anchor of anchors) {
    let url: URL;
    try {
      url = new URL(anchor.href, base);
    } catch {
      continue;
    }
    const hashes: Record<string, string> = {};
    for (const part of url.hash.replace(/^#/, '').split('&')) {
      const [name, value] = part.split('=');
      if (name !== undefined && value !== undefined && HASH_NAMES.has(name.toLowerCase()) && /^[0-9a-f]+$/i.test(value)) {
        hashes[name.toLowerCase()] = value.toLowerCase();
      }
    }
    url.hash = '';
    const segment = url.pathname.split('/').at(-1) ?? '';
    let filename: string;
    try {
      filename = decodeURIComponent(segment);
    } catch {
      continue;
    }
    links.push({ url: url.href, filename, hashes, text: anchor.text.trim(), yanked: anchor.yanked });
  }
  return links;
}
