import { randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Identifiers in Cognito's formats (pool ids, client ids, secrets, `sub` UUIDs), from a small
 * seedable PRNG (mulberry32): the same seed gives the same ids, which keeps benchmark runs
 * comparable. Not for anything secret: the fake's secrets protect nothing.
 */
export class IdSource {
  private state: number;

  constructor(seed?: number) {
    this.state = (seed ?? randomInt(0, 2 ** 32)) >>> 0;
  }

  private next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  private chars(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.next32() % alphabet.length];
    return out;
  }

  poolId(region: string): string {
    return `${region}_${this.chars(9, ALNUM)}`;
  }

  clientId(): string {
    return this.chars(26, LOWER_ALNUM);
  }

  clientSecret(): string {
    return this.chars(51, LOWER_ALNUM);
  }

  token(length: number): string {
    return this.chars(length, LOWER_ALNUM);
  }

  /** A version-4 UUID, the shape of Cognito's `sub`. */
  uuid(): string {
    const hex = [this.next32(), this.next32(), this.next32(), this.next32()]
      .map((n) => n.toString(16).padStart(8, '0'))
      .join('');
    const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
