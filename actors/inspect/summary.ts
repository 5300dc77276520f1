/**
 * One line of text for an event or a state value, at most `budget` characters, made without ever
 * serialising the whole of a large value: an event may carry a 64 KiB chunk of a wheel, or a slave's
 * whole status, and the live view keeps only a glimpse of each. Binary data is shown by its size,
 * errors by their message, and anything past the budget or three levels down as `…`.
 */
const DEPTH = 3;

export function summarize(value: unknown, budget = 200): string {
  const out: string[] = [];
  let left = budget;
  const put = (s: string): boolean => {
    if (left <= 0) return false;
    if (s.length > left) {
      out.push(s.slice(0, Math.max(0, left - 1)) + '…');
      left = 0;
      return false;
    }
    out.push(s);
    left -= s.length;
    return true;
  };
  const walk = (v: unknown, depth: number, skipType: boolean): boolean => {
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return put(String(v));
    if (typeof v === 'bigint') return put(`${v}n`);
    if (typeof v === 'string') return put(JSON.stringify(v.length > left ? v.slice(0, left) : v));
    if (typeof v === 'function') return put('ƒ');
    if (typeof v === 'symbol') return put(v.toString());
    if (v instanceof Uint8Array || v instanceof ArrayBuffer) return put(`<${v.byteLength} bytes>`);
    if (v instanceof Date) return put(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString());
    if (v instanceof Error) return put(`${v.name}: ${v.message}`);
    if (depth >= DEPTH) return put(Array.isArray(v) ? '[…]' : '{…}');
    if (Array.isArray(v) || v instanceof Set) {
      if (!put('[')) return false;
      let first = true;
      for (const item of v) {
        if (!first && !put(', ')) return false;
        first = false;
        if (!walk(item, depth + 1, false)) return false;
      }
      return put(']');
    }
    if (v instanceof Map) return put(`Map(${v.size})`);
    // An actor (a parent or a sender) named rather than walked into.
    if (typeof (v as { sessionId?: unknown }).sessionId === 'string' && typeof (v as { send?: unknown }).send === 'function') {
      return put(`<actor ${String((v as { id?: unknown }).id)}>`);
    }
    if (!put('{')) return false;
    let first = true;
    for (const key in v as object) {
      if (!Object.hasOwn(v as object, key) || (skipType && key === 'type')) continue;
      if (!first && !put(', ')) return false;
      first = false;
      if (!put(`${key}: `) || !walk((v as Record<string, unknown>)[key], depth + 1, false)) return false;
    }
    return put('}');
  };
  walk(value, 0, true);
  return out.join('');
}

/** A state value as the page shows it: `connected.building`, parallel regions joined by `, `. */
export function formatStateValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => {
      const inner = formatStateValue(child);
      return child !== null && typeof child === 'object' && Object.keys(child).length > 1 ? `${key}.(${inner})` : inner === '' ? key : `${key}.${inner}`;
    })
    .join(', ');
}
