// PULP binutils' `p.*` spellings of RV32I loads/stores and RV32M (group Xpulpslim of pulp-riscv-binutils-gdb
// `opcodes/riscv-opc.c`: "p.mul" ... "p.remu" with MATCH_MUL ... MATCH_REMU; fact sheet §2.3 "omitted aliases").
// They are assembler spellings of the xpulpv2 encodings only; LLVM's CORE-V flavour has no such names.
import { describe, expect, it } from 'vitest';
import { byId, encode, encodingsOf } from './table.ts';

const loads = ['lb', 'lbu', 'lh', 'lhu', 'lw'];
const stores = ['sb', 'sh', 'sw'];
const mdiv = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'];

describe('p.* aliases of RV32I / RV32M', () => {
  it('every load, store and M instruction has its p. spelling with the same syntax, xpulpv2 only', () => {
    for (const id of [...loads, ...stores, ...mdiv]) {
      const d = byId(id);
      const x = d.enc.xpulpv2!;
      expect(x.aliases, id).toEqual([{ mnemonic: `p.${id}`, syntax: x.syntax }]);
      expect(d.enc.corev!.aliases, id).toBeUndefined();
      // Same instruction word in both flavours.
      expect(x.match, id).toBe(d.enc.corev!.match);
      expect(x.mask, id).toBe(d.enc.corev!.mask);
    }
    expect(byId('lw').enc.xpulpv2!.syntax).toBe('rd, imm(rs1)');
    expect(byId('sw').enc.xpulpv2!.syntax).toBe('rs2, imm(rs1)');
  });
  it('encode the RV32 words (hand-encoded)', () => {
    // lw a0, 4(a1): imm 4 << 20 | rs1 11 << 15 | funct3 2 << 12 | rd 10 << 7 | 0x03
    expect(encode(byId('lw').enc.xpulpv2!, { rd: 10, rs1: 11, imm: 4 })).toBe(0x0045a503);
    // sw a0, -4(a1): imm[11:5] = 0x7f, rs2 10, rs1 11, funct3 2, imm[4:0] = 0x1c, 0x23
    expect(encode(byId('sw').enc.xpulpv2!, { rs2: 10, rs1: 11, imm: -4 })).toBe(0xfea5ae23);
    // mul a0, a1, a2: funct7 1, rs2 12, rs1 11, funct3 0, rd 10, 0x33
    expect(encode(byId('mul').enc.xpulpv2!, { rd: 10, rs1: 11, rs2: 12 })).toBe(0x02c58533);
  });
  it('differ in syntax from the XpulpV2 entries spelled the same (post-increment, register offset)', () => {
    for (const id of [...loads, ...stores, ...mdiv]) {
      const alias = byId(id).enc.xpulpv2!.aliases![0]!;
      const same = encodingsOf('xpulpv2').filter((e) => e.enc.mnemonic === alias.mnemonic);
      for (const e of same) expect(e.enc.syntax.replace(/\s/g, ''), id).not.toBe(alias.syntax.replace(/\s/g, ''));
      if (loads.includes(id)) expect(same.length, id).toBeGreaterThan(0);
    }
  });
});
