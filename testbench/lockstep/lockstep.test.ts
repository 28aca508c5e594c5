// Lockstep of the signal-level core with the golden ISS: every retired instruction (pc, word, register writes,
// memory accesses, traps) on the timing-vector ELFs, the ISA test programs (assembled by our toolchain) and
// random programs; and the checker's own report when the two disagree.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
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

  const DIR = 'kernels/tests/isa';
  const ownGroup = version === 'cv32e40p' ? 'xpulp_' : 'corev_';
  const programs = readdirSync(DIR).filter((f) => f.endsWith('.S') && !f.startsWith(ownGroup)).sort();
  it.each(programs)('ISA program %s', (file) => {
    const cfg = preset(version);
    const { object } = assemble(readFileSync(join(DIR, file), 'utf8'), join(DIR, file), {
      flavour: cfg.core.flavour,
      rvc: cfg.core.rvc,
      includeDirs: [DIR],
    });
    const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), file);
    const r = new Lockstep(new Testbench(cfg, elf)).run(200_000);
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
