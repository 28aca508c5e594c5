import { describe, expect, it } from 'vitest';
import { TestHart } from './testHart.ts';

// Expected values are hand-computed from the RV32I/Zicsr definitions (unprivileged spec ch. 2 and 9).
function hart(regs: Record<number, number> = {}, pc = 0x1000): TestHart {
  const h = new TestHart(pc);
  for (const [r, v] of Object.entries(regs)) h.regs[Number(r)] = v;
  return h;
}
const u = (v: number | undefined) => (v ?? 0) >>> 0;

describe('RV32I upper immediates and jumps', () => {
  it('lui places the immediate in bits 31:12', () => {
    expect(u(hart().run('lui', { rd: 5, imm: 0x12345 }).regs[5])).toBe(0x12345000);
    expect(u(hart().run('lui', { rd: 5, imm: 0xfffff }).regs[5])).toBe(0xfffff000);
  });

  it('auipc adds the shifted immediate to pc', () => {
    expect(u(hart({}, 0x1000).run('auipc', { rd: 5, imm: 1 }).regs[5])).toBe(0x2000);
    expect(u(hart({}, 0x1000).run('auipc', { rd: 5, imm: 0xfffff }).regs[5])).toBe(0x0000);
  });

  it('jal links pc+4 and jumps pc-relative', () => {
    const h = hart({}, 0x1000).run('jal', { rd: 1, imm: -8 });
    expect(h.regs[1]).toBe(0x1004);
    expect(h.next).toBe(0xff8);
  });

  it('jalr clears bit 0 of the target and reads rs1 before writing rd', () => {
    const h = hart({ 5: 0x2001 }, 0x1000).run('jalr', { rd: 5, rs1: 5, imm: 2 });
    expect(h.next).toBe(0x2002); // 0x2003 & ~1
    expect(h.regs[5]).toBe(0x1004);
    expect(hart({ 6: 0x3000 }).run('jalr', { rd: 0, rs1: 6, imm: -1 }).next).toBe(0x2ffe);
  });
});

describe('RV32I branches', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['beq', 5, 5, true],
    ['beq', 5, 6, false],
    ['bne', 5, 6, true],
    ['bne', -1, -1, false],
    ['blt', -1, 0, true], // signed
    ['blt', 0, -1, false],
    ['bge', 0, -1, true],
    ['bge', 3, 3, true],
    ['bge', -2, -1, false],
    ['bltu', 0, -1, true], // 0 < 0xffffffff
    ['bltu', -1, 0, false],
    ['bgeu', -1, 0, true],
    ['bgeu', 1, 2, false],
  ];
  for (const [id, a, b, taken] of cases) {
    it(`${id} ${a}, ${b} is ${taken ? 'taken' : 'not taken'}`, () => {
      const h = hart({ 1: a, 2: b }, 0x1000).run(id, { rs1: 1, rs2: 2, imm: -0x20 });
      expect(h.next).toBe(taken ? 0xfe0 : undefined);
    });
  }
});

describe('RV32I loads and stores', () => {
  function withMem(): TestHart {
    const h = hart({ 1: 0x100 });
    [0x80, 0xff, 0x34, 0x92].forEach((b, i) => h.mem.set(0x104 + i, b));
    return h;
  }
  it('sign- and zero-extend loads, with negative offsets', () => {
    expect(withMem().run('lb', { rd: 3, rs1: 1, imm: 4 }).regs[3]).toBe(-128);
    expect(withMem().run('lbu', { rd: 3, rs1: 1, imm: 4 }).regs[3]).toBe(0x80);
    expect(withMem().run('lh', { rd: 3, rs1: 1, imm: 4 }).regs[3]).toBe(-128); // 0xff80
    expect(withMem().run('lhu', { rd: 3, rs1: 1, imm: 4 }).regs[3]).toBe(0xff80);
    expect(u(withMem().run('lw', { rd: 3, rs1: 1, imm: 4 }).regs[3])).toBe(0x9234ff80);
    const h = hart({ 1: 0x108 });
    h.mem.set(0x104, 0x7f);
    expect(h.run('lb', { rd: 3, rs1: 1, imm: -4 }).regs[3]).toBe(0x7f);
  });

  it('stores write the low 1/2/4 bytes little-endian', () => {
    const h = hart({ 1: 0x200, 2: 0x11223344 });
    h.run('sb', { rs1: 1, rs2: 2, imm: 0 });
    h.run('sh', { rs1: 1, rs2: 2, imm: 4 });
    h.run('sw', { rs1: 1, rs2: 2, imm: -4 });
    expect(h.readMem(0x200, 4)).toBe(0x44);
    expect(h.readMem(0x204, 4)).toBe(0x3344);
    expect(h.readMem(0x1fc, 4)).toBe(0x11223344);
  });
});

describe('RV32I register-immediate', () => {
  const run = (id: string, a: number, imm: number) => hart({ 1: a }).run(id, { rd: 3, rs1: 1, imm }).regs[3];
  it('addi wraps', () => {
    expect(run('addi', 0x7fffffff, 1)).toBe(-0x80000000);
    expect(run('addi', 5, -6)).toBe(-1);
  });
  it('slti compares signed, sltiu compares the sign-extended immediate unsigned', () => {
    expect(run('slti', -5, 3)).toBe(1);
    expect(run('slti', 3, -5)).toBe(0);
    expect(run('sltiu', 5, -1)).toBe(1); // 5 < 0xffffffff
    expect(run('sltiu', 0, 1)).toBe(1);
    expect(run('sltiu', 1, 1)).toBe(0);
  });
  it('xori/ori/andi use the sign-extended immediate', () => {
    expect(run('xori', 0x0f0f0f0f, -1)).toBe(~0x0f0f0f0f);
    expect(run('ori', 0x100, 0x0f)).toBe(0x10f);
    expect(u(run('andi', 0xf0f0f0f0, -16))).toBe(0xf0f0f0f0);
    expect(run('andi', 0xff, 0x0f)).toBe(0x0f);
  });
  it('shift immediates', () => {
    expect(u(run('slli', 1, 31))).toBe(0x80000000);
    expect(run('srli', -0x80000000, 31)).toBe(1);
    expect(run('srai', -0x80000000, 31)).toBe(-1);
    expect(run('srai', 0x40, 0)).toBe(0x40);
  });
});

describe('RV32I register-register', () => {
  const run = (id: string, a: number, b: number) => hart({ 1: a, 2: b }).run(id, { rd: 3, rs1: 1, rs2: 2 }).regs[3];
  it('add/sub wrap around', () => {
    expect(run('add', 0x7fffffff, 1)).toBe(-0x80000000);
    expect(run('sub', -0x80000000, 1)).toBe(0x7fffffff);
    expect(run('sub', 0, 1)).toBe(-1);
  });
  it('register shifts use only the low 5 bits of rs2', () => {
    expect(run('sll', 1, 33)).toBe(2);
    expect(run('srl', -1, 0x3f)).toBe(1);
    expect(run('sra', -0x80000000, 0x24)).toBe(-0x08000000);
    expect(run('sll', 3, 32)).toBe(3);
  });
  it('slt/sltu', () => {
    expect(run('slt', -1, 1)).toBe(1);
    expect(run('sltu', -1, 1)).toBe(0);
    expect(run('sltu', 0, 1)).toBe(1);
    expect(run('slt', 1, 1)).toBe(0);
  });
  it('logic', () => {
    expect(run('xor', 0b1100, 0b1010)).toBe(0b0110);
    expect(run('or', 0b1100, 0b1010)).toBe(0b1110);
    expect(run('and', 0b1100, 0b1010)).toBe(0b1000);
  });
  it('writes to x0 are dropped by the hart', () => {
    expect(hart({ 1: 5 }).run('addi', { rd: 0, rs1: 1, imm: 1 }).x(0)).toBe(0);
  });
});

describe('system and fences', () => {
  for (const [id, kind] of [
    ['fence', 'fence'],
    ['fence.i', 'fencei'],
    ['ecall', 'ecall'],
    ['ebreak', 'ebreak'],
    ['mret', 'mret'],
    ['uret', 'uret'],
    ['wfi', 'wfi'],
  ] as const) {
    it(`${id} hands '${kind}' to the controller and changes no register`, () => {
      const h = hart({ 1: 7 }).run(id, { pred: 15, succ: 15 });
      expect(h.system_).toEqual([kind]);
      expect(h.regs[1]).toBe(7);
      expect(h.next).toBeUndefined();
    });
  }
});

describe('Zicsr', () => {
  function csrHart(): TestHart {
    const h = hart({ 1: 0b1010, 3: 99 });
    h.csrs.set(0x340, 0b0110);
    return h;
  }
  it('csrrw swaps, reading rs1 before rd is written (rd == rs1)', () => {
    const h = csrHart().run('csrrw', { rd: 1, rs1: 1, csr: 0x340 });
    expect(h.regs[1]).toBe(0b0110);
    expect(h.csrs.get(0x340)).toBe(0b1010);
  });
  it('csrrs/csrrc set and clear bits', () => {
    const s = csrHart().run('csrrs', { rd: 3, rs1: 1, csr: 0x340 });
    expect(s.regs[3]).toBe(0b0110);
    expect(s.csrs.get(0x340)).toBe(0b1110);
    const c = csrHart().run('csrrc', { rd: 3, rs1: 1, csr: 0x340 });
    expect(c.csrs.get(0x340)).toBe(0b0100);
  });
  it('csrrs/csrrc with rs1 = x0 read without writing', () => {
    for (const id of ['csrrs', 'csrrc']) {
      const h = csrHart().run(id, { rd: 3, rs1: 0, csr: 0x340 });
      expect(h.regs[3]).toBe(0b0110);
      expect(h.csrLog).toEqual([{ csr: 0x340, write: false }]);
    }
  });
  it('csrrw with rs1 = x0 still writes (zero)', () => {
    const h = csrHart().run('csrrw', { rd: 3, rs1: 0, csr: 0x340 });
    expect(h.csrLog).toEqual([{ csr: 0x340, write: true }]);
    expect(h.csrs.get(0x340)).toBe(0);
  });
  it('immediate forms: csrrwi writes the zero-extended uimm; csrrsi/csrrci with uimm = 0 do not write', () => {
    expect(csrHart().run('csrrwi', { rd: 3, imm: 31, csr: 0x340 }).csrs.get(0x340)).toBe(31);
    expect(csrHart().run('csrrsi', { rd: 3, imm: 1, csr: 0x340 }).csrs.get(0x340)).toBe(0b0111);
    expect(csrHart().run('csrrci', { rd: 3, imm: 2, csr: 0x340 }).csrs.get(0x340)).toBe(0b0100);
    for (const id of ['csrrsi', 'csrrci']) {
      const h = csrHart().run(id, { rd: 3, imm: 0, csr: 0x340 });
      expect(h.csrLog).toEqual([{ csr: 0x340, write: false }]);
      expect(h.regs[3]).toBe(0b0110);
    }
  });
});
