// VCD identifier codes (IEEE 1364-2005 §18.2.1: printable ASCII '!'..'~', no whitespace), numbered
// bijectively so every index has exactly one code and the first 93 variables get one character.
// A code never starts with '$': the standard allows it, but a bare '$...' token (the code in
// `$var` and after `b`/`s` values) is read as a keyword by many tokenizers.

const FIRST = 0x21; // '!'
const DOLLAR = 0x24;
const RADIX = 94; // '!'..'~'
const RADIX_LEAD = 93; // '!'..'~' without '$'

/** The identifier code of the n-th declared variable (n >= 0). */
export function vcdIdCode(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`VCD identifier index ${n} is not a non-negative integer`);
  const lead = FIRST + (n % RADIX_LEAD);
  let s = String.fromCharCode(lead >= DOLLAR ? lead + 1 : lead);
  // The rest is n / 93 in bijective base 94 (digits 1..94 written as '!'..'~').
  let q = Math.floor(n / RADIX_LEAD);
  while (q > 0) {
    q -= 1;
    s += String.fromCharCode(FIRST + (q % RADIX));
    q = Math.floor(q / RADIX);
  }
  return s;
}
