/**
 * A table for entries that come and go at the rate of messages: the invocations in flight,
 * the sequences with one running. Backed by a null-prototype object instead of a Map.
 *
 * Why not a Map: when V8 replaces a Map's hash table (it grew, or filled with deleted
 * entries), the old table keeps a link to the new one, for iterators still walking it. A
 * table that lived through two scavenges sits in the old generation, and there a dead table
 * still counts as a root for the next scavenge until a full collection: its link keeps the
 * next table alive, which keeps the next, and each keeps the entries it held. Every entry of
 * a churning Map was thus promoted to the old generation and collected there. On the gateway
 * thread under the bench's load, scavenges kept about 400 KB alive and promoted it each time
 * (`--trace-gc-nvp`); docs/performance.md has the figures. An object's dictionary is
 * replaced the same way, but the old one holds no link to the new one.
 */
export class KeyTable<K extends string | number, V extends NonNullable<unknown>> {
  private entries: Record<string | number, V> = Object.create(null) as Record<string | number, V>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return this.entries[key];
  }

  has(key: K): boolean {
    return this.entries[key] !== undefined;
  }

  set(key: K, value: V): void {
    if (this.entries[key] === undefined) this.count++;
    this.entries[key] = value;
  }

  delete(key: K): boolean {
    if (this.entries[key] === undefined) return false;
    delete this.entries[key];
    this.count--;
    return true;
  }

  clear(): void {
    this.entries = Object.create(null) as Record<string | number, V>;
    this.count = 0;
  }

  /** The values, in ascending order of integer keys, then in insertion order of the others. */
  values(): V[] {
    const values: V[] = [];
    for (const key in this.entries) values.push(this.entries[key]!);
    return values;
  }
}
