/**
 * Who runs after whom: the invocations in flight of each sequence key, as a chain. An
 * executor runs a sequence's invocations one at a time, in order (executor.ts); this is the
 * chain both executors keep for it. A chain exists while its key has an invocation in flight.
 */

import { KeyTable } from './key-table.js';

/** One invocation's place in its sequence. */
export interface SequenceLink {
  /** Undefined: the invocation is in no sequence (every call below then does nothing). */
  readonly sequence: string | undefined;
  /** The invocation queued right behind this one. */
  next?: this;
}

export class Sequences<L extends SequenceLink> {
  /** The newest invocation of each sequence still in flight. */
  private readonly tails = new KeyTable<string, L>();

  /** The newest invocation of `sequence` still in flight, if any: a new one waits for it. */
  tail(sequence: string): L | undefined {
    return this.tails.get(sequence);
  }

  /** Puts `link` at the end of its sequence, behind `tail(link.sequence)`. */
  append(link: L): void {
    if (link.sequence === undefined) return;
    const tail = this.tails.get(link.sequence);
    if (tail) tail.next = link;
    this.tails.set(link.sequence, link);
  }

  /** `link` has ended: returns the invocation behind it, which may start now. */
  release(link: L): L | undefined {
    if (link.sequence === undefined) return undefined;
    const { next } = link;
    if (next) {
      // A link that outlives its turn must not keep the rest of its sequence alive.
      link.next = undefined;
      return next;
    }
    if (this.tails.get(link.sequence) === link) this.tails.delete(link.sequence);
    return undefined;
  }

  /** Forgets the chains whose newest invocation matches (their instance is gone). */
  forget(matches: (tail: L) => boolean): void {
    for (const tail of this.tails.values()) if (matches(tail)) this.tails.delete(tail.sequence!);
  }
}
