// Lockstep of the signal-level core with the golden ISS: every retired instruction (pc, word, register writes,
// memory accesses, traps) on the timing-vector ELFs, the ISA test programs (assembled by our toolchain) and
// random programs; and the checker's own report when the two disagree.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { isaPrograms, linkIsaProgram } from '../../kernels/tests/isa/programs.ts';
import { Testbench } from '../system/testbench.ts';
import { timingVectors } from '../timing/vectors.ts';
import { Lockstep } from './lockstep.ts';
import { buildProgram, programArb } from './random_program.ts';

const VERSIONS: CoreVersion[] = ['ri5cy', 'ri5cy_v1', 'cv32e40p'];

describe.each(VERSIONS)('lockstep with the ISS on %s', (version) => {
  const base = timingVectors(version).filter((v) => !v.name.includes('@'));
  it.each(base.map((v) => [v.name, v] as const))('timing ELF %s', (name, v) => {
    const tb = new Testbench(preset(version), readFileSync(v.elf));
    const r = new Lockstep(tb).run(v.total_cycles + 100);
    expect(r.divergence?.report ?? 'none').toBe('none');
    expect(r.run.exit).toBe('tohost');
    expect(r.compared).toBeGreaterThan(v.instret / 2);
  });

  // The ISA programs this core runs: the base ISA ones and the PULP ones rendered in its flavour.
  const programs = isaPrograms().filter((p) => p.versions.includes(version));
  it('runs the six PULP groups in the core\'s own flavour', () => {
    const pulp = programs.filter((p) => p.flavour !== undefined);
    expect(pulp.map((p) => p.name.replace(/ .*/, '')).sort()).toEqual(
      ['alu', 'bitman', 'hwloop', 'mac', 'mem', 'simd'].map((g) => `pulp_${g}.S.in`),
    );
    expect(new Set(pulp.map((p) => p.flavour))).toEqual(new Set([version === 'cv32e40p' ? 'corev' : 'xpulpv2']));
  });
  it.each(programs.map((p) => [p.name, p] as const))('ISA program %s', (_name, p) => {
    const cfg = preset(version);
    const r = new Lockstep(new Testbench(cfg, linkIsaProgram(p.source, p.file, cfg))).run(200_000);
    expect(r.divergence?.report ?? 'none').toBe('none');
    expect(r.run.tohost).toBe(1);
  });

  it('random programs (ALU/mul/div chains, aligned and misaligned loads/stores, branches, nested hwloops)', () => {
    const cfg = preset(version);
    fc.assert(
      fc.property(programArb({ hwloops: true, corev: version === 'cv32e40p' }), (p) => {
        const { elf, source } = buildProgram(p, cfg);
        const r = new Lockstep(new Testbench(cfg, elf)).run(50_000);
        if (r.divergence) throw new Error(`${r.divergence.report}\n--- program ---\n${source}`);
        expect(r.run.exit, r.run.message).toBe('tohost');
        expect(r.run.tohost).toBe(1);
      }),
      { numRuns: 60, seed: version === 'ri5cy' ? 0x5eed : version === 'ri5cy_v1' ? 0x1ee7 : 0xc0de },
    );
  });
});

describe('lockstep checker', () => {
  it('stops at the first divergence and names the instruction, the field and both values', () => {
    // The model's memory gets a different loaded word than the ISS's: the first load of it must be reported.
    const v = timingVectors('ri5cy').find((x) => x.name === 'load_use')!;
    const elf = readElf(readFileSync(v.elf), v.elf);
    const tb = new Testbench(preset('ri5cy'), elf);
    const ldata = symbol(elf, 'ldata') ?? symbol(elf, 'data') ?? symbol(elf, 'buf');
    expect(ldata, 'the vector has a data label').toBeDefined();
    const before = tb.readWord(ldata!.value);
    tb.top.mem.pokeWord(ldata!.value, (before ^ 0x5a5a0000) >>> 0);
    const r = new Lockstep(tb).run(v.total_cycles + 100);
    expect(r.divergence).not.toBeNull();
    expect(r.divergence!.field).toBe('register writes');
    expect(r.divergence!.report).toMatch(/lockstep divergence at retired instruction #\d+ \(model cycle \d+\), register writes: ISS x\d+=0x[0-9a-f]{8}, model x\d+=0x[0-9a-f]{8}/);
    expect(r.divergence!.report).toMatch(/\n  ISS   0x[0-9a-f]{8}: .*lw/);
  });
});
