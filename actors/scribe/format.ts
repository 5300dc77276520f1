/** Number, size and time formats of the pages (Python's `{:,}`, piwheels' `format_size`, local time stamps). */

/** `1234567` → `1,234,567` */
export function thousands(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Base-1024 size without decimals, rounding halves to even as Python does: `121 KB`, `0 B`. */
export function formatSize(bytes: number): string {
  if (!(bytes > 0)) return '0 B';
  let index = 0;
  while (index < SIZE_UNITS.length - 1 && bytes >= 1024 ** (index + 1)) index++;
  const value = bytes / 1024 ** index;
  let rounded = Math.round(value);
  if (rounded - value === 0.5 && rounded % 2 === 1) rounded -= 1;
  return `${rounded} ${SIZE_UNITS[index]}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` in local time. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `YYYY-MM-DD HH:MM` in local time. */
export function localMinute(d: Date): string {
  return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// encodeURI/encodeURIComponent throw on these; a hostile name may carry them
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Percent-encodes what would change the meaning of one URL path segment (`/`, `?`, `#`, `%`, spaces,
 * controls, non-ASCII) and leaves the rest readable, so `foo-1.0+local-py3-none-any.whl` stays as it is.
 */
export function pathSegment(s: string): string {
  return encodeURI(s.replace(LONE_SURROGATE, '\uFFFD')).replace(/[/?#]/g, (c) => encodeURIComponent(c));
}

/** One query-string value, fully percent-encoded. */
export function queryValue(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, '\uFFFD'));
}
