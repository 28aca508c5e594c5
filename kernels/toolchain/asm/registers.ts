// Register and CSR names as assembler syntax accepts them (RISC-V psABI register names; CSR names from the
// privileged spec's CSR listing and the PULP/CORE-V CSR maps of the fact sheet).

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

const CSRS: Record<string, number> = {
  // user counters
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  cycleh: 0xc80,
  timeh: 0xc81,
  instreth: 0xc82,
  // user trap setup (RI5CY with PULP_SECURE)
  ustatus: 0x000,
  utvec: 0x005,
  uepc: 0x041,
  ucause: 0x042,
  // machine information and trap setup/handling
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mstatus: 0x300,
  misa: 0x301,
  mie: 0x304,
  mtvec: 0x305,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  // machine counters
  mcycle: 0xb00,
  minstret: 0xb02,
  mcycleh: 0xb80,
  minstreth: 0xb82,
  mhpmevent3: 0x323,
  mhpmcounter3: 0xb03,
  mhpmcounter3h: 0xb83,
  // debug
  dcsr: 0x7b0,
  dpc: 0x7b1,
  dscratch0: 0x7b2,
  dscratch1: 0x7b3,
  // CORE-V hardware-loop CSRs (read-only on CV32E40P, 0xCC0..0xCC5)
  lpstart0: 0xcc0,
  lpend0: 0xcc1,
  lpcount0: 0xcc2,
  lpstart1: 0xcc4,
  lpend1: 0xcc5,
  lpcount1: 0xcc6,
};

/** CSR number of a CSR name, or undefined. */
export function csrNumber(name: string): number | undefined {
  return Object.hasOwn(CSRS, name) ? CSRS[name] : undefined;
}
