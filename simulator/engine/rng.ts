/**
 * The simulator's only source of randomness: a small seeded generator (sfc32), so that the same seed
 * always produces the same companies, token values and fault decisions. Its state is four 32-bit
 * words, which the persistence layer saves so that a restarted simulator never repeats a token value.
 */

export type RngState = [number, number, number, number];

/** Mixes any number of integers (and short strings) into one 32-bit seed (murmur3 finalizer). */
export function mixSeed(...parts: (number | string)[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    if (typeof part === 'number') {
      hash = mix(hash, part >>> 0);
      hash = mix(hash, Math.floor(part / 2 ** 32) >>> 0);
    } else {
      hash = mix(hash, stringHash(part));
    }
  }
  return hash >>> 0;
}

function splitmix32(state: number): { next: number; value: number } {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { next, value: (z ^ (z >>> 16)) >>> 0 };
}

/** mixSeed for the hot path (one record, one aspect): no rest-argument array. */
export function mixRecordSeed(seed: number, aspect: string, id: number, extra: number): number {
  return (mix(mix(mix(mix(0x9e3779b9, seed >>> 0), stringHash(aspect)), id >>> 0), extra >>> 0) >>> 0);
}

function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ value, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Seeds use a handful of constant labels ("history", "lines-Invoice"…): hash each once. */
const stringHashes = new Map<string, number>();

function stringHash(text: string): number {
  let hash = stringHashes.get(text);
  if (hash === undefined) {
    hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash >>>= 0;
    if (stringHashes.size < 10_000) stringHashes.set(text, hash);
  }
  return hash;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(state: RngState) {
    [this.a, this.b, this.c, this.d] = state;
  }

  static fromSeed(seed: number): Rng {
    // splitmix32 spreads a small seed over the whole state; then warm up past the weak first outputs.
    const s0 = splitmix32(seed >>> 0);
    const s1 = splitmix32(s0.next);
    const s2 = splitmix32(s1.next);
    const s3 = splitmix32(s2.next);
    const rng = new Rng([s0.value, s1.value, s2.value, s3.value]);
    for (let i = 0; i < 4; i++) rng.uint32();
    return rng;
  }

  static fromState(state: RngState): Rng {
    return new Rng([...state]);
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** `count` characters drawn from `alphabet`. */
  chars(count: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < count; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  hex(count: number): string {
    return this.chars(count, '0123456789abcdef');
  }
}

/** The RNG that decides one aspect of one record; independent of every other record and of request order. */
export function recordRng(seed: number, aspect: string, id: number, extra = 0): Rng {
  return Rng.fromSeed(mixRecordSeed(seed, aspect, id, extra));
}
