// CV32E40P divides that finish while the next instruction is still being fetched (programs/divide_fetch_wait.S):
// the bubble ID hands to EX when it is not decoding must not restart the divider. Expected numbers measured on
// the CV32E40P RTL (cv32e40p_v1.8.3, Verilator 5.006) in the system of testbench/fixtures/timing/README.md, for
// each instruction-port timing (G, R).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { Testbench } from './testbench.ts';

const SOURCE = new URL('./programs/divide_fetch_wait.S', import.meta.url);

const RTL: Array<{ imem: [number, number]; total_cycles: number; instret: number; results: number[] }> = [
  { imem: [0, 1], total_cycles: 110, instret: 30, results: [37, 3, 37, 34] },
  { imem: [0, 2], total_cycles: 118, instret: 30, results: [37, 3, 37, 34] },
  { imem: [0, 3], total_cycles: 126, instret: 29, results: [37, 3, 37, 34] },
  { imem: [1, 1], total_cycles: 122, instret: 29, results: [37, 3, 37, 34] },
  { imem: [2, 1], total_cycles: 138, instret: 29, results: [37, 3, 38, 34] },
];

describe('CV32E40P divider with the next fetch outstanding', () => {
  const cfg = preset('cv32e40p');
  const { object } = assemble(readFileSync(SOURCE, 'utf8'), 'divide_fetch_wait.S', { flavour: cfg.core.flavour, rvc: true });
  const elf = readElf(linkedElf(link([object], { textBase: 0x80000000, memory: cfg.memory })), 'divide_fetch_wait.elf');

  it.each(RTL)('instruction port G=$imem.0 R=$imem.1: cycles, retired instructions and region deltas of the RTL', (v) => {
    const tb = new Testbench({ ...cfg, imem: { grantDelay: v.imem[0], responseDelay: v.imem[1] } }, elf);
    const r = tb.run(10_000);
    expect(r.exit, r.message).toBe('tohost');
    expect(r.tohost).toBe(1);
    // 20 / 6 and -100 / -3 + 1, by hand
    expect(r.results[1]).toBe(3);
    expect(r.results[3]).toBe(34);
    // each divide occupies EX for 3 + clz(|divisor|) cycles once (clz(6) = 29, leading ones of -3 minus one = 29),
    // so no region may measure a second pass through the divider
    for (const d of [r.results[0]!, r.results[2]!]) expect(d).toBeLessThan(2 * 32);
    expect(r.results).toEqual(v.results);
    expect(r.cycles).toBe(v.total_cycles);
    expect(r.instret).toBe(v.instret);
  });
});
