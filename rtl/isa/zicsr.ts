// Zicsr (unprivileged spec ch. 9). csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0 read without
// writing (no write side effects, no trap on read-only CSRs); csrrw/csrrwi always write.
import { CSR, CSRI, enc32 } from './fields.ts';
import { base } from './rv32i.ts';
import type { InstrDef } from './types.ts';

export const zicsrInstrs: InstrDef[] = [
  base('csrrw', 'Zicsr', 'csr', enc32('csrrw', 'rd, csr, rs1', CSR(1)), (h, o) => {
    const v = h.x(o.rs1);
    h.setX(o.rd, h.csr(o.csr, true, () => v));
  }),
  base('csrrs', 'Zicsr', 'csr', enc32('csrrs', 'rd, csr, rs1', CSR(2)), (h, o) => {
    const v = h.x(o.rs1);
    h.setX(o.rd, h.csr(o.csr, o.rs1 !== 0, (old) => old | v));
  }),
  base('csrrc', 'Zicsr', 'csr', enc32('csrrc', 'rd, csr, rs1', CSR(3)), (h, o) => {
    const v = h.x(o.rs1);
    h.setX(o.rd, h.csr(o.csr, o.rs1 !== 0, (old) => old & ~v));
  }),
  base('csrrwi', 'Zicsr', 'csr', enc32('csrrwi', 'rd, csr, imm', CSRI(5)), (h, o) => {
    h.setX(o.rd, h.csr(o.csr, true, () => o.imm));
  }),
  base('csrrsi', 'Zicsr', 'csr', enc32('csrrsi', 'rd, csr, imm', CSRI(6)), (h, o) => {
    h.setX(o.rd, h.csr(o.csr, o.imm !== 0, (old) => old | o.imm));
  }),
  base('csrrci', 'Zicsr', 'csr', enc32('csrrci', 'rd, csr, imm', CSRI(7)), (h, o) => {
    h.setX(o.rd, h.csr(o.csr, o.imm !== 0, (old) => old & ~o.imm));
  }),
];
