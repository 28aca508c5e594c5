// Bit-field helpers for process code (instruction fields, immediates, byte lanes). All results are
// unsigned 32-bit numbers except `sext`, which returns the signed value (store it with `>>> 0` or into a
// 32-bit signal, which accepts int32).

/** Bits hi..lo of x (inclusive), as in Verilog x[hi:lo]. */
export function bits(x: number, hi: number, lo: number): number {
  const w = hi - lo + 1;
  return w >= 32 ? x >>> 0 : (x >>> lo) & ((1 << w) - 1);
}

/** Bit i of x (0 or 1). */
export function bit(x: number, i: number): number {
  return (x >>> i) & 1;
}

/** Sign-extends the low `width` bits of x to a signed 32-bit number. */
export function sext(x: number, width: number): number {
  const s = 32 - width;
  return (x << s) >> s;
}

/** Concatenates fields given as [value, width] pairs, most significant first (Verilog {a, b, c}). */
export function cat(...fields: readonly (readonly [number, number])[]): number {
  let r = 0;
  for (const [v, w] of fields) r = w >= 32 ? v >>> 0 : ((r << w) | (v & ((1 << w) - 1))) >>> 0;
  return r >>> 0;
}
