// Hand-computed semantics of the XpulpV2 / CORE-V entries, one group per fact-sheet rule
// (ri5cy-isa-timing.md §2.5 and §4). Expected values are worked out by hand from the rules, not from the code.
import { describe, expect, it } from 'vitest';
import { MiniHart, res } from './xpulp_test_hart.ts';

const i32 = (v: number): number => v | 0;

describe('bit manipulation (§4.1-§4.4)', () => {
  it('extract takes Is3+1 bits at Is2, sign from the field MSB', () => {
    // bits [7:4] of 0x80 = 0b1000: 4 bits (Is3 = 3) -> -8 signed, 8 unsigned; a 3-bit reading would give 0.
    expect(res('p.extract', 0x80, 0, { imm2: 3, imm: 4 })).toBe(-8);
    expect(res('p.extractu', 0x80, 0, { imm2: 3, imm: 4 })).toBe(8);
    expect(res('p.extract', 0x70, 0, { imm2: 3, imm: 4 })).toBe(7);
    // Is3 = 31, Is2 = 0: the whole word.
    expect(res('p.extract', 0x80000000, 0, { imm2: 31, imm: 0 })).toBe(i32(0x80000000));
    expect(res('p.extractu', 0xdeadbeef, 0, { imm2: 31, imm: 0 })).toBe(i32(0xdeadbeef));
    // Field running past bit 31: Is2 = 28, Is3 = 7 extracts the arithmetic shift (sign copies above bit 3).
    expect(res('p.extract', 0x90000000, 0, { imm2: 7, imm: 28 })).toBe(-7);
    expect(res('p.extractu', 0x90000000, 0, { imm2: 7, imm: 28 })).toBe(9);
  });
  it('register forms take width-1 from rs2[9:5] and the offset from rs2[4:0]', () => {
    const spec = (3 << 5) | 4;
    expect(res('p.extractr', 0x80, spec)).toBe(-8);
    expect(res('p.extractur', 0x80, spec)).toBe(8);
    expect(res('p.bclrr', -1, spec)).toBe(i32(0xffffff0f));
    expect(res('p.bsetr', 0, spec)).toBe(0xf0);
    expect(res('p.insertr', 0xab, (7 << 5) | 16, {}, 0x12345678)).toBe(0x12ab5678);
  });
  it('insert keeps the other bits of rD; bclr/bset do not read rD', () => {
    expect(res('p.insert', 0, 0, { imm2: 7, imm: 8 }, -1)).toBe(i32(0xffff00ff));
    expect(res('p.insert', 0xab, 0, { imm2: 7, imm: 16 }, 0x12345678)).toBe(0x12ab5678);
    expect(res('p.insert', 0xfff5, 0, { imm2: 3, imm: 28 }, 0)).toBe(0x50000000);
    expect(res('p.bclr', -1, 0, { imm2: 3, imm: 4 }, 0x55)).toBe(i32(0xffffff0f));
    expect(res('p.bset', 0, 0, { imm2: 0, imm: 31 }, 0x55)).toBe(i32(0x80000000));
    expect(res('p.bset', 0, 0, { imm2: 31, imm: 0 })).toBe(-1);
  });
  it('ff1/fl1 give 32 for 0; clb counts redundant sign bits and gives 0 for 0; cnt is popcount', () => {
    expect(res('p.ff1', 0)).toBe(32);
    expect(res('p.ff1', 0x10)).toBe(4);
    expect(res('p.ff1', 0x80000000)).toBe(31);
    expect(res('p.fl1', 0)).toBe(32);
    expect(res('p.fl1', 1)).toBe(0);
    expect(res('p.fl1', 0x80000000)).toBe(31);
    expect(res('p.clb', 0)).toBe(0);
    expect(res('p.clb', -1)).toBe(31);
    expect(res('p.clb', 1)).toBe(30);
    expect(res('p.clb', 0x40000000)).toBe(0);
    expect(res('p.clb', 0xc0000000)).toBe(1);
    expect(res('p.cnt', -1)).toBe(32);
    expect(res('p.cnt', 0x80000001)).toBe(2);
  });
  it('ror rotates right by rs2[4:0]', () => {
    expect(res('p.ror', 1, 1)).toBe(i32(0x80000000));
    expect(res('p.ror', 0x12345678, 33)).toBe(0x091a2b3c);
    expect(res('p.ror', 0x12345678, 0)).toBe(0x12345678);
  });
  it('bitrev shifts left by Is2, then reverses bits in radix 2/4/8 groups', () => {
    expect(res('p.bitrev', 1, 0, { imm2: 0, imm: 0 })).toBe(i32(0x80000000));
    // 16-point FFT index (Is2 = 28): reverses the low 4 bits.
    expect(res('p.bitrev', 0b0001, 0, { imm2: 0, imm: 28 })).toBe(0b1000);
    expect(res('p.bitrev', 0b0110, 0, { imm2: 0, imm: 28 })).toBe(0b0110);
    // radix 4: 2-bit groups; the lowest pair 01 lands in bits 31:30.
    expect(res('p.bitrev', 1, 0, { imm2: 1, imm: 0 })).toBe(0x40000000);
    // radix 8: ten 3-bit groups from the top, bits 31:30 zero: 1 << 2 -> group 9 = result bits 29:27.
    expect(res('p.bitrev', 1, 0, { imm2: 2, imm: 2 })).toBe(0x08000000);
    expect(res('p.bitrev', -1, 0, { imm2: 2, imm: 0 })).toBe(0x3fffffff);
  });
});

describe('ALU extensions (§4.5, §4.6)', () => {
  it('clip clamps to [-2^(Is2-1), 2^(Is2-1)-1], Is2 = 0 -> [-1, 0]', () => {
    expect(res('p.clip', 200, 0, { imm: 8 })).toBe(127);
    expect(res('p.clip', -200, 0, { imm: 8 })).toBe(-128);
    expect(res('p.clip', 5, 0, { imm: 8 })).toBe(5);
    expect(res('p.clip', 5, 0, { imm: 0 })).toBe(0);
    expect(res('p.clip', -5, 0, { imm: 0 })).toBe(-1);
    expect(res('p.clip', 0x7fffffff, 0, { imm: 31 })).toBe(0x3fffffff);
    expect(res('p.clip', i32(0x80000000), 0, { imm: 31 })).toBe(-0x40000000);
  });
  it('clipu Is2 = 8 gives [0, 127]; Is2 = 9 gives [0, 255]', () => {
    expect(res('p.clipu', 200, 0, { imm: 8 })).toBe(127);
    expect(res('p.clipu', -5, 0, { imm: 8 })).toBe(0);
    expect(res('p.clipu', 300, 0, { imm: 9 })).toBe(255);
    expect(res('p.clipu', 100, 0, { imm: 9 })).toBe(100);
    expect(res('p.clipu', 7, 0, { imm: 0 })).toBe(0);
  });
  it('clipr clamps to [-(rs2+1), rs2], clipur to [0, rs2]', () => {
    expect(res('p.clipr', 20, 15)).toBe(15);
    expect(res('p.clipr', -20, 15)).toBe(-16);
    expect(res('p.clipr', -16, 15)).toBe(-16);
    expect(res('p.clipr', 3, 0)).toBe(0);
    expect(res('p.clipr', -3, 0)).toBe(-1);
    expect(res('p.clipur', 300, 255)).toBe(255);
    expect(res('p.clipur', -1, 255)).toBe(0);
    expect(res('p.clipur', 0, 255)).toBe(0);
    expect(res('p.clipur', 17, 255)).toBe(17);
  });
  it('abs, set-less-or-equal, min/max signed and unsigned, sign/zero extension', () => {
    expect(res('p.abs', -5)).toBe(5);
    expect(res('p.abs', i32(0x80000000))).toBe(i32(0x80000000));
    expect(res('p.slet', -1, 0)).toBe(1);
    expect(res('p.slet', 3, 3)).toBe(1);
    expect(res('p.slet', 4, 3)).toBe(0);
    expect(res('p.sletu', -1, 0)).toBe(0);
    expect(res('p.sletu', 0, -1)).toBe(1);
    expect(res('p.min', -1, 1)).toBe(-1);
    expect(res('p.minu', -1, 1)).toBe(1);
    expect(res('p.max', -1, 1)).toBe(1);
    expect(res('p.maxu', -1, 1)).toBe(-1);
    expect(res('p.exths', 0x00018000)).toBe(-32768);
    expect(res('p.exthz', 0x00018000)).toBe(0x8000);
    expect(res('p.extbs', 0x180)).toBe(-128);
    expect(res('p.extbz', 0x180)).toBe(0x80);
  });
  it('addN/subN: wrapped 32-bit sum, optional rounding 2^(N-1), arithmetic or logical shift', () => {
    expect(res('p.addn', 10, 2, { imm2: 2 })).toBe(3);
    expect(res('p.addn', 9, 2, { imm2: 2 })).toBe(2);
    expect(res('p.addrn', 9, 2, { imm2: 2 })).toBe(3); // (11 + 2) >> 2
    expect(res('p.addrn', 3, 4, { imm2: 0 })).toBe(7); // no rounding for N = 0
    expect(res('p.subn', 1, 4, { imm2: 1 })).toBe(-2); // -3 >> 1 (floor)
    expect(res('p.subun', 1, 4, { imm2: 1 })).toBe(0x7ffffffe); // 0xfffffffd >>> 1
    expect(res('p.subrn', 1, 4, { imm2: 1 })).toBe(-1); // (-3 + 1) >> 1
    expect(res('p.suburn', 1, 4, { imm2: 1 })).toBe(0x7fffffff); // (0xfffffffd + 1) >>> 1
    expect(res('p.addn', 0x7fffffff, 1, { imm2: 1 })).toBe(i32(0xc0000000)); // wraps before the shift
    expect(res('p.addun', 0x7fffffff, 1, { imm2: 1 })).toBe(0x40000000);
    expect(res('p.addurn', -1, 0, { imm2: 4 })).toBe(0); // 0xffffffff + 8 wraps to 7, >>> 4
  });
  it('...Nr forms: rD = (rD +- rs1) >> rs2[4:0], rD first', () => {
    expect(res('p.addnr', 6, 0x23, {}, 10)).toBe(2); // (10 + 6) >> 3
    expect(res('p.subnr', 6, 1, {}, 10)).toBe(2); // (10 - 6) >> 1, not (6 - 10) >> 1
    expect(res('p.subrnr', 6, 2, {}, 11)).toBe(1); // (5 + 2) >> 2
    expect(res('p.subunr', 11, 1, {}, 10)).toBe(0x7fffffff); // 0xffffffff >>> 1
    expect(res('p.addurnr', 0, 1, {}, -1)).toBe(0); // (0xffffffff + 1) >>> 1
  });
  it('beqimm/bneimm compare rs1 with the sign-extended 5-bit immediate', () => {
    const h = new MiniHart('xpulpv2', 0x2000);
    h.run('p.beqimm', { rs1: 5, imm: -16, imm2: -64 }, { 5: -16 });
    expect(h.target).toBe(0x2000 - 64);
    h.run('p.bneimm', { rs1: 5, imm: -16, imm2: 64 }, { 5: -16 });
    expect(h.target).toBeUndefined();
    h.run('p.bneimm', { rs1: 5, imm: 15, imm2: 8 }, { 5: 16 });
    expect(h.target).toBe(0x2008);
    h.run('p.beqimm', { rs1: 0, imm: 0, imm2: 4094 });
    expect(h.target).toBe(0x2000 + 4094);
  });
});

describe('multiply-accumulate (§4.7)', () => {
  it('mac/msu wrap at 32 bits and read rD', () => {
    expect(res('p.mac', 3, 4, {}, 10)).toBe(22);
    expect(res('p.msu', 3, 4, {}, 10)).toBe(-2);
    expect(res('p.mac', 0x10000, 0x10000, {}, 5)).toBe(5);
    expect(res('p.mac', 0x7fffffff, 2, {}, 0)).toBe(-2);
  });
  it('16x16 forms use the low halves (high with hh), signed or unsigned', () => {
    expect(res('p.mulsn', 0x1234fffe, 0x7fff0003, { imm2: 0 })).toBe(-6);
    expect(res('p.mulun', 0x1234fffe, 0x7fff0003, { imm2: 0 })).toBe(0xfffe * 3);
    expect(res('p.mulhhsn', i32(0xfffe0000), 0x00030000, { imm2: 0 })).toBe(-6);
    expect(res('p.mulhhun', i32(0xfffe0000), 0x00030000, { imm2: 0 })).toBe(0xfffe * 3);
    expect(res('p.mulsn', 0x8000, 0x8000, { imm2: 0 })).toBe(0x40000000);
    expect(res('p.mulun', 0xffff, 0xffff, { imm2: 0 })).toBe(i32(0xfffe0001));
  });
  it('normalisation shift and rounding', () => {
    expect(res('p.mulsn', 5, 1, { imm2: 1 })).toBe(2);
    expect(res('p.mulsrn', 5, 1, { imm2: 1 })).toBe(3);
    expect(res('p.mulsn', -5, 1, { imm2: 1 })).toBe(-3);
    expect(res('p.mulsrn', -5, 1, { imm2: 1 })).toBe(-2);
    expect(res('p.mulsrn', 5, 1, { imm2: 0 })).toBe(5);
    expect(res('p.macsn', 5, 1, { imm2: 1 }, 100)).toBe(52);
    expect(res('p.macsrn', 5, 1, { imm2: 1 }, 100)).toBe(53);
    expect(res('p.machhsrn', 0x50000, 0x10000, { imm2: 1 }, 100)).toBe(53);
  });
  it('the accumulation wraps to 32 bits before the shift; unsigned forms shift logically', () => {
    expect(res('p.macun', 2, 1, { imm2: 1 }, -1)).toBe(0);
    expect(res('p.macsn', 2, 1, { imm2: 1 }, -1)).toBe(0);
    expect(res('p.macun', 0, 0, { imm2: 4 }, i32(0x80000000))).toBe(0x08000000);
    expect(res('p.macsn', 0, 0, { imm2: 4 }, i32(0x80000000))).toBe(i32(0xf8000000));
  });
});

describe('SIMD (§2.5, §4.8, §4.11, §4.12)', () => {
  it('lanes wrap independently, no carry between lanes, no saturation', () => {
    expect(res('pv.add.h', 0x0001ffff, 0x00010001)).toBe(0x00020000);
    expect(res('pv.add.b', 0x7f01ff80, 0x01ff0180)).toBe(i32(0x80000000));
    expect(res('pv.sub.h', 0x00000000, 0x00010001)).toBe(i32(0xffffffff));
  });
  it('.sc replicates the low lane of rs2 into the second operand only', () => {
    expect(res('pv.add.sc.h', 0x00010002, 0x12340005)).toBe(0x00060007);
    expect(res('pv.add.sc.b', 0x01020304, 0x7f7f7f10)).toBe(0x11121314);
    expect(res('pv.sub.sc.h', 0x00100010, 0x00000001)).toBe(0x000f000f);
  });
  it('.sci replicates the immediate (signed or unsigned per op)', () => {
    expect(res('pv.add.sci.b', 0x01020304, 0, { imm: -1 })).toBe(0x00010203);
    expect(res('pv.maxu.sci.h', 0x00010040, 0, { imm: 63 })).toBe(0x003f0040);
    expect(res('pv.cmpgtu.sci.b', 0x40013f00, 0, { imm: 63 })).toBe(i32(0xff000000));
  });
  it('avg/avgu sum at lane width (carry lost), then shift by one', () => {
    expect(res('pv.avg.h', 0x00007fff, 0x00000001)).toBe(0x0000c000);
    expect(res('pv.avgu.h', 0x0000ffff, 0x00000001)).toBe(0);
    expect(res('pv.avg.b', 0x000000fd, 0)).toBe(0x000000fe); // -3 >> 1 = -2
    expect(res('pv.avg.b', 0x00000003, 0)).toBe(0x00000001);
    expect(res('pv.avgu.b', 0x000000fd, 0)).toBe(0x0000007e);
  });
  it('shift amounts use the low 4 (.h) / 3 (.b) bits of each lane', () => {
    expect(res('pv.sll.h', 0x00010001, 0x00110002)).toBe(0x00020004);
    expect(res('pv.sra.b', 0x80808080, 0x09010203)).toBe(i32(0xc0c0e0f0));
    expect(res('pv.srl.b', 0x80808080, 0x09010203)).toBe(0x40402010);
    expect(res('pv.srl.sci.h', i32(0x80008000), 0, { imm: 15 })).toBe(0x00010001);
  });
  it('min/max per lane, signed and unsigned', () => {
    expect(res('pv.min.b', 0x80017f00, 0x01ff80ff)).toBe(i32(0x80ff80ff));
    expect(res('pv.minu.b', 0x80017f00, 0x01ff80ff)).toBe(0x01017f00);
    expect(res('pv.max.h', i32(0x8000ffff), 0x00010000)).toBe(0x00010000);
    expect(res('pv.maxu.h', i32(0x8000ffff), 0x00010000)).toBe(i32(0x8000ffff));
  });
  it('compares give all-ones or all-zeros lanes', () => {
    expect(res('pv.cmpgt.b', 0x01ff0280, 0x00000280)).toBe(i32(0xff000000));
    expect(res('pv.cmpgtu.b', 0x01ff0280, 0x00000280)).toBe(i32(0xffff0000));
    expect(res('pv.cmpeq.h', 0x12345678, 0x12340000)).toBe(i32(0xffff0000));
    expect(res('pv.cmple.sc.h', 0x00050006, 0x00000005)).toBe(i32(0xffff0000));
    expect(res('pv.cmpleu.h', 0x00000000, 0)).toBe(-1);
  });
  it('abs per lane (the most negative lane stays)', () => {
    expect(res('pv.abs.b', 0x80ff0105)).toBe(i32(0x80010105));
    expect(res('pv.abs.h', i32(0xfffe8000))).toBe(0x00028000);
  });
  it('dot products: usp = rs1 unsigned x rs2 signed; sp signed; up unsigned', () => {
    expect(res('pv.dotsp.b', 0x000000ff, 0x00000002)).toBe(-2);
    expect(res('pv.dotup.b', 0x000000ff, 0x00000002)).toBe(510);
    expect(res('pv.dotusp.b', 0x000000fe, 0x000000ff)).toBe(-254); // 254 x -1 (the reverse would be -2 x 255)
    expect(res('pv.dotusp.h', 0x0000fffe, 0x0000ffff)).toBe(-65534);
    expect(res('pv.dotsp.h', i32(0x8000ffff), i32(0x80000002))).toBe(0x40000000 - 2);
    expect(res('pv.dotup.sci.b', 0x01010101, 0, { imm: 63 })).toBe(4 * 63);
    expect(res('pv.dotsp.sci.b', 0x01010101, 0, { imm: -32 })).toBe(-128);
  });
  it('sdot accumulates into rD with 32-bit wrap, and .sc does not replicate the accumulator', () => {
    expect(res('pv.sdotsp.h', 0x00010001, 0x00010001, {}, 0x7fffffff)).toBe(i32(0x80000001));
    expect(res('pv.sdotup.h', i32(0xffffffff), i32(0xffffffff), {}, 0)).toBe(i32(0xfffc0002));
    expect(res('pv.sdotsp.sc.b', 0x01010101, 0x7f7f7f02, {}, 0x01020304)).toBe(0x0102030c);
    expect(res('pv.sdotusp.b', 0xffffffff, i32(0x80808080), {}, 10)).toBe(10 - 4 * 255 * 128);
    expect(res('pv.sdotusp.sci.h', 0x00020003, 0, { imm: -2 }, 1)).toBe(1 - 10);
  });
  it('extract/extractu/insert select a lane by the immediate', () => {
    expect(res('pv.extract.b', i32(0x80000000), 0, { imm: 3 })).toBe(-128);
    expect(res('pv.extractu.b', i32(0x80000000), 0, { imm: 3 })).toBe(128);
    expect(res('pv.extract.h', 0x00018000, 0, { imm: 0 })).toBe(-32768);
    expect(res('pv.extract.h', 0x00018000, 0, { imm: 1 })).toBe(1);
    expect(res('pv.insert.h', i32(0xabcdeeee), 0, { imm: 1 }, 0x11112222)).toBe(i32(0xeeee2222));
    expect(res('pv.insert.b', 0x000000ab, 0, { imm: 2 }, 0x11223344)).toBe(0x11ab3344);
  });
  it('shuffles: selectors from rs2 lanes or the immediate; shuffle2 picks rs1 or old rD', () => {
    expect(res('pv.shuffle.h', i32(0xaaaabbbb), 0x00000001)).toBe(i32(0xbbbbaaaa));
    expect(res('pv.shuffle.b', 0x44332211, 0x00010203)).toBe(0x11223344);
    expect(res('pv.shuffle.sci.h', i32(0xaaaabbbb), 0, { imm: 2 })).toBe(i32(0xaaaabbbb));
    expect(res('pv.shuffle.sci.h', i32(0xaaaabbbb), 0, { imm: 1 })).toBe(i32(0xbbbbaaaa));
    expect(res('pv.shufflei1.sci.b', 0x44332211, 0, { imm: 0b111001 })).toBe(0x22443322);
    expect(res('pv.shufflei3.sci.b', 0x44332211, 0, { imm: 0 })).toBe(0x44111111);
    expect(res('pv.shuffle2.h', i32(0xaaaabbbb), 0x00020001, {}, i32(0xccccdddd))).toBe(i32(0xbbbbcccc));
    expect(res('pv.shuffle2.b', 0x44332211, 0x04000703, {}, i32(0x88776655))).toBe(0x11554488);
  });
  it('pack forms', () => {
    expect(res('pv.pack.h', 0x1111aaaa, 0x2222bbbb)).toBe(i32(0xaaaabbbb));
    expect(res('cv.pack.h', 0x1111aaaa, 0x2222bbbb)).toBe(0x11112222);
    expect(res('pv.packhi.b', 0xaa, 0xbb, {}, 0x12345678)).toBe(i32(0xaabb5678));
    expect(res('pv.packlo.b', 0xaa, 0xbb, {}, 0x12345678)).toBe(0x1234aabb);
  });
});

describe('loads and stores (§4.9)', () => {
  function memHart(): MiniHart {
    const h = new MiniHart();
    const bytes = [0x98, 0x53, 0x45, 0xa1, 0x46, 0xf8, 0xdb, 0xd6];
    bytes.forEach((b, i) => h.mem.set(0x100 + i, b));
    return h;
  }
  it('post-increment: access at the old base, then rs1 += imm (not scaled)', () => {
    const h = memHart().run('p.lw.ri.post', { rd: 10, rs1: 11, imm: 6 }, { 11: 0x100 });
    expect(h.x(10)).toBe(i32(0xa1455398));
    expect(h.x(11)).toBe(0x106);
    h.run('p.lb.ri.post', { rd: 10, rs1: 11, imm: -1 }, { 11: 0x105 });
    expect(h.x(10)).toBe(-8);
    expect(h.x(11)).toBe(0x104);
    h.run('p.lhu.rr.post', { rd: 10, rs1: 11, rs2: 12 }, { 11: 0x106, 12: -4 });
    expect(h.x(10)).toBe(0xd6db);
    expect(h.x(11)).toBe(0x102);
  });
  it('with rd == rs1 the loaded value wins over the incremented pointer', () => {
    const h = memHart().run('p.lw.ri.post', { rd: 11, rs1: 11, imm: 4 }, { 11: 0x100 });
    expect(h.x(11)).toBe(i32(0xa1455398));
    h.run('p.lbu.rr.post', { rd: 11, rs1: 11, rs2: 12 }, { 11: 0x101, 12: 1 });
    expect(h.x(11)).toBe(0x53);
  });
  it('register-register loads add rs2 and do not update rs1', () => {
    const h = memHart().run('p.lh.rr', { rd: 10, rs1: 11, rs2: 12 }, { 11: 0x100, 12: 6 });
    expect(h.x(10)).toBe(i32(0xffffd6db));
    expect(h.x(11)).toBe(0x100);
    h.run('p.lbu.rr', { rd: 10, rs1: 11, rs2: 12 }, { 11: 0x104, 12: 1 });
    expect(h.x(10)).toBe(0xf8);
  });
  it('stores: post-increment by imm or rs3, register-register at rs1 + rs3; data read before the update', () => {
    const h = new MiniHart();
    h.run('p.sw.ri.post', { rs1: 11, rs2: 11, imm: 4 }, { 11: 0x200 });
    expect(h.word(0x200)).toBe(0x200);
    expect(h.x(11)).toBe(0x204);
    h.run('p.sh.rr.post', { rs1: 11, rs2: 12, rs3: 13 }, { 12: i32(0xcafebabe), 13: -2 });
    expect(h.word(0x204)).toBe(0xbabe);
    expect(h.x(11)).toBe(0x202);
    h.run('p.sb.rr', { rs1: 11, rs2: 12, rs3: 13 }, { 11: 0x300, 12: 0x1ff, 13: 3 });
    expect(h.mem.get(0x303)).toBe(0xff);
    expect(h.mem.has(0x304)).toBe(false);
    expect(h.x(11)).toBe(0x300);
  });
  it('p.elw is an event load of the word at rs1 + imm', () => {
    const h = memHart().run('p.elw', { rd: 10, rs1: 11, imm: -4 }, { 11: 0x104 });
    expect(h.elws).toEqual([[10, 0x100]]);
    expect(h.x(10)).toBe(i32(0xa1455398));
  });
});

describe('hardware loops (§2.2, §3.2, §4.10)', () => {
  it('RI5CY: lp.setupi end = pc + offset = the LAST body instruction; start = next instruction', () => {
    // lp.setupi 1, 10, last  at 0x1000 with a 3-instruction body 0x1004..0x100c: the label is the last one.
    const h = new MiniHart('xpulpv2', 0x1000).run('lp.setupi', { L: 1, imm: 10, imm2: 12 });
    expect(h.loops).toEqual([
      [1, 'start', 0x1004],
      [1, 'end', 0x100c],
      [1, 'count', 10],
    ]);
  });
  it('RI5CY: lp.setup takes the count from rs1; starti/endi/counti/count write one register each', () => {
    const h = new MiniHart('xpulpv2', 0x1000).run('lp.setup', { L: 0, rs1: 5, imm: 8 }, { 5: 7 });
    expect(h.loops).toEqual([
      [0, 'start', 0x1004],
      [0, 'end', 0x1008],
      [0, 'count', 7],
    ]);
    const g = new MiniHart('xpulpv2', 0x1000);
    g.run('lp.starti', { L: 1, imm: 8 });
    g.run('lp.endi', { L: 1, imm: 12 });
    g.run('lp.counti', { L: 1, imm: 3 });
    g.run('lp.count', { L: 0, rs1: 6 }, { 6: 99 });
    expect(g.loops).toEqual([
      [1, 'start', 0x1008],
      [1, 'end', 0x100c],
      [1, 'count', 3],
      [0, 'count', 99],
    ]);
  });
  it('CORE-V: cv.setupi end = the instruction AFTER the body (exclusive)', () => {
    // CV_SETUPI 0, 4, 2f at 0x80 with 3 body instructions 0x84..0x8c and label 2 at 0x90 (hwloop_setup_forms.S).
    const h = new MiniHart('corev', 0x80).run('cv.setupi', { L: 0, imm: 4, imm2: 16 });
    expect(h.loops).toEqual([
      [0, 'start', 0x84],
      [0, 'end', 0x90],
      [0, 'count', 4],
    ]);
  });
  it('CORE-V: register start/end drop the two low address bits (CV32E40P loop registers)', () => {
    const h = new MiniHart('corev', 0x80);
    h.run('cv.start', { L: 1, rs1: 5 }, { 5: 0x1233 });
    h.run('cv.end', { L: 1, rs1: 5 }, { 5: 0x1246 });
    h.run('cv.count', { L: 1, rs1: 5 }, { 5: 5 });
    h.run('cv.setup', { L: 0, rs1: 6, imm: 20 }, { 6: 9 });
    expect(h.loops).toEqual([
      [1, 'start', 0x1230],
      [1, 'end', 0x1244],
      [1, 'count', 5],
      [0, 'start', 0x84],
      [0, 'end', 0x94],
      [0, 'count', 9],
    ]);
  });
});
