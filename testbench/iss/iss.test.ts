// Behaviour of the ISS on hand-encoded programs. Instruction words are built here with a second, independent
// encoder (unprivileged spec ch. 2 formats; RI5CY/CORE-V hardware-loop encodings from the fact sheet §3.4 and
// the cv32e40p vector macros); expected values are computed by hand.
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { UnmappedAccessError, IssError } from './errors.ts';
import { Iss } from './iss.ts';

const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op = 0x33) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op = 0x13) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const addi = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd);
const lw = (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x03);
const lh = (rd: number, rs1: number, imm: number) => I(imm, rs1, 1, rd, 0x03);
const sw = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 2);
const csrrw = (rd: number, csr: number, rs1: number) => I(csr, rs1, 1, rd, 0x73);
const csrrs = (rd: number, csr: number, rs1: number) => I(csr, rs1, 2, rd, 0x73);
const csrrc = (rd: number, csr: number, rs1: number) => I(csr, rs1, 3, rd, 0x73);
const ECALL = 0x00000073;
const EBREAK = 0x00100073;
const MRET = 0x30200073;
const WFI = 0x10500073;
const FENCE = 0x0ff0000f;
const NOP = addi(0, 0, 0);
// RI5CY lp.setupi L, count, end: opcode 0x7b, funct3 101, uimmS (end, half-words) in 19:15, count in 31:20.
const lpSetupi = (L: number, count: number, endOff: number) =>
  ((count << 20) | ((endOff >> 1) << 15) | (5 << 12) | (L << 7) | 0x7b) >>> 0;
// CORE-V cv.setupi L, count, end: opcode 0x2b, funct3 100, funct4 0110, uimmS (end, words) in 19:15.
const cvSetupi = (L: number, count: number, endOff: number) =>
  ((count << 20) | ((endOff >> 2) << 15) | (4 << 12) | (6 << 8) | (L << 7) | 0x2b) >>> 0;

const BASE = 0x80;
const TOHOST = 0x7f0;

function machine(version: CoreVersion, words: number[], maxInstructions = 1000): Iss {
  const iss = new Iss(preset(version), { maxInstructions });
  words.forEach((w, i) => iss.writeMem(BASE + 4 * i, 4, w));
  iss.reset(BASE, TOHOST);
  return iss;
}

/** Ends a program: store x31 (set to `v`) to tohost. */
const finish = (v = 1) => [addi(31, 0, v), addi(30, 0, TOHOST), sw(31, 30, 0)];

describe('ISS basics', () => {
  it('runs straight-line code and ends at the tohost store with its value', () => {
    const iss = machine('ri5cy', [addi(5, 0, 7), addi(6, 5, -10), R(0, 6, 5, 0, 7), ...finish(1)]);
    const r = iss.run();
    expect(r).toMatchObject({ exit: 'tohost', tohost: 1, instret: 6, steps: 6 });
    expect(iss.readReg(6)).toBe(-3);
    expect(iss.readReg(7)).toBe(4);
  });

  it('reports a failing tohost value', () => {
    expect(machine('ri5cy', finish(7)).run()).toMatchObject({ exit: 'tohost', tohost: 7 });
  });

  it('ends at ecall with a7 = 93 (riscv-tests): a0 = 0 passes, a0 = 5 reports (5 << 1) | 1', () => {
    expect(machine('ri5cy', [addi(17, 0, 93), addi(10, 0, 0), ECALL]).run()).toMatchObject({ exit: 'ecall', tohost: 1 });
    expect(machine('cv32e40p', [addi(17, 0, 93), addi(10, 0, 5), ECALL]).run()).toMatchObject({ exit: 'ecall', tohost: 11 });
  });

  it('stops at the instruction limit with a message naming it', () => {
    const iss = machine('ri5cy', [0x0000006f], 50); // j . (jal x0, 0)
    const r = iss.run();
    expect(r.exit).toBe('limit');
    expect(r.steps).toBe(50);
    expect(r.message).toMatch(/instruction limit of 50/);
  });

  it('returns retire records with register writes and memory accesses', () => {
    const iss = machine('ri5cy', [addi(5, 0, 0x100), addi(6, 0, -2), sw(6, 5, 2), lh(7, 5, 2)]);
    iss.step();
    iss.step();
    const st = iss.step();
    expect(st.mem).toEqual([{ kind: 'store', addr: 0x102, bytes: 4, value: -2 }]);
    const ld = iss.step();
    expect(ld).toMatchObject({ pc: BASE + 12, size: 4, rd: 7, rdValue: -2, next: BASE + 16 });
    expect(ld.mem).toEqual([{ kind: 'load', addr: 0x102, bytes: 2, value: -2 }]);
  });

  it('does misaligned loads and stores as little-endian byte sequences', () => {
    const iss = machine('ri5cy', [addi(5, 0, 0x201), lw(6, 5, 0)]);
    iss.writeMem(0x200, 4, 0x44332211);
    iss.writeMem(0x204, 4, 0x88776655);
    iss.step();
    iss.step();
    expect(iss.readReg(6) >>> 0).toBe(0x55443322);
  });

  it('names pc, address and access for an access outside the memory map', () => {
    const iss = machine('ri5cy', [0x400002b7 /* lui t0, 0x40000 */, lw(6, 5, 4)]);
    iss.step();
    try {
      iss.step();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnmappedAccessError);
      const u = e as UnmappedAccessError;
      expect([u.pc, u.addr, u.access]).toEqual([0x84, 0x40000004, 'load']);
      expect(u.message).toMatch(/load of 4 byte\(s\) at 0x40000004 \(pc 0x00000084\)/);
    }
  });

  it('stops at wfi with a model error (no interrupt source), or continues when asked', () => {
    expect(() => machine('ri5cy', [WFI]).run()).toThrow(/wfi at pc 0x00000080/);
    const iss = new Iss(preset('ri5cy'), { wfi: 'nop' });
    [WFI, ...finish()].forEach((w, i) => iss.writeMem(BASE + 4 * i, 4, w));
    iss.reset(BASE, TOHOST);
    expect(iss.run().tohost).toBe(1);
  });

  it('refuses to step after the end', () => {
    const iss = machine('ri5cy', finish());
    iss.run();
    expect(() => iss.step()).toThrow(IssError);
  });
});

describe('traps per core version', () => {
  it('RI5CY v3.4.0: illegal instruction goes to boot[31:8] (0x0) with mcause 2 and mepc = pc; mret returns', () => {
    // 0x00 holds the handler: mepc += 4; mret.
    const iss = new Iss(preset('ri5cy'), { maxInstructions: 100 });
    const handler = [csrrs(28, 0x341, 0), addi(28, 28, 4), csrrw(0, 0x341, 28), MRET];
    handler.forEach((w, i) => iss.writeMem(4 * i, 4, w));
    [0xffffffff, addi(5, 0, 1), ...finish()].forEach((w, i) => iss.writeMem(BASE + 4 * i, 4, w));
    iss.reset(BASE, TOHOST);
    const t = iss.step();
    expect(t.trap).toEqual({ cause: 2, target: 0 });
    expect(iss.csrs.mepc).toBe(BASE);
    expect(iss.csrs.mcause).toBe(2);
    const r = iss.run();
    expect(r.tohost).toBe(1);
    expect(iss.readReg(5)).toBe(1);
    // The trapping instruction does not retire: 1 trap + 4 handler + 4 after it.
    expect(r.steps - r.instret).toBe(1);
  });

  it('RI5CY v1.0: illegal -> base + 0x84, ecall -> base + 0x88; ebreak does not trap; fence is illegal', () => {
    const iss = machine('ri5cy_v1', [ECALL, EBREAK, FENCE]);
    expect(iss.step().trap).toEqual({ cause: 11, target: 0x88 });
    iss.setPc(BASE + 4);
    expect(iss.step().trap).toBeUndefined();
    expect(iss.step().trap).toEqual({ cause: 2, target: 0x84 });
  });

  it('CV32E40P: traps go to mtvec bits 31:8; mtvec keeps bit 0 of a write', () => {
    const iss = machine('cv32e40p', [addi(5, 0, 0x3ff), csrrw(0, 0x305, 5), csrrs(6, 0x305, 0), EBREAK]);
    iss.step();
    iss.step();
    iss.step();
    expect(iss.readReg(6)).toBe(0x301);
    expect(iss.step().trap).toEqual({ cause: 3, target: 0x300 });
  });

  it('CV32E40P: unknown CSRs and writes to read-only CSRs are illegal; RI5CY reads unknown CSRs as 0', () => {
    const cv = machine('cv32e40p', [csrrs(5, 0x7c0, 0), csrrw(0, 0xf14, 0), csrrw(0, 0xcc2, 0), csrrs(6, 0xcc2, 0)]);
    const at = (i: number) => {
      cv.setPc(BASE + 4 * i);
      return cv.step();
    };
    expect(at(0).trap?.cause).toBe(2);
    expect(at(1).trap?.cause).toBe(2);
    expect(at(2).trap?.cause).toBe(2);
    expect(at(3)).toMatchObject({ rd: 6, rdValue: 0 });
    expect(at(3).trap).toBeUndefined();
    const ri = machine('ri5cy', [addi(5, 0, 9), csrrs(5, 0x123, 0)]);
    ri.step();
    expect(ri.step()).toMatchObject({ rd: 5, rdValue: 0 });
  });

  it('mstatus: MPP reads M, MIE moves to MPIE on a trap and back on mret', () => {
    const iss = machine('ri5cy', [addi(5, 0, 8), csrrs(0, 0x300, 5), csrrs(6, 0x300, 0), ECALL]);
    for (let i = 0; i < 3; i++) iss.step();
    expect(iss.readReg(6)).toBe(0x1808);
    iss.step();
    expect(iss.csrs.mstatus).toBe(0x1880);
    iss.csrs.mret();
    expect(iss.csrs.mstatus).toBe(0x1888);
  });
  it('CV32E40P: mret returns to an mepc at or above 0x80000000 (the riscv-tests link address)', () => {
    const lui = (rd: number, imm20: number) => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;
    const target = 0x80000010;
    const iss = machine('cv32e40p', [lui(5, 0x80000), addi(5, 5, 0x10), csrrw(0, 0x341, 5), csrrs(6, 0x341, 0), MRET]);
    finish(1).forEach((w, i) => iss.writeMem(target + 4 * i, 4, w));
    for (let k = 0; k < 5; k++) iss.step();
    // the lockstep checker compares this pc with the core's (an unsigned 32-bit number)
    expect(iss.step().pc).toBe(target);
    expect(iss.readReg(6) >>> 0).toBe(target);
    expect(iss.run()).toMatchObject({ exit: 'tohost', tohost: 1 });
  });
});

describe('hardware loops', () => {
  // Body of 2 instructions counted in x5; after the loop x6 = lpcount0 (RI5CY 0x7C2, CORE-V 0xCC2).
  it('RI5CY: inclusive end, count 3 runs the body 3 times and lpcount0 stays 1', () => {
    const iss = machine('ri5cy', [lpSetupi(0, 3, 8), addi(5, 5, 1), addi(7, 7, 2), csrrs(6, 0x7c2, 0), ...finish()]);
    iss.run();
    expect([iss.readReg(5), iss.readReg(7), iss.readReg(6)]).toEqual([3, 6, 1]);
  });

  it('CORE-V: exclusive end, count 3 runs the body 3 times and lpcount0 reads 0', () => {
    const iss = machine('cv32e40p', [cvSetupi(0, 3, 12), addi(5, 5, 1), addi(7, 7, 2), csrrs(6, 0xcc2, 0), ...finish()]);
    iss.run();
    expect([iss.readReg(5), iss.readReg(7), iss.readReg(6)]).toEqual([3, 6, 0]);
  });

  it('RI5CY: nested loops (outer 1 x2, inner 0 x3) and equal end addresses (loop 1 takes over)', () => {
    // outer: setupi 1, 2, end at +16 (last: addi x8); inner: setupi 0, 3, end at +8 (addi x7)
    const nested = [lpSetupi(1, 2, 16), lpSetupi(0, 3, 8), addi(5, 5, 1), addi(7, 7, 1), addi(8, 8, 1), ...finish()];
    const a = machine('ri5cy', nested);
    a.run();
    expect([a.readReg(5), a.readReg(7), a.readReg(8)]).toEqual([6, 6, 2]);
    // same end: outer x2 ends at the inner's last instruction
    const same = [lpSetupi(1, 2, 16), addi(8, 8, 1), lpSetupi(0, 3, 8), addi(5, 5, 1), addi(7, 7, 1), ...finish()];
    const b = machine('ri5cy', same);
    b.run();
    expect([b.readReg(8), b.readReg(5), b.readReg(7)]).toEqual([2, 6, 6]);
  });

  it('CORE-V: equal end addresses, the outer loop does not jump back (measured on CV32E40P)', () => {
    const same = [cvSetupi(1, 3, 20), addi(8, 8, 1), cvSetupi(0, 4, 12), addi(5, 5, 1), addi(7, 7, 1), addi(9, 9, 1), ...finish()];
    const iss = machine('cv32e40p', same);
    iss.run();
    expect([iss.readReg(8), iss.readReg(5)]).toEqual([1, 4]);
  });

  it('count 1 runs the body once on both cores', () => {
    const r = machine('ri5cy', [lpSetupi(0, 1, 8), addi(5, 5, 1), addi(5, 5, 1), ...finish()]);
    r.run();
    expect(r.readReg(5)).toBe(2);
    const c = machine('cv32e40p', [cvSetupi(0, 1, 12), addi(5, 5, 1), addi(5, 5, 1), ...finish()]);
    c.run();
    expect(c.readReg(5)).toBe(2);
    expect(c.loops.count[0]).toBe(0);
  });
});

describe('performance counters (instructions, not cycles)', () => {
  it('RI5CY PCCR1 counts instructions after PCMR/PCER enable; fence and mret are not counted', () => {
    const iss = machine('ri5cy', [
      addi(5, 0, 2),
      csrrw(0, 0x7e0, 5), // PCER = INSTR
      addi(5, 0, 1),
      csrrw(0, 0x7e1, 5), // PCMR = enable
      NOP,
      FENCE,
      NOP,
      csrrs(6, 0x781, 0),
      ...finish(),
    ]);
    iss.run();
    // PCMR resets to 3 (enabled), so counting starts after the PCER write: addi, csrw PCMR, nop, nop (the fence
    // is not counted, the csrr reads before counting itself).
    expect(iss.readReg(6)).toBe(4);
  });

  it('RI5CY PCER clear keeps the RTL quirk: new = operand & ~old', () => {
    const iss = machine('ri5cy', [addi(5, 0, 0x6), csrrw(0, 0x7e0, 5), addi(5, 0, 0x3), csrrc(0, 0x7e0, 5), csrrs(6, 0x7e0, 0)]);
    for (let i = 0; i < 5; i++) iss.step();
    // operand 0b011 & ~0b110 = 0b001 (a standard clear would give 0b100)
    expect(iss.readReg(6)).toBe(1);
  });

  it('CV32E40P mcycle/minstret count once mcountinhibit is cleared', () => {
    const iss = machine('cv32e40p', [csrrw(0, 0x320, 0), NOP, NOP, csrrs(5, 0xb02, 0), csrrs(6, 0xb00, 0), EBREAK]);
    for (let i = 0; i < 6; i++) iss.step();
    expect([iss.readReg(5), iss.readReg(6)]).toEqual([2, 3]);
  });
});

describe('RI5CY v1.0 instruction differences (ri5cy_v1/README.md)', () => {
  it('excludes only instructions the table has', async () => {
    const { findId } = await import('../../rtl/isa/table.ts');
    const { versionRules } = await import('./versions.ts');
    for (const v of Object.values(versionRules)) for (const id of v.excluded) expect(findId(id), id).toBeDefined();
  });

  it('p.bitrev is illegal on v1.0 and legal on v3.4.0', async () => {
    const { byId, encode } = await import('../../rtl/isa/table.ts');
    const w = encode(byId('p.bitrev').enc.xpulpv2!, { rd: 5, rs1: 6, imm: 0, imm2: 0 });
    expect(machine('ri5cy_v1', [w]).step().trap?.cause).toBe(2);
    expect(machine('ri5cy', [w]).step().trap).toBeUndefined();
  });

  it('pv.dotup.sci.b sign-extends its 6-bit immediate on v1.0 (63 -> lanes 0xff), zero-extends on v3.4.0 (lanes 63)', async () => {
    const { byId, encode } = await import('../../rtl/isa/table.ts');
    const w = encode(byId('pv.dotup.sci.b').enc.xpulpv2!, { rd: 5, rs1: 6, imm: 63 });
    const li = 0x01010337; // lui x6, 0x01010 -> x6 = 0x01010000
    for (const [version, expected] of [['ri5cy', 4 * 63], ['ri5cy_v1', 4 * 255]] as const) {
      const iss = machine(version, [li, addi(6, 6, 0x101), w]);
      for (let i = 0; i < 3; i++) iss.step();
      expect(iss.readReg(6)).toBe(0x01010101);
      expect(iss.readReg(5), version).toBe(expected);
    }
  });
});
