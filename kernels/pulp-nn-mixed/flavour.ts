/**
 * The mnemonics that differ between the two encodings of the PULP extensions (rtl/isa/types.ts `Flavour`):
 * RI5CY / PULP GCC (`p.*`, `pv.*`, `lp.*`) and CORE-V v2 as LLVM 19 spells it (`cv.*`). The templates speak
 * only through this interface, so both flavours come from the same templates.
 *
 * - Post-increment memory access: `p.lw rd, 4(rs1!)` vs `cv.lw rd, (rs1), 4` (the access uses the old base).
 * - Hardware loops: RI5CY's end label is the LAST instruction of the body (inclusive), CORE-V's the first
 *   instruction after it (exclusive) (testbench/iss/hwloop.ts). Both get `<label>_start` on the first body
 *   instruction and `<label>_end` just after the body, so tools find a loop the same way in either flavour.
 * - SIMD and bit-manipulation prefixes: `pv.`/`p.` vs `cv.`.
 */
import type { Flavour } from '../../rtl/isa/types.ts';

export type { Flavour };

export interface FlavourOps {
  readonly name: Flavour;
  /** Post-incremented load: rd = mem[rs1]; rs1 += inc. `kind` is lw, lh, lhu, lb, lbu. */
  loadInc(kind: 'lw' | 'lh' | 'lhu' | 'lb' | 'lbu', rd: string, base: string, inc: number): string;
  /** Post-incremented store: mem[rs1] = rs2; rs1 += inc. */
  storeInc(kind: 'sw' | 'sh' | 'sb', rs2: string, base: string, inc: number): string;
  /** Sign-extended bit field of `width` bits at bit `offset` (`p.extract rd, rs1, width-1, offset`). */
  extract(rd: string, rs1: string, width: number, offset: number): string;
  /** Zero-extended bit field. */
  extractu(rd: string, rs1: string, width: number, offset: number): string;
  /** Inserts the low `width` bits of rs1 into rd at `offset`; the other bits of rd are kept. */
  insert(rd: string, rs1: string, width: number, offset: number): string;
  /** rd[15:8] = hi[7:0], rd[7:0] = lo[7:0], upper half kept. */
  packLo(rd: string, hi: string, lo: string): string;
  /** rd[31:24] = hi[7:0], rd[23:16] = lo[7:0], lower half kept. */
  packHi(rd: string, hi: string, lo: string): string;
  /** rd += sum over bytes of zext(rs1.b[i]) * sext(rs2.b[i]). */
  sdotusp(rd: string, unsignedRs1: string, signedRs2: string): string;
  /** rd += rs1 * rs2 (32-bit). */
  mac(rd: string, rs1: string, rs2: string): string;
  /** Clip to [0, 2^(is2-1) - 1]. */
  clipu(rd: string, rs1: string, is2: number): string;
  /** Signed minimum / maximum. */
  min(rd: string, rs1: string, rs2: string): string;
  max(rd: string, rs1: string, rs2: string): string;
  /**
   * A hardware loop on loop `level` running `body` `countReg` times (count >= 1; the caller guards 0).
   * The body must hold at least 3 instructions (CV32E40P's minimum) and no label in its last line.
   */
  hwloop(level: 0 | 1, countReg: string, label: string, body: readonly string[]): string[];
}

function checkBody(label: string, body: readonly string[]): void {
  const instrs = body.filter((l) => isInstruction(l));
  if (instrs.length < 3) throw new Error(`hardware loop ${label}: the body needs at least 3 instructions, got ${instrs.length}`);
  if (!isInstruction(body[body.length - 1]!)) throw new Error(`hardware loop ${label}: the body must end with an instruction`);
}

/** A line of generated assembly that is an instruction (not a label, directive or comment). */
export function isInstruction(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith('.') && !/^[A-Za-z_.$0-9]+:$/.test(t);
}

/**
 * Hardware-loop bodies are assembled without compression and start word-aligned: CV32E40P wants bodies of
 * 32-bit instructions on word addresses, and the same layout on RI5CY keeps both flavours' loops alike.
 */
function loopPrologue(): string[] {
  return ['.option push', '.balign 4', '.option norvc'];
}

const xpulpv2: FlavourOps = {
  name: 'xpulpv2',
  loadInc: (k, rd, b, i) => `p.${k} ${rd}, ${i}(${b}!)`,
  storeInc: (k, rs2, b, i) => `p.${k} ${rs2}, ${i}(${b}!)`,
  extract: (rd, rs1, w, o) => `p.extract ${rd}, ${rs1}, ${w - 1}, ${o}`,
  extractu: (rd, rs1, w, o) => `p.extractu ${rd}, ${rs1}, ${w - 1}, ${o}`,
  insert: (rd, rs1, w, o) => `p.insert ${rd}, ${rs1}, ${w - 1}, ${o}`,
  packLo: (rd, hi, lo) => `pv.packlo.b ${rd}, ${hi}, ${lo}`,
  packHi: (rd, hi, lo) => `pv.packhi.b ${rd}, ${hi}, ${lo}`,
  sdotusp: (rd, a, b) => `pv.sdotusp.b ${rd}, ${a}, ${b}`,
  mac: (rd, a, b) => `p.mac ${rd}, ${a}, ${b}`,
  clipu: (rd, rs1, is2) => `p.clipu ${rd}, ${rs1}, ${is2}`,
  min: (rd, a, b) => `p.min ${rd}, ${a}, ${b}`,
  max: (rd, a, b) => `p.max ${rd}, ${a}, ${b}`,
  hwloop(level, count, label, body) {
    checkBody(label, body);
    // Inclusive end: the label sits on the last instruction of the body.
    return [
      ...loopPrologue(),
      `lp.setup ${level}, ${count}, ${label}_last`,
      `${label}_start:`,
      ...body.slice(0, -1),
      `${label}_last:`,
      body[body.length - 1]!,
      `${label}_end:`,
      '.option pop',
    ];
  },
};

const corev: FlavourOps = {
  name: 'corev',
  loadInc: (k, rd, b, i) => `cv.${k} ${rd}, (${b}), ${i}`,
  storeInc: (k, rs2, b, i) => `cv.${k} ${rs2}, (${b}), ${i}`,
  extract: (rd, rs1, w, o) => `cv.extract ${rd}, ${rs1}, ${w - 1}, ${o}`,
  extractu: (rd, rs1, w, o) => `cv.extractu ${rd}, ${rs1}, ${w - 1}, ${o}`,
  insert: (rd, rs1, w, o) => `cv.insert ${rd}, ${rs1}, ${w - 1}, ${o}`,
  packLo: (rd, hi, lo) => `cv.packlo.b ${rd}, ${hi}, ${lo}`,
  packHi: (rd, hi, lo) => `cv.packhi.b ${rd}, ${hi}, ${lo}`,
  sdotusp: (rd, a, b) => `cv.sdotusp.b ${rd}, ${a}, ${b}`,
  mac: (rd, a, b) => `cv.mac ${rd}, ${a}, ${b}`,
  clipu: (rd, rs1, is2) => `cv.clipu ${rd}, ${rs1}, ${is2}`,
  min: (rd, a, b) => `cv.min ${rd}, ${a}, ${b}`,
  max: (rd, a, b) => `cv.max ${rd}, ${a}, ${b}`,
  hwloop(level, count, label, body) {
    checkBody(label, body);
    // Exclusive end: the label is the first instruction after the body.
    return [...loopPrologue(), `cv.setup ${level}, ${count}, ${label}_end`, `${label}_start:`, ...body, `${label}_end:`, '.option pop'];
  },
};

export const FLAVOURS: Record<Flavour, FlavourOps> = { xpulpv2, corev };

export function flavourOps(name: Flavour): FlavourOps {
  const f = FLAVOURS[name];
  if (!f) throw new Error(`unknown flavour '${String(name)}' (known: ${Object.keys(FLAVOURS).join(', ')})`);
  return f;
}
