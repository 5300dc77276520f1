/**
 * An immutable map with O(1) `get`/`set`/`delete` when used linearly (each new version derived from the
 * latest), and still correct when an older version is used again (as xstate's graph tools do when they
 * branch from a saved snapshot). Baker's "rerooting" trick: one shared mutable Map lives at the newest
 * version used; every other version holds the single change that turns its neighbour into itself, and
 * touching an old version walks the chain, re-pointing it so that version becomes the root.
 */
type Node<K, V> =
  | { root: true; map: Map<K, V> }
  | { root: false; key: K; has: boolean; value: V | undefined; next: PersistentMap<K, V> };

export class PersistentMap<K, V> {
  private node: Node<K, V>;

  private constructor(node: Node<K, V>, readonly size: number) {
    this.node = node;
  }

  static empty<K, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>({ root: true, map: new Map() }, 0);
  }

  get(key: K): V | undefined {
    return this.reroot().get(key);
  }

  has(key: K): boolean {
    return this.reroot().has(key);
  }

  set(key: K, value: V): PersistentMap<K, V> {
    const map = this.reroot();
    const had = map.has(key);
    return this.change(map, key, had, map.get(key), had ? this.size : this.size + 1, () => map.set(key, value));
  }

  delete(key: K): PersistentMap<K, V> {
    const map = this.reroot();
    if (!map.has(key)) return this;
    return this.change(map, key, true, map.get(key), this.size - 1, () => map.delete(key));
  }

  /** Applies `mutate` to the shared map, makes the result the root and leaves the undo step here. */
  private change(map: Map<K, V>, key: K, had: boolean, old: V | undefined, size: number, mutate: () => void) {
    mutate();
    const next = new PersistentMap<K, V>({ root: true, map }, size);
    this.node = { root: false, key, has: had, value: old, next };
    return next;
  }

  /** Makes this version the root (iteratively: chains can be long) and returns the shared map. */
  private reroot(): Map<K, V> {
    if (this.node.root) return this.node.map;
    const chain: PersistentMap<K, V>[] = [];
    let at: PersistentMap<K, V> = this;
    while (!at.node.root) {
      chain.push(at);
      at = at.node.next;
    }
    const map = at.node.map;
    for (let i = chain.length - 1; i >= 0; i--) {
      const version = chain[i]!;
      const step = version.node as Extract<Node<K, V>, { root: false }>;
      const next = step.next;
      next.node = { root: false, key: step.key, has: map.has(step.key), value: map.get(step.key), next: version };
      if (step.has) map.set(step.key, step.value as V);
      else map.delete(step.key);
      version.node = { root: true, map };
    }
    return map;
  }
}
