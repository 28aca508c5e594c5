// VCD identifier codes (IEEE 1364-2005 §18.2.1: printable ASCII '!'..'~', no whitespace).
// Bijective base 94 so that every index has exactly one code and the first 94 signals get one
// character each; 32-bit indices need at most 5 characters.

const FIRST = 0x21; // '!'
const RADIX = 94; // '!'..'~'

/** The identifier code of the n-th declared variable (n >= 0). */
export function vcdIdCode(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`VCD identifier index ${n} is not a non-negative integer`);
  let s = '';
  let k = n;
  for (;;) {
    s += String.fromCharCode(FIRST + (k % RADIX));
    k = Math.floor(k / RADIX);
    if (k === 0) return s;
    k -= 1;
  }
}
