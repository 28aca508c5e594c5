// Byte-level encoders of the VCD value-change section, writing into a caller's buffer at a position
// and returning the new position, so the per-cycle path keeps buffer and position in locals and
// never builds strings (fact sheet hdl-dsl-anchors §0 facts 4-6: tracing is the biggest runtime tax).

export const CH_NL = 0x0a;
export const CH_SPACE = 0x20;
export const CH_HASH = 0x23;
export const CH_0 = 0x30;
export const CH_QUESTION = 0x3f;
export const CH_BACKSLASH = 0x5c;
export const CH_UNDERSCORE = 0x5f;
export const CH_B = 0x62;
export const CH_S = 0x73;

/**
 * Per byte b: its 8 binary digits as one 64-bit pattern (FULL), and its digits without leading zeros,
 * padded with '0' to 8 (TRIM) with their count (TRIM_LEN). The patterns are stored as doubles so that
 * one load and one DataView store move 8 digits: every byte is '0' or '1' (0x30/0x31), so the double
 * is a finite number and its bits survive the load and the store unchanged.
 */
const FULL = new Float64Array(256);
const TRIM = new Float64Array(256);
const TRIM_LEN = new Uint8Array(256);
{
  const pattern = new Float64Array(1);
  const bytes = new Uint8Array(pattern.buffer);
  for (let b = 0; b < 256; b++) {
    for (let j = 0; j < 8; j++) bytes[j] = CH_0 + ((b >> (7 - j)) & 1);
    FULL[b] = pattern[0]!;
    const n = b < 2 ? 1 : 32 - Math.clz32(b);
    for (let j = 0; j < 8; j++) bytes[j] = j < n ? CH_0 + ((b >> (n - 1 - j)) & 1) : CH_0;
    TRIM[b] = pattern[0]!;
    TRIM_LEN[b] = n;
  }
}

/**
 * Writes `b<digits>` for an unsigned 32-bit value without leading zeros (§18.2.3.5 left-extends a
 * vector whose leftmost given bit is 0 or 1 with 0): at most 33 bytes, and it may write up to 7
 * bytes of padding past the returned position. The digits go eight at a time, one 64-bit store
 * through `dv` (a DataView of `buf`'s memory) per byte of the value, instead of a byte per bit.
 */
export function putBinary(dv: DataView, buf: Uint8Array, pos: number, v: number): number {
  buf[pos++] = CH_B;
  if (v < 0x100) {
    dv.setFloat64(pos, TRIM[v]!, true);
    return pos + TRIM_LEN[v]!;
  }
  const k = (31 - Math.clz32(v)) >> 3; // index of the leading non-zero byte: 1..3
  let b = (v >>> (k << 3)) & 0xff;
  dv.setFloat64(pos, TRIM[b]!, true);
  pos += TRIM_LEN[b]!;
  if (k === 3) {
    dv.setFloat64(pos, FULL[(v >>> 16) & 0xff]!, true);
    pos += 8;
  }
  if (k >= 2) {
    dv.setFloat64(pos, FULL[(v >>> 8) & 0xff]!, true);
    pos += 8;
  }
  b = v & 0xff;
  dv.setFloat64(pos, FULL[b]!, true);
  return pos + 8;
}

/** Writes a non-negative safe integer in decimal (at most 16 bytes). */
export function putDecimal(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    buf[pos] = CH_0 + n;
    return pos + 1;
  }
  if (n <= 0x7fffffff) {
    // Integer division by a constant compiles to a multiplication; the general path divides doubles.
    let digits = 1;
    for (let k = n; k >= 10; k = (k / 10) | 0) digits++;
    let p = pos + digits;
    for (let k = n; k !== 0; k = (k / 10) | 0) buf[--p] = CH_0 + (k % 10);
    return pos + digits;
  }
  let digits = 0;
  for (let k = n; k >= 1; k = Math.floor(k / 10)) digits++;
  let p = pos + digits;
  for (let k = n; k >= 1; k = Math.floor(k / 10)) buf[--p] = CH_0 + (k % 10);
  return pos + digits;
}

/** Copies `len` bytes of `src` from `off` to `buf` at `pos`. */
export function putBytes(buf: Uint8Array, pos: number, src: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < len; i++) buf[pos + i] = src[off + i]!;
  return pos + len;
}

/**
 * GTKWave's `s<text>` values are one whitespace-free token, and GTKWave decodes C escapes in them
 * (fstUtilityEscToBin in its VCD loaders). So: whitespace and controls become '_' (as Amaranth
 * does), a backslash is escaped as '\\', and characters beyond ASCII become '?'. Writes into
 * `out` from `at` (room for 2 * text.length bytes) and returns the length written.
 */
export function encodeStringValueInto(text: string, out: Uint8Array, at = 0): number {
  let n = at;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= CH_SPACE || c === 0x7f) out[n++] = CH_UNDERSCORE;
    else if (c === CH_BACKSLASH) {
      out[n++] = CH_BACKSLASH;
      out[n++] = CH_BACKSLASH;
    } else if (c > 0x7e) out[n++] = CH_QUESTION;
    else out[n++] = c;
  }
  return n - at;
}

export function encodeStringValue(text: string): Uint8Array {
  const out = new Uint8Array(2 * text.length);
  return out.slice(0, encodeStringValueInto(text, out));
}

