// Names of the standard CSRs that the disassembler prints and the assembler accepts (privileged spec 1.12
// ch. 2.2 "CSR Listing": user, machine, counters, PMP, debug/trigger). Numbers the cores give their own meaning
// (RI5CY 0x7C0.. hardware loops, PCER/PCMR/PCCR) are printed in hex, as GNU and LLVM objdump do.
const names = new Map<number, string>();

function add(num: number, name: string): void {
  names.set(num, name);
}
function range(first: number, prefix: string, from: number, to: number, suffix = ''): void {
  for (let i = from; i <= to; i++) add(first + i - from, `${prefix}${i}${suffix}`);
}

[
  [0x000, 'ustatus'],
  [0x001, 'fflags'],
  [0x002, 'frm'],
  [0x003, 'fcsr'],
  [0x004, 'uie'],
  [0x005, 'utvec'],
  [0x040, 'uscratch'],
  [0x041, 'uepc'],
  [0x042, 'ucause'],
  [0x043, 'utval'],
  [0x044, 'uip'],
  [0x300, 'mstatus'],
  [0x301, 'misa'],
  [0x302, 'medeleg'],
  [0x303, 'mideleg'],
  [0x304, 'mie'],
  [0x305, 'mtvec'],
  [0x306, 'mcounteren'],
  [0x320, 'mcountinhibit'],
  [0x340, 'mscratch'],
  [0x341, 'mepc'],
  [0x342, 'mcause'],
  [0x343, 'mtval'],
  [0x344, 'mip'],
  [0x7a0, 'tselect'],
  [0x7a1, 'tdata1'],
  [0x7a2, 'tdata2'],
  [0x7a3, 'tdata3'],
  [0x7a4, 'tinfo'],
  [0x7a5, 'tcontrol'],
  [0x7a8, 'mcontext'],
  [0x7aa, 'mscontext'],
  [0x7b0, 'dcsr'],
  [0x7b1, 'dpc'],
  [0x7b2, 'dscratch0'],
  [0x7b3, 'dscratch1'],
  [0xb00, 'mcycle'],
  [0xb02, 'minstret'],
  [0xb80, 'mcycleh'],
  [0xb82, 'minstreth'],
  [0xc00, 'cycle'],
  [0xc01, 'time'],
  [0xc02, 'instret'],
  [0xc80, 'cycleh'],
  [0xc81, 'timeh'],
  [0xc82, 'instreth'],
  [0xf11, 'mvendorid'],
  [0xf12, 'marchid'],
  [0xf13, 'mimpid'],
  [0xf14, 'mhartid'],
].forEach(([n, s]) => add(n as number, s as string));
range(0x323, 'mhpmevent', 3, 31);
range(0x3a0, 'pmpcfg', 0, 3);
range(0x3b0, 'pmpaddr', 0, 15);
range(0xb03, 'mhpmcounter', 3, 31);
range(0xb83, 'mhpmcounter', 3, 31, 'h');
range(0xc03, 'hpmcounter', 3, 31);
range(0xc83, 'hpmcounter', 3, 31, 'h');

/** CSR number -> standard name. */
export const csrNames: ReadonlyMap<number, string> = names;

/** Standard name -> CSR number. */
export const csrByName: ReadonlyMap<string, number> = new Map([...names].map(([n, s]) => [s, n]));
