/**
 * Many single reads made as one: `load(key)` waits for the next batch, which asks `fetch` for every key
 * loaded meanwhile (each once), at most `max` at a time. A batch goes at the next turn of the event loop,
 * or, while `inFlight` batches are out already, when one of them is back: a rebuild's packages, coming a
 * few at a time, share a query rather than making several each (the Scribe's page data over the Oracle).
 * A key missing from the answer gets `missing`; a failed fetch fails every load of its batch.
 */
export class BatchLoader<K, V> {
  readonly #fetch: (keys: K[]) => Promise<Map<K, V>>;
  readonly #missing: V;
  readonly #max: number;
  readonly #inFlight: number;
  #waiting = new Map<K, { promise: Promise<V>; resolve: (value: V) => void; reject: (err: unknown) => void }>();
  #out = 0;
  #scheduled = false;

  constructor(fetch: (keys: K[]) => Promise<Map<K, V>>, options: { missing: V; max?: number; inFlight?: number }) {
    this.#fetch = fetch;
    this.#missing = options.missing;
    this.#max = options.max ?? 256;
    this.#inFlight = options.inFlight ?? 2;
  }

  load(key: K): Promise<V> {
    const known = this.#waiting.get(key);
    if (known !== undefined) return known.promise;
    let resolve!: (value: V) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<V>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#waiting.set(key, { promise, resolve, reject });
    this.#schedule();
    return promise;
  }

  #schedule(): void {
    if (this.#scheduled || this.#out >= this.#inFlight || this.#waiting.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    if (this.#out >= this.#inFlight || this.#waiting.size === 0) return;
    const batch = [...this.#waiting].slice(0, this.#max);
    for (const [key] of batch) this.#waiting.delete(key);
    this.#out++;
    this.#fetch(batch.map(([key]) => key)).then(
      (values) => {
        for (const [key, { resolve }] of batch) resolve(values.has(key) ? values.get(key)! : this.#missing);
      },
      (err: unknown) => {
        for (const [, { reject }] of batch) reject(err);
      },
    ).finally(() => {
      this.#out--;
      this.#schedule();
    });
    this.#schedule();
  }
}
