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
 * Per byte b: its 8 binary digits as one 64-bit pattern, stored as a double so that one load and one
 * DataView store move 8 digits: every byte is '0' or '1' (0x30/0x31), so the double is a finite number
 * and its bits survive the load and the store unchanged.
 */
const DIGITS8 = new Float64Array(256);
{
  const pattern = new Float64Array(1);
  const bytes = new Uint8Array(pattern.buffer);
  for (let b = 0; b < 256; b++) {
    for (let j = 0; j < 8; j++) bytes[j] = CH_0 + ((b >> (7 - j)) & 1);
    DIGITS8[b] = pattern[0]!;
  }
}

/**
 * Writes the binary digits of an unsigned 32-bit value without leading zeros (§18.2.3.5 left-extends
 * a vector whose leftmost given bit is 0 or 1 with 0; 0 and 1 are one digit) at `pos` and returns
 * how many they are. It always stores 32 bytes (the digits, then zeros' digits): the value is
 * shifted so that its first significant bit leads, and its four bytes go out as four 64-bit stores
 * from a table, the same work for every value, with no branch on its size (which one a change has
 * is unpredictable).
 */
export function putDigits(dv: DataView, pos: number, v: number): number {
  const n = 32 - Math.clz32(v | 1);
  const a = v << (32 - n);
  dv.setFloat64(pos, DIGITS8[a >>> 24]!, true);
  dv.setFloat64(pos + 8, DIGITS8[(a >>> 16) & 0xff]!, true);
  dv.setFloat64(pos + 16, DIGITS8[(a >>> 8) & 0xff]!, true);
  dv.setFloat64(pos + 24, DIGITS8[a & 0xff]!, true);
  return n;
}

/** Writes `b<digits>` for an unsigned 32-bit value (putDigits); it may store up to 31 bytes past the returned position. */
export function putBinary(dv: DataView, buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = CH_B;
  return pos + 1 + putDigits(dv, pos + 1, v);
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

