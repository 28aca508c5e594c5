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

/** Per byte b: its digits without leading zeros, as two little-endian words (padding is '0'), and their count. */
const TRIM_LO = new Uint32Array(256);
const TRIM_HI = new Uint32Array(256);
const TRIM_LEN = new Uint8Array(256);
/** Per byte b: its 8 digits as two little-endian words. */
const FULL_LO = new Uint32Array(256);
const FULL_HI = new Uint32Array(256);
{
  const word = (d: number[], k: number): number => (d[k]! | (d[k + 1]! << 8) | (d[k + 2]! << 16) | (d[k + 3]! << 24)) >>> 0;
  for (let b = 0; b < 256; b++) {
    const full: number[] = [];
    for (let j = 7; j >= 0; j--) full.push(CH_0 + ((b >> j) & 1));
    FULL_LO[b] = word(full, 0);
    FULL_HI[b] = word(full, 4);
    const n = b < 2 ? 1 : 32 - Math.clz32(b);
    const trim = full.slice(8 - n);
    while (trim.length < 8) trim.push(CH_0);
    TRIM_LO[b] = word(trim, 0);
    TRIM_HI[b] = word(trim, 4);
    TRIM_LEN[b] = n;
  }
}

/**
 * Writes `b<digits>` for an unsigned 32-bit value without leading zeros (§18.2.3.5 left-extends a
 * vector whose leftmost given bit is 0 or 1 with 0): at most 33 bytes, and it may write up to 7
 * bytes of padding past the returned position. The digits go eight at a time, as two 32-bit stores
 * through `dv` (a DataView of `buf`'s memory) from per-byte tables, instead of a byte per bit.
 */
export function putBinary(dv: DataView, buf: Uint8Array, pos: number, v: number): number {
  buf[pos++] = CH_B;
  let k = v < 2 ? 0 : (31 - Math.clz32(v)) >> 3;
  let b = (v >>> (k << 3)) & 0xff;
  dv.setUint32(pos, TRIM_LO[b]!, true);
  dv.setUint32(pos + 4, TRIM_HI[b]!, true);
  pos += TRIM_LEN[b]!;
  while (k > 0) {
    k--;
    b = (v >>> (k << 3)) & 0xff;
    dv.setUint32(pos, FULL_LO[b]!, true);
    dv.setUint32(pos + 4, FULL_HI[b]!, true);
    pos += 8;
  }
  return pos;
}

/** Writes a non-negative safe integer in decimal (at most 16 bytes). */
export function putDecimal(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    buf[pos] = CH_0 + n;
    return pos + 1;
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
 * `out` (room for 2 * text.length bytes) and returns the length.
 */
export function encodeStringValueInto(text: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= CH_SPACE || c === 0x7f) out[n++] = CH_UNDERSCORE;
    else if (c === CH_BACKSLASH) {
      out[n++] = CH_BACKSLASH;
      out[n++] = CH_BACKSLASH;
    } else if (c > 0x7e) out[n++] = CH_QUESTION;
    else out[n++] = c;
  }
  return n;
}

export function encodeStringValue(text: string): Uint8Array {
  const out = new Uint8Array(2 * text.length);
  return out.slice(0, encodeStringValueInto(text, out));
}

