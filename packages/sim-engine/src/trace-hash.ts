// A running 64-bit hash (two 32-bit lanes) of everything that decides a
// run: each dispatched event's (time, sequence) and any value simulated code
// mixes in with `trace()`. Two runs with equal hashes dispatched the same
// events in the same order at the same instants.

export class TraceHash {
  private h1 = 0x9e3779b9 | 0;
  private h2 = 0x85ebca6b | 0;
  private count = 0;

  /** Mixes one safe integer (time, sequence number, id, size). */
  mix(value: number): void {
    const lo = value | 0;
    const hi = (value / 0x1_0000_0000) | 0;
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193) ^ hi;
    this.h1 = (this.h1 << 13) | (this.h1 >>> 19);
    this.h2 = Math.imul(this.h2 ^ hi, 0x5bd1e995) ^ lo;
    this.h2 = (this.h2 << 17) | (this.h2 >>> 15);
    this.count++;
  }

  /** Mixes a string, code unit by code unit, followed by its length. */
  mixString(value: string): void {
    for (let i = 0; i < value.length; i++) this.mix(value.charCodeAt(i));
    this.mix(value.length);
  }

  /** Values mixed so far. */
  get mixed(): number {
    return this.count;
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    let a = this.h1 ^ Math.imul(this.h2, 0x27d4eb2d);
    a = Math.imul(a ^ (a >>> 15), 0x85ebca6b);
    let b = this.h2 ^ Math.imul(this.h1, 0x165667b1);
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}
