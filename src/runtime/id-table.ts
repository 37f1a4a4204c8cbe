/**
 * A table keyed by ids that a counter hands out (invocations, host calls): entries come and go
 * at the rate of messages, and almost every live one is recent.
 *
 * Why not a KeyTable (key-table.ts): integer keys put an object's elements in a number
 * dictionary, and a set, get and delete there cost about 250 ns together, against about 15 ns
 * here (measured on Node 20); the gateway does several per message. Why not a Map: see
 * key-table.ts.
 *
 * Entries sit in a ring of slots indexed by the id's low bits. The ring doubles while it is
 * half full, up to MAX_RING slots, and growing never makes two entries meet (ids that differ in
 * their low bits still differ in more of them). When a newer id wants the slot of an older one
 * that is still there (a long-running invocation, older than the ring is long), the older moves
 * to a small overflow table, so one slow handler does not make the ring as long as the ids
 * handed out meanwhile.
 */
import { KeyTable } from './key-table.js';

const FIRST_RING = 64;
/** The ring's longest: 64 Ki slots, about 1 MiB with the ids. */
const MAX_RING = 65_536;

export class IdTable<V extends NonNullable<unknown>> {
  private ids = new Float64Array(FIRST_RING);
  /** undefined marks a free slot; an occupied slot holds the value for the id in `ids`. */
  private slots: Array<V | undefined> = new Array<V | undefined>(FIRST_RING).fill(undefined);
  private mask = FIRST_RING - 1;
  private inRing = 0;
  private readonly overflow = new KeyTable<number, { readonly id: number; value: V }>();

  get size(): number {
    return this.inRing + this.overflow.size;
  }

  get(id: number): V | undefined {
    const slot = this.slotOf(id);
    if (slot >= 0) return this.slots[slot];
    return this.overflow.size === 0 ? undefined : this.overflow.get(id)?.value;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, value: V): void {
    const held = this.slotOf(id);
    if (held >= 0) {
      this.slots[held] = value;
      return;
    }
    const overflowed = this.overflow.size === 0 ? undefined : this.overflow.get(id);
    if (overflowed) {
      overflowed.value = value;
      return;
    }
    if (this.inRing * 2 >= this.slots.length && this.slots.length < MAX_RING) this.grow();
    const slot = id & this.mask;
    const displaced = this.slots[slot];
    if (displaced === undefined) this.inRing++;
    else this.overflow.set(this.ids[slot]!, { id: this.ids[slot]!, value: displaced });
    this.ids[slot] = id;
    this.slots[slot] = value;
  }

  delete(id: number): boolean {
    const slot = this.slotOf(id);
    if (slot >= 0) {
      this.slots[slot] = undefined;
      this.inRing--;
      return true;
    }
    return this.overflow.size > 0 && this.overflow.delete(id);
  }

  clear(): void {
    this.ids = new Float64Array(FIRST_RING);
    this.slots = new Array<V | undefined>(FIRST_RING).fill(undefined);
    this.mask = FIRST_RING - 1;
    this.inRing = 0;
    this.overflow.clear();
  }

  /** The values in ascending order of their ids (a scan of the whole ring: not for every message). */
  values(): V[] {
    const entries: Array<[number, V]> = [];
    for (let slot = 0; slot < this.slots.length; slot++) {
      const value = this.slots[slot];
      if (value !== undefined) entries.push([this.ids[slot]!, value]);
    }
    for (const { id, value } of this.overflow.values()) entries.push([id, value]);
    return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  }

  /** The ring slot holding `id`, or -1 (it is in the overflow, or nowhere). */
  private slotOf(id: number): number {
    const slot = id & this.mask;
    return this.slots[slot] !== undefined && this.ids[slot] === id ? slot : -1;
  }

  private grow(): void {
    const { ids, slots } = this;
    const length = slots.length * 2;
    this.ids = new Float64Array(length);
    this.slots = new Array<V | undefined>(length).fill(undefined);
    this.mask = length - 1;
    for (let slot = 0; slot < slots.length; slot++) {
      const value = slots[slot];
      if (value === undefined) continue;
      const id = ids[slot]!;
      this.ids[id & this.mask] = id;
      this.slots[id & this.mask] = value;
    }
  }
}
