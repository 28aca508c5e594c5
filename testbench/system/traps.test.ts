// CV32E40P traps in the riscv-tests convention (programs/illegal_trap.S, linked at 0x80000000, trap vector on a
// 256-byte boundary, ecall ending the test in the handler): which CSR numbers the decoder rejects, what the
// trigger and custom CSRs read, and what an illegal instruction costs. The expected numbers were measured on the
// CV32E40P RTL (cv32e40p_v1.8.3, Verilator 5.006) in the system of testbench/fixtures/timing/README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { Lockstep } from '../lockstep/lockstep.ts';
import { Testbench } from './testbench.ts';

const SOURCE = new URL('./programs/illegal_trap.S', import.meta.url);

function build() {
  const cfg = preset('cv32e40p');
  const { object } = assemble(readFileSync(SOURCE, 'utf8'), 'illegal_trap.S', { flavour: cfg.core.flavour, rvc: false });
  const elf = readElf(linkedElf(link([object], { textBase: 0x80000000, memory: cfg.memory, rvc: false }), { rvc: false }), 'illegal_trap.elf');
  return { cfg, elf };
}

/** The RTL run of illegal_trap.S (G = 0, R = 1 on both ports). */
const RTL = {
  total_cycles: 339,
  instret: 130,
  results: [30, 29, 29, 0x28001040, 4, 1, 0, 3, 0x80000101, 6, 6],
};

describe('CV32E40P traps in the riscv-tests convention', () => {
  const { cfg, elf } = build();
  const tb = new Testbench(cfg, elf);
  const r = tb.run(10_000);

  it('ends with tohost = 1 in the cycle the RTL ends, with the RTL retire count', () => {
    expect(r.exit, r.message).toBe('tohost');
    expect(r.tohost).toBe(1);
    expect(r.cycles).toBe(RTL.total_cycles);
    expect(r.instret).toBe(RTL.instret);
  });

  it('an illegal 32-bit word costs one cycle more than ebreak or an illegal CSR number (FLUSH_EX waits for ex_valid)', () => {
    // cv32e40p_controller.sv FLUSH_EX leaves on ex_valid; an illegal word enters EX with alu_en cleared by
    // deassert_we, a CSR word keeps csr_access, so only the former needs a bubble to make EX valid
    const [illegalWord, illegalCsr, ebreak] = r.results;
    expect(illegalWord! - ebreak!).toBe(1);
    expect(illegalCsr).toBe(ebreak);
    expect(r.results.slice(0, 3)).toEqual(RTL.results.slice(0, 3));
  });

  it('reads the trigger, mimpid and custom CSRs as the RTL does', () => {
    // tdata1 outside debug mode: type 2 (bits 31:28), dmode (27), action 1 = debug mode (15:12), m (6)
    const tdata1 = (2 * 2 ** 28 + 2 ** 27 + 2 ** 12 + 2 ** 6) >>> 0;
    expect(r.results[3]).toBe(tdata1);
    expect(r.results.slice(4, 8)).toEqual([4, 1, 0, 3]); // tinfo = 1 << 2, mimpid, uhartid = hart 0, privlv = M
    expect(r.results.slice(3, 8)).toEqual(RTL.results.slice(3, 8));
  });

  it('keeps mtvec bits 31:8 and mode bit 0 of a written value', () => {
    const trap = 0x80000100; // `trap` is the first 256-byte boundary after `_start`
    expect(r.results[8]).toBe((trap | 1) >>> 0);
  });

  it('traps on CSR numbers the decoder does not list (time, 0x321, 0x014, tcontrol neighbours, 0xCD3) and not on listed ones', () => {
    expect(r.results[9]).toBe(6);
    expect(r.results[10]).toBe(r.results[9]);
    expect(r.results).toEqual(RTL.results);
  });

  it('agrees with the ISS on every retired instruction', () => {
    const ls = new Lockstep(new Testbench(cfg, elf)).run(10_000);
    expect(ls.divergence?.report ?? 'none').toBe('none');
    expect(ls.run.tohost).toBe(1);
    expect(ls.compared).toBeGreaterThan(100);
  });
});
