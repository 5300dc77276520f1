/**
 * A set of build ids as a bitset that grows to the largest id added: build ids are a SERIAL, dense from
 * 1, so the Scribe can remember every build whose log it has seen on the site for an eighth of a byte each
 * (10 million builds: 1.25 MB) instead of asking the disk again with every page.
 */
export class BuildSet {
  #bits = new Uint8Array(1024);

  has(id: number): boolean {
    const byte = id >>> 3;
    return byte < this.#bits.length && (this.#bits[byte]! & (1 << (id & 7))) !== 0;
  }

  add(id: number): void {
    if (!Number.isSafeInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`invalid build id ${id}`);
    const byte = id >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[byte]! |= 1 << (id & 7);
  }

  delete(id: number): void {
    const byte = id >>> 3;
    if (byte < this.#bits.length) this.#bits[byte]! &= ~(1 << (id & 7));
  }
}
