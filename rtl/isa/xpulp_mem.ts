// Post-increment, register-offset and event loads/stores (XpulpMem). XpulpV2: ri5cy-isa-timing.md §2.1/§2.3
// (loads: custom-0 0x0b post-increment, LOAD funct3 111 register-register; stores: custom-1 0x2b, STORE funct3
// 100..110; `p.elw` LOAD funct3 110). CORE-V v2: §3.1/§3.2/§3.4 (immediate forms unchanged, every register form
// moved to 0x2b funct3 011 with its own funct7, `cv.elw` 0x0b funct3 011).
// Semantics (§4.9): the access uses the old base; the pointer update is written before the load data, so with
// rd == rs1 the loaded value wins (measured: fixtures postinc_rd_eq_rs1). Offsets are not scaled.
import { immI, immS, rs3InRd } from './fields.ts';
import type { Hart, InstrDef, Operands } from './types.ts';
import { enc, rd, rs1, rs2, xdef } from './xpulp_common.ts';

interface LoadKind {
  name: 'lb' | 'lbu' | 'lh' | 'lhu' | 'lw';
  bytes: 1 | 2 | 4;
  signed: boolean;
  /** LOAD-style funct3 of the immediate forms: {unsigned, size}. */
  f3: number;
  /** XpulpV2 funct7 of the register forms (RTL decoder: bit 30 = zero-extend, bits 28:27 = size). */
  f7p: number;
  /** CORE-V funct7 of the register post-increment form; the register-register form adds 0b0000100. */
  f7c: number;
}

const loads: LoadKind[] = [
  { name: 'lb', bytes: 1, signed: true, f3: 0b000, f7p: 0b0000000, f7c: 0b0000000 },
  { name: 'lbu', bytes: 1, signed: false, f3: 0b100, f7p: 0b0100000, f7c: 0b0001000 },
  { name: 'lh', bytes: 2, signed: true, f3: 0b001, f7p: 0b0001000, f7c: 0b0000001 },
  { name: 'lhu', bytes: 2, signed: false, f3: 0b101, f7p: 0b0101000, f7c: 0b0001001 },
  { name: 'lw', bytes: 4, signed: true, f3: 0b010, f7p: 0b0010000, f7c: 0b0000010 },
];

interface StoreKind {
  name: 'sb' | 'sh' | 'sw';
  bytes: 1 | 2 | 4;
  /** funct3 of the immediate post-increment form (S-type, 0x2b). */
  f3: number;
  /** XpulpV2 funct3 of the register forms (0x2b post-increment, 0x23 register-register). */
  f3r: number;
  /** CORE-V funct7 of the register post-increment form; register-register adds 0b0000100. */
  f7c: number;
}

const stores: StoreKind[] = [
  { name: 'sb', bytes: 1, f3: 0b000, f3r: 0b100, f7c: 0b0010000 },
  { name: 'sh', bytes: 2, f3: 0b001, f3r: 0b101, f7c: 0b0010001 },
  { name: 'sw', bytes: 4, f3: 0b010, f3r: 0b110, f7c: 0b0010010 },
];

const CUSTOM0 = 0x0b;
const CUSTOM1 = 0x2b;
const LOAD = 0x03;
const STORE = 0x23;

function loadPost(h: Hart, o: Operands, inc: number, k: LoadKind): void {
  const base = h.x(o.rs1);
  h.setX(o.rs1, (base + inc) | 0);
  h.load(o.rd, base >>> 0, k.bytes, k.signed);
}

function storeAt(h: Hart, addr: number, o: Operands, k: StoreKind): void {
  h.store(addr >>> 0, k.bytes, h.x(o.rs2));
}

function loadDefs(k: LoadKind): InstrDef[] {
  const p = `p.${k.name}`;
  const c = `cv.${k.name}`;
  return [
    xdef(
      `${p}.ri.post`,
      'XpulpMem',
      'load',
      {
        xpulpv2: enc(p, 'rd, imm(rs1!)', [[6, 0, CUSTOM0], [14, 12, k.f3]], [rd, rs1, immI]),
        corev: enc(c, 'rd, (rs1), imm', [[6, 0, CUSTOM0], [14, 12, k.f3]], [rd, rs1, immI]),
      },
      (h, o) => loadPost(h, o, o.imm, k),
    ),
    xdef(
      `${p}.rr.post`,
      'XpulpMem',
      'load',
      {
        xpulpv2: enc(p, 'rd, rs2(rs1!)', [[6, 0, CUSTOM0], [14, 12, 0b111], [31, 25, k.f7p]], [rd, rs1, rs2]),
        corev: enc(c, 'rd, (rs1), rs2', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, k.f7c]], [rd, rs1, rs2]),
      },
      (h, o) => loadPost(h, o, h.x(o.rs2), k),
    ),
    xdef(
      `${p}.rr`,
      'XpulpMem',
      'load',
      {
        xpulpv2: enc(p, 'rd, rs2(rs1)', [[6, 0, LOAD], [14, 12, 0b111], [31, 25, k.f7p]], [rd, rs1, rs2]),
        corev: enc(c, 'rd, rs2(rs1)', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, k.f7c | 0b100]], [rd, rs1, rs2]),
      },
      (h, o) => h.load(o.rd, (h.x(o.rs1) + h.x(o.rs2)) >>> 0, k.bytes, k.signed),
    ),
  ];
}

function storeDefs(k: StoreKind): InstrDef[] {
  const p = `p.${k.name}`;
  const c = `cv.${k.name}`;
  return [
    xdef(
      `${p}.ri.post`,
      'XpulpMem',
      'store',
      {
        xpulpv2: enc(p, 'rs2, imm(rs1!)', [[6, 0, CUSTOM1], [14, 12, k.f3]], [rs1, rs2, immS]),
        corev: enc(c, 'rs2, (rs1), imm', [[6, 0, CUSTOM1], [14, 12, k.f3]], [rs1, rs2, immS]),
      },
      (h, o) => {
        const base = h.x(o.rs1);
        storeAt(h, base, o, k);
        h.setX(o.rs1, (base + o.imm) | 0);
      },
    ),
    xdef(
      `${p}.rr.post`,
      'XpulpMem',
      'store',
      {
        xpulpv2: enc(p, 'rs2, rs3(rs1!)', [[6, 0, CUSTOM1], [14, 12, k.f3r], [31, 25, 0]], [rs1, rs2, rs3InRd]),
        corev: enc(c, 'rs2, (rs1), rs3', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, k.f7c]], [rs1, rs2, rs3InRd]),
      },
      (h, o) => {
        const base = h.x(o.rs1);
        const inc = h.x(o.rs3);
        storeAt(h, base, o, k);
        h.setX(o.rs1, (base + inc) | 0);
      },
    ),
    xdef(
      `${p}.rr`,
      'XpulpMem',
      'store',
      {
        xpulpv2: enc(p, 'rs2, rs3(rs1)', [[6, 0, STORE], [14, 12, k.f3r], [31, 25, 0]], [rs1, rs2, rs3InRd]),
        corev: enc(c, 'rs2, rs3(rs1)', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, k.f7c | 0b100]], [
          rs1,
          rs2,
          rs3InRd,
        ]),
      },
      (h, o) => storeAt(h, h.x(o.rs1) + h.x(o.rs3), o, k),
    ),
  ];
}

export const xpulpMemInstrs: InstrDef[] = [
  ...loads.flatMap(loadDefs),
  ...stores.flatMap(storeDefs),
  xdef(
    'p.elw',
    'XpulpMem',
    'elw',
    {
      xpulpv2: enc('p.elw', 'rd, imm(rs1)', [[6, 0, LOAD], [14, 12, 0b110]], [rd, rs1, immI]),
      corev: enc('cv.elw', 'rd, imm(rs1)', [[6, 0, CUSTOM0], [14, 12, 0b011]], [rd, rs1, immI]),
    },
    (h, o) => h.elw(o.rd, (h.x(o.rs1) + o.imm) >>> 0),
  ),
];
