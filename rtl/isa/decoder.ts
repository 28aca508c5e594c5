// The instruction decoder, built from the table's match/mask values. Words are dispatched on opcode and funct3
// (32-bit) or quadrant and funct3 (RVC) into short candidate lists ordered most specific mask first; results are
// cached by word. Construction rejects ambiguous tables (two encodings that both match some word while neither
// mask contains the other), which is how table typos surface.
import { checkExtensions, extract, encodingsOf, findId } from './table.ts';
import type { Encoding, Ext, Flavour, InstrDef, Operands } from './types.ts';

export interface Decoded {
  /** The 32-bit instruction (for an RVC word: the instruction it expands to). */
  def: InstrDef;
  /** The encoding of `def` in the decoder's flavour. */
  enc: Encoding;
  /** The operands of `def` (for an RVC word: the expanded operands). */
  ops: Readonly<Operands>;
  /** Bytes the word occupies: 2 for RVC. */
  size: 2 | 4;
  /** For an RVC word: the compressed entry, its encoding and its own operands (for disassembly). */
  rvc?: { def: InstrDef; enc: Encoding; ops: Readonly<Operands> };
}

export interface DecoderOptions {
  /** Ids made illegal (e.g. fence/fence.i/p.bitrev on the first RI5CY). RVC forms expanding to them go too. */
  exclude?: string[];
  /** Accept compressed instructions (default true). */
  rvc?: boolean;
  /**
   * Optional extensions to decode (table.ts `OPTIONAL_EXTS`, e.g. 'XpulpNN'); default none: their words are
   * illegal, as on a core built without them.
   */
  extensions?: Ext[];
}

/** Decodes one instruction word (the low 16 bits when bits 1:0 != 11); null when the word is illegal. */
export type DecodeFn = (word: number) => Decoded | null;

interface Candidate {
  def: InstrDef;
  enc: Encoding;
  match: number;
  mask: number;
  /** The 32-bit target of an RVC entry. */
  target?: { def: InstrDef; enc: Encoding };
}

const KEY32 = 0x707f; // opcode + funct3
const KEY16 = 0xe003; // funct3 + quadrant

function key32(w: number): number {
  return ((w >>> 2) & 31) | (((w >>> 12) & 7) << 5);
}
function key16(w: number): number {
  return (w & 3) | (((w >>> 13) & 7) << 2);
}
function keyWord32(k: number): number {
  return ((k & 31) << 2) | 3 | ((k >>> 5) << 12);
}
function keyWord16(k: number): number {
  return (k & 3) | ((k >>> 2) << 13);
}

function popcount(v: number): number {
  let x = v >>> 0;
  let n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

const hex = (v: number, digits: number) => '0x' + (v >>> 0).toString(16).padStart(digits, '0');

const CACHE_LIMIT = 1 << 16;

/** The decoder of a flavour over the whole table. */
export function makeDecoder(flavour: Flavour, opts: DecoderOptions = {}): DecodeFn {
  for (const id of opts.exclude ?? []) {
    if (!findId(id)) throw new Error(`makeDecoder: exclude names unknown instruction id '${id}'`);
  }
  const extensions = checkExtensions(opts.extensions ?? [], 'makeDecoder');
  return makeDecoderFrom(encodingsOf(flavour, { extensions }), flavour, opts, findId);
}

/**
 * A decoder over the given encodings (the table's, or a test's); `lookup` resolves RVC expansion targets.
 * Throws when two encodings overlap ambiguously, naming both ids.
 */
export function makeDecoderFrom(
  entries: ReadonlyArray<{ def: InstrDef; enc: Encoding }>,
  flavour: Flavour,
  opts: DecoderOptions,
  lookup: (id: string) => InstrDef | undefined,
): DecodeFn {
  const excluded = new Set(opts.exclude ?? []);
  const rvc = opts.rvc ?? true;
  const b32: Candidate[][] = Array.from({ length: 256 }, () => []);
  const b16: Candidate[][] = Array.from({ length: 32 }, () => []);

  for (const { def, enc } of entries) {
    if (excluded.has(def.id)) continue;
    const where = `rtl/isa: ${flavour} encoding of '${def.id}'`;
    if ((enc.match & ~enc.mask) !== 0) throw new Error(`${where}: match has bits outside its mask`);
    const c: Candidate = { def, enc, match: enc.match >>> 0, mask: enc.mask >>> 0 };
    if (enc.size === 2) {
      if (!rvc) continue;
      if (!def.expandsTo || !def.expand) throw new Error(`${where}: a 16-bit encoding needs expandsTo and expand`);
      if (excluded.has(def.expandsTo)) continue;
      const t = lookup(def.expandsTo);
      const tenc = t?.enc[flavour];
      if (!t || !tenc) throw new Error(`${where}: expands to '${def.expandsTo}', which has no ${flavour} encoding`);
      c.target = { def: t, enc: tenc };
      if ((c.mask & 3) !== 3 || (c.match & 3) === 3) throw new Error(`${where}: bits 1:0 must be fixed and != 11`);
      for (let k = 0; k < 32; k++) {
        if (((keyWord16(k) ^ c.match) & c.mask & KEY16) === 0) b16[k]!.push(c);
      }
    } else {
      if (!def.exec) throw new Error(`${where}: a 32-bit entry needs exec`);
      if ((c.mask & 3) !== 3 || (c.match & 3) !== 3) throw new Error(`${where}: bits 1:0 must be fixed to 11`);
      for (let k = 0; k < 256; k++) {
        if (((keyWord32(k) ^ c.match) & c.mask & KEY32) === 0) b32[k]!.push(c);
      }
    }
  }

  const checked = new Set<string>();
  for (const bucket of [...b32, ...b16]) {
    bucket.sort((a, b) => popcount(b.mask) - popcount(a.mask));
    for (let i = 0; i < bucket.length; i++) {
      for (let j = i + 1; j < bucket.length; j++) {
        const a = bucket[i]!;
        const b = bucket[j]!;
        const common = a.mask & b.mask;
        if (((a.match ^ b.match) & common) !== 0) continue;
        const pair = `${a.def.id}\0${b.def.id}`;
        if (checked.has(pair)) continue;
        checked.add(pair);
        const aInB = (common >>> 0) === b.mask; // a is at least as specific as b
        const bInA = (common >>> 0) === a.mask;
        if (aInB !== bInA) continue; // strictly nested: the more specific one is tried first
        const w = (a.match | b.match) >>> 0;
        throw new Error(
          `rtl/isa: ${flavour} encodings of '${a.def.id}' (match ${hex(a.match, 8)} mask ${hex(a.mask, 8)}) and ` +
            `'${b.def.id}' (match ${hex(b.match, 8)} mask ${hex(b.mask, 8)}) both match ${hex(w, 8)} and ` +
            `neither is more specific`,
        );
      }
    }
  }

  const cache = new Map<number, Decoded | null>();

  function decodeUncached(w: number): Decoded | null {
    const compressed = (w & 3) !== 3;
    const bucket = compressed ? b16[key16(w)]! : b32[key32(w)]!;
    for (const c of bucket) {
      if (((w ^ c.match) & c.mask) !== 0) continue;
      const ops = extract(c.enc, w);
      if (c.enc.valid && !c.enc.valid(ops)) continue;
      if (c.target) {
        const x = c.def.expand!(ops);
        return {
          def: c.target.def,
          enc: c.target.enc,
          ops: Object.freeze(x),
          size: 2,
          rvc: { def: c.def, enc: c.enc, ops: Object.freeze(ops) },
        };
      }
      return { def: c.def, enc: c.enc, ops: Object.freeze(ops), size: 4 };
    }
    return null;
  }

  return (word: number): Decoded | null => {
    const w = (word & 3) !== 3 ? word & 0xffff : word >>> 0;
    let d = cache.get(w);
    if (d === undefined) {
      d = decodeUncached(w);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(w, d);
    }
    return d;
  };
}
