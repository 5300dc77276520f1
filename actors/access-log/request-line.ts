/** The URL path of an HTTP request line (`%r`) or URL (`%U`), without query string or fragment. */

/** `GET /simple/foo/?x=1 HTTP/1.1` → `/simple/foo/`; undefined when there is no method and target. */
export function requestLinePath(request: string): string | undefined {
  const first = request.indexOf(' ');
  if (first <= 0) return undefined;
  const last = request.lastIndexOf(' ');
  // HTTP/0.9 requests have no protocol: `GET /`.
  const target = last > first ? request.slice(first + 1, last) : request.slice(first + 1);
  return target ? urlPath(target) : undefined;
}

/** The path of a request target: origin form (`/a?b`) or absolute form (`http://host/a?b`, proxies). */
export function urlPath(target: string): string {
  let start = 0;
  if (target.charCodeAt(0) !== 47) {
    const scheme = target.indexOf('://');
    if (scheme > 0) {
      const slash = target.indexOf('/', scheme + 3);
      if (slash < 0) return '/';
      start = slash;
    }
  }
  let end = target.length;
  for (let i = start; i < end; i++) {
    const c = target.charCodeAt(i);
    if (c === 63 || c === 35) end = i;
  }
  return start === 0 && end === target.length ? target : target.slice(start, end);
}
