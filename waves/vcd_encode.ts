// Byte-level encoders of the VCD value-change section, writing into a caller's buffer at a position
// and returning the new position, so the per-cycle path keeps buffer and position in locals and
// never builds strings (fact sheet hdl-dsl-anchors §0 facts 4-6: tracing is the biggest runtime tax).
import type { ByteSink } from './byte_sink.ts';

export const CH_NL = 0x0a;
export const CH_SPACE = 0x20;
export const CH_HASH = 0x23;
export const CH_0 = 0x30;
export const CH_QUESTION = 0x3f;
export const CH_BACKSLASH = 0x5c;
export const CH_UNDERSCORE = 0x5f;
export const CH_S = 0x73;

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

/** Appends `#<time>\n` to the sink (within its slack, flushing first when past its limit). */
export function writeTimestamp(sink: ByteSink, time: number): void {
  if (sink.pos > sink.limit) sink.flush();
  const buf = sink.buf;
  let p = sink.pos;
  buf[p++] = CH_HASH;
  p = putDecimal(buf, p, time);
  buf[p++] = CH_NL;
  sink.pos = p;
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

