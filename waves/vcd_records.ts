// Compact value-change records inside the VCD byte stream, expanded into VCD text where the bytes are written.
//
// Comparing the traced items with their previous values and encoding the changes (binary digits, identifier code)
// cost the simulation thread about twice the simulation itself on a fully traced core; with the file's writing
// already on a thread of its own (background_writer.ts), that thread has room for both. So, when the traced items
// cover most of the slots they span, the per-cycle path only copies those slots (one memcpy, RECORD_SNAPSHOT) and
// the expander compares and writes the changes; else (a few items of a large design) it compares the items itself
// and stores each change as a record (RECORD_CHANGE: the raw value, the item's index). The expander turns changes
// into the text `b<digits> <code>\n`, `<digit><code>\n` or `s<name> <code>\n` just before the write.
// Everything else (header, timestamps, string probes) stays text: VCD text is ASCII (ByteSink.text and
// encodeStringValue keep it so), so a byte of 0x80 or more can only start a record. A record is written whole into
// one buffer (within the sink's slack, or after a flush for a snapshot that would not fit), so it never straddles a
// hand-over.
//
// The expander is JavaScript source evaluated where it runs: by the writer thread (which has no module loader) and,
// when a file is written on the calling thread, here. One text for both, so both produce the same bytes.

/** A change: this byte, the raw value (int32, little-endian), then the item's index (int32, little-endian). */
export const RECORD_CHANGE = 0x80;
export const RECORD_BYTES = 9;
/**
 * A cycle's snapshot: this byte, then from the next multiple of 8 the cycle's VCD time (float64, little-endian; -1:
 * none), then the values of the slots `[spec.lo, spec.lo + spec.span)` (uint32 each). The expander compares them with
 * the previous snapshot item by item and writes the changes, after `#time` if there are any; it also writes the
 * timestamp before any text that follows (the string probes of that cycle) if no change did.
 */
export const RECORD_SNAPSHOT = 0x81;
/** A snapshot whose every item is written (the `$dumpvars` section), without a timestamp. */
export const RECORD_SNAPSHOT_ALL = 0x82;
/** Forget the last snapshot's timestamp if nothing came after it (before the closing timestamp). */
export const RECORD_NO_TIME = 0x83;

/** Bytes a snapshot takes at most (tag, alignment, time, values). */
export function snapshotBytes(span: number): number {
  return 16 + 4 * span;
}

export const MODE_SCALAR = 0;
export const MODE_VECTOR = 1;
export const MODE_ENUM = 2;

/** What the expander needs to know of the items (plain typed arrays: they go to the writer thread as they are). */
export interface VcdRecordSpec {
  /**
   * Per item, 4 words: the value's mask; the tail that follows the value ('<code>\n' for scalars, ' <code>\n'
   * otherwise) as two little-endian words; its mode plus (tail length << 8) plus (1 << 16) for a vector (its
   * digits follow a 'b').
   */
  meta: Int32Array;
  /** Per item: the index in `nameOff` of its first enum name (enum items only), and how many names it has. */
  enumFirst: Int32Array;
  enumCount: Int32Array;
  /** Name t is `names[nameOff[t], nameOff[t + 1])`, already encoded as a string value. */
  nameOff: Int32Array;
  names: Uint8Array;
  /** Per item: its slot minus `lo` (snapshots hold the slots from `lo`, `span` of them). */
  slots: Int32Array;
  lo: number;
  span: number;
}

/** Turns buffers of text and records into VCD text, handing it to `write` in pieces of at most `outSize` + 4 KiB. */
export interface VcdExpander {
  expand(src: Uint8Array, len: number, write: (out: Uint8Array, n: number) => void): void;
  /** Bytes of text handed to `write` so far. */
  total(): number;
}

/**
 * `makeVcdExpander(spec, outSize)`. Plain JavaScript (no imports, no types): it is evaluated as it stands. The
 * digits go eight at a time, one 64-bit store per byte of the value from a 256-entry table of '0'/'1' patterns
 * (each pattern is a finite double, so its bits survive the load and the store), the value shifted so its first 1
 * leads (no leading zeros, §18.2.3.5: 0 and 1 are one digit); 32 bytes are always stored, the tail overwrites the
 * excess. Buffers start at multiples of 8 bytes (snapshots are aligned within them).
 */
export const EXPANDER_SOURCE = `function makeVcdExpander(spec, outSize) {
  const meta = spec.meta, enumFirst = spec.enumFirst, enumCount = spec.enumCount, nameOff = spec.nameOff, names = spec.names;
  const slots = spec.slots, nItems = slots.length, span = spec.span;
  const prev = new Int32Array(nItems);
  const DIGITS8 = new Float64Array(256);
  {
    const pattern = new Float64Array(1), bytes = new Uint8Array(pattern.buffer);
    for (let b = 0; b < 256; b++) {
      for (let k = 0; k < 8; k++) bytes[k] = 0x30 + ((b >> (7 - k)) & 1);
      DIGITS8[b] = pattern[0];
    }
  }
  // Room past the limit for one expanded change: an enum name is at most 2048 bytes encoded.
  const out = new Uint8Array(outSize + 4096);
  const dv = new DataView(out.buffer);
  const limit = outSize;
  let total = 0;
  let o = 0;
  /** The last snapshot's timestamp while nothing was written after it; else -1. */
  let pending = -1;
  function putTime() {
    out[o++] = 0x23;
    const t = pending;
    let d = 1;
    if (t <= 0x7fffffff) {
      for (let q = t; q >= 10; q = (q / 10) | 0) d++;
      for (let q = t, p = o + d - 1; p >= o; p--, q = (q / 10) | 0) out[p] = 0x30 + (q % 10);
    } else {
      for (let q = t; q >= 10; q = Math.floor(q / 10)) d++;
      for (let q = t, p = o + d - 1; p >= o; p--, q = Math.floor(q / 10)) out[p] = 0x30 + (q % 10);
    }
    o += d;
    out[o++] = 0x0a;
    pending = -1;
  }
  /** Item k's change to \`raw\`. */
  function put(k, raw) {
    const m = meta[4 * k + 3];
    const v = raw & meta[4 * k];
    if ((m & 0xff) !== 2) {
      out[o] = 0x62;
      const p = o + ((m >>> 16) & 1);
      const n = 32 - Math.clz32(v | 1);
      const a = v << (32 - n);
      dv.setFloat64(p, DIGITS8[a >>> 24], true);
      dv.setFloat64(p + 8, DIGITS8[(a >>> 16) & 0xff], true);
      dv.setFloat64(p + 16, DIGITS8[(a >>> 8) & 0xff], true);
      dv.setFloat64(p + 24, DIGITS8[a & 0xff], true);
      o = p + n;
    } else {
      out[o++] = 0x73;
      const u = v >>> 0;
      if (u < enumCount[k]) {
        const t = enumFirst[k] + u;
        for (let q = nameOff[t]; q < nameOff[t + 1]; q++) out[o++] = names[q];
      } else {
        // A value without a name: '?<decimal>'.
        out[o++] = 0x3f;
        const s = String(u);
        for (let q = 0; q < s.length; q++) out[o++] = s.charCodeAt(q);
      }
    }
    dv.setInt32(o, meta[4 * k + 1], true);
    dv.setInt32(o + 4, meta[4 * k + 2], true);
    o += (m >>> 8) & 0xff;
  }
  function expand(src, len, write) {
    const sv = new DataView(src.buffer, src.byteOffset, src.length);
    const s32 = new Int32Array(src.buffer, src.byteOffset, src.length >> 2);
    o = 0;
    let i = 0;
    while (i < len) {
      if (o > limit) { write(out, o); total += o; o = 0; }
      const c = src[i];
      if (c < 0x80) {
        if (pending >= 0) putTime();
        // Text: four bytes at a time while none of them starts a record, then byte by byte up to one.
        while (i + 4 <= len) {
          const w = sv.getInt32(i, true);
          if ((w & 0x80808080) !== 0) break;
          dv.setInt32(o, w, true);
          o += 4;
          i += 4;
          if (o > limit) { write(out, o); total += o; o = 0; }
        }
        while (i < len && src[i] < 0x80) out[o++] = src[i++];
        continue;
      }
      if (c === 0x80) {
        put(sv.getInt32(i + 5, true), sv.getInt32(i + 1, true));
        i += 9;
      } else if (c === 0x81 || c === 0x82) {
        const p = (i + 8) & ~7;
        const t = sv.getFloat64(p, true);
        const w0 = (p + 8) >> 2;
        const all = c === 0x82;
        pending = t;
        for (let k = 0; k < nItems; k++) {
          const raw = s32[w0 + slots[k]];
          if (raw === prev[k] && !all) continue;
          prev[k] = raw;
          if (pending >= 0) putTime();
          put(k, raw);
          if (o > limit) { write(out, o); total += o; o = 0; }
        }
        i = p + 8 + 4 * span;
      } else if (c === 0x83) {
        pending = -1;
        i++;
      } else throw new Error('corrupt value-change record (tag ' + c + ' at byte ' + i + ')');
    }
    if (o > 0) { write(out, o); total += o; o = 0; }
  }
  return { expand, total: () => total };
}`;

/** The expander on the calling thread (files written without a writer thread). */
export function makeVcdExpander(spec: VcdRecordSpec, outSize: number): VcdExpander {
  return (new Function(`return ${EXPANDER_SOURCE}`)() as (s: VcdRecordSpec, n: number) => VcdExpander)(spec, outSize);
}
