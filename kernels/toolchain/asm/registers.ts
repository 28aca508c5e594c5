// Register and CSR names as assembler syntax accepts them (RISC-V psABI register names; CSR names from
// rtl/isa/csrNames.ts).
import { csrByName } from '../../../rtl/isa/csrNames.ts';

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

const REGS = new Map<string, number>();
for (let i = 0; i < 32; i++) {
  REGS.set(`x${i}`, i);
  REGS.set(ABI[i]!, i);
}
REGS.set('fp', 8);

/** Register number of an integer register name, or undefined. */
export function registerNumber(name: string): number | undefined {
  return REGS.get(name);
}

/** The ABI name of register `r` (as GNU objdump prints it). */
export function abiName(r: number): string {
  return ABI[r]!;
}

/** CSR number of a CSR name (the table of rtl/isa/csrNames.ts, shared with the disassembler), or undefined. */
export function csrNumber(name: string): number | undefined {
  return csrByName.get(name);
}
