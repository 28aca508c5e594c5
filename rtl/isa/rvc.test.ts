import { describe, expect, it } from 'vitest';
import { makeDecoder } from './decoder.ts';
import { TestHart } from './testHart.ts';

// [16-bit word, 32-bit word of the expanded instruction, source]: both assembled by GNU as 2.40
// (riscv64-unknown-elf-as -march=rv32imc_zicsr), the expansion written out by hand with `.option norvc`.
// pc-relative operands are written as `.±n`, so compressed and expanded forms carry the same offset.
const pairs: Array<[number, number, string]> = [
  [0x1fe8, 0x3fc10513, 'c.addi4spn a0, sp, 1020'],
  [0x0040, 0x00410413, 'c.addi4spn s0, sp, 4'],
  [0x5de8, 0x07c5a503, 'c.lw a0, 124(a1)'],
  [0x4380, 0x0007a403, 'c.lw s0, 0(a5)'],
  [0xc3c4, 0x0097a223, 'c.sw s1, 4(a5)'],
  [0xc03c, 0x04f42023, 'c.sw a5, 64(s0)'],
  [0x0001, 0x00000013, 'c.nop'],
  [0x1501, 0xfe050513, 'c.addi a0, -32'],
  [0x0ffd, 0x01ff8f93, 'c.addi t6, 31'],
  [0x2ffd, 0x7fe000ef, 'c.jal .+2046'],
  [0x3001, 0x801ff0ef, 'c.jal .-2048'],
  [0x57fd, 0xfff00793, 'c.li a5, -1'],
  [0x40fd, 0x01f00093, 'c.li ra, 31'],
  [0x7101, 0xe0010113, 'c.addi16sp sp, -512'],
  [0x617d, 0x1f010113, 'c.addi16sp sp, 496'],
  [0x6141, 0x01010113, 'c.addi16sp sp, 16'],
  [0x7501, 0xfffe0537, 'c.lui a0, 0xfffe0'],
  [0x6dfd, 0x0001fdb7, 'c.lui s11, 31'],
  [0x6085, 0x000010b7, 'c.lui ra, 1'],
  [0x807d, 0x01f45413, 'c.srli s0, 31'],
  [0x8785, 0x4017d793, 'c.srai a5, 1'],
  [0x9b7d, 0xfff77713, 'c.andi a4, -1'],
  [0x88c1, 0x0104f493, 'c.andi s1, 16'],
  [0x8c05, 0x40940433, 'c.sub s0, s1'],
  [0x8d3d, 0x00f54533, 'c.xor a0, a5'],
  [0x8c45, 0x00946433, 'c.or s0, s1'],
  [0x8e75, 0x00d67633, 'c.and a2, a3'],
  [0xb001, 0x801ff06f, 'c.j .-2048'],
  [0xa019, 0x0060006f, 'c.j .+6'],
  [0xd081, 0xf00480e3, 'c.beqz s1, .-256'],
  [0xee7d, 0x0e061f63, 'c.bnez a2, .+254'],
  [0xe409, 0x00041563, 'c.bnez s0, .+10'],
  [0x02fe, 0x01f29293, 'c.slli t0, 31'],
  [0x0506, 0x00151513, 'c.slli a0, 1'],
  [0x50fe, 0x0fc12083, 'c.lwsp ra, 252(sp)'],
  [0x4502, 0x00012503, 'c.lwsp a0, 0(sp)'],
  [0x8302, 0x00030067, 'c.jr t1'],
  [0x8082, 0x00008067, 'c.jr ra'],
  [0x852e, 0x00b00533, 'c.mv a0, a1'],
  [0x9002, 0x00100073, 'c.ebreak'],
  [0x9502, 0x000500e7, 'c.jalr a0'],
  [0x929a, 0x006282b3, 'c.add t0, t1'],
  [0xdf86, 0x0e112e23, 'c.swsp ra, 252(sp)'],
  [0xc27e, 0x01f12223, 'c.swsp t6, 4(sp)'],
];

// Reserved or non-RV32C words (spec 16.8 tables, "RES"/"NSE"/F and D forms); all must be illegal.
const illegal: Array<[number, string]> = [
  [0x0000, 'all zero (c.unimp / c.addi4spn nzuimm=0)'],
  [0x0004, 'c.addi4spn with nzuimm=0, rd=s1'],
  [0x2000, 'c.fld'],
  [0x6000, 'c.flw'],
  [0x8000, 'quadrant 0 funct3=100 reserved'],
  [0xa000, 'c.fsd'],
  [0xe000, 'c.fsw'],
  [0x6101, 'c.addi16sp with nzimm=0'],
  [0x6501, 'c.lui a0 with nzimm=0'],
  [0x9001, 'c.srli with shamt[5]=1 (RV32 NSE)'],
  [0x9401, 'c.srai with shamt[5]=1 (RV32 NSE)'],
  [0x1002, 'c.slli with shamt[5]=1 (RV32 NSE)'],
  [0x9c01, 'c.subw (RV64 only)'],
  [0x9c21, 'c.addw (RV64 only)'],
  [0x4002, 'c.lwsp with rd=x0'],
  [0x8002, 'c.jr with rs1=x0'],
  [0x2002, 'c.fldsp'],
  [0x6002, 'c.flwsp'],
  [0xa002, 'c.fsdsp'],
  [0xe002, 'c.fswsp'],
];

describe('RVC expansion', () => {
  for (const flavour of ['xpulpv2', 'corev'] as const) {
    const decode = makeDecoder(flavour);
    it(`${flavour}: every compressed word expands to the hand-assembled 32-bit instruction`, () => {
      for (const [c, w, src] of pairs) {
        const dc = decode(c);
        const dw = decode(w);
        expect(dc, src).not.toBeNull();
        expect(dw, src).not.toBeNull();
        expect(dc!.size, src).toBe(2);
        expect(dw!.size, src).toBe(4);
        expect(dc!.def.id, src).toBe(dw!.def.id);
        expect(dc!.ops, src).toEqual(dw!.ops);
        expect(dc!.rvc?.def.id, src).toBe(src.split(' ')[0]);
      }
    });

    it(`${flavour}: reserved and non-RV32C halfwords are illegal`, () => {
      for (const [w, what] of illegal) expect(decode(w), what).toBeNull();
    });
  }

  it('decodes the low halfword of a 32-bit fetch word whose bits 1:0 are not 11', () => {
    const decode = makeDecoder('xpulpv2');
    expect(decode(0x12348082)?.rvc?.def.id).toBe('c.jr');
  });

  it('can be switched off', () => {
    const decode = makeDecoder('xpulpv2', { rvc: false });
    expect(decode(0x8082)).toBeNull();
    expect(decode(0x00008067)?.def.id).toBe('jalr');
  });

  it('links pc + 2 for c.jal and c.jalr (size 2)', () => {
    const h = new TestHart(0x100);
    h.run('c.jal', { imm: 0x40 });
    expect(h.regs[1]).toBe(0x102);
    expect(h.next).toBe(0x140);
    const g = new TestHart(0x200);
    g.regs[10] = 0x1001;
    g.run('c.jalr', { rs1: 10 });
    expect(g.regs[1]).toBe(0x202);
    expect(g.next).toBe(0x1000);
  });

  it('c.lui sign-extends its 6-bit immediate into the upper 20 bits', () => {
    const h = new TestHart();
    h.run('c.lui', { rd: 10, imm: -32 });
    expect(h.regs[10]! >>> 0).toBe(0xfffe0000);
  });
});
