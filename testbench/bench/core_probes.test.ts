// The core's disassembly probes declare their reads (valid, word and pc of their stage), and wave writers call
// them only when one of those changes. The strict interpreter rejects any other read, so running the bench
// kernel with every probe evaluated every cycle proves the declarations complete, for every core version (the kernel,
// in the version's flavour, uses its loops, post-increment loads and dot products).
import { describe, expect, it } from 'vitest';
import { preset, type CoreVersion } from '../../rtl/config/index.ts';
import { Simulator } from '../../sim/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { SingleCoreSystem } from '../system/testbench.ts';
import { matmulSource } from './core_bench.ts';

describe.each<CoreVersion>(['ri5cy', 'ri5cy_v1', 'cv32e40p'])('disassembly probes of %s', (version) => {
  it('read only their declared signals (strictReads), and the texts follow the pipeline', () => {
    const cfg = preset(version);
    const { object } = assemble(matmulSource(1, cfg.core.flavour), 'probes.S', { flavour: cfg.core.flavour, rvc: false });
    const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'probes.elf');
    const entry = elf.entry >>> 0;
    const top = new SingleCoreSystem(cfg, version === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry);
    const sim = new Simulator(top, { backend: 'interp', strictReads: true });
    loadElf(elf, cfg.memory, (a, b) => top.mem.writeBytes(a, b));
    const probes = sim.traceSource().strings!.filter((p) => /\.instr_(if|id_asm|ex_asm)$/.test(p.path));
    expect(probes).toHaveLength(3);
    for (const p of probes) expect(p.reads).toHaveLength(3);
    const seen = new Set<string>();
    sim.onSettled(() => {
      for (const p of probes) seen.add(p.get());
    });
    sim.run(400);
    // The kernel's inner loop reaches EX: its post-increment loads and dot products were shown.
    const [lw, sdot] = cfg.core.flavour === 'corev' ? ['cv.lw', 'cv.sdotusp.b'] : ['p.lw', 'pv.sdotusp.b'];
    expect([...seen].some((t) => t.startsWith(lw))).toBe(true);
    expect([...seen].some((t) => t.startsWith(sdot))).toBe(true);
    expect(seen.has('-')).toBe(true);
  });
});
