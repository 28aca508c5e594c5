// Whole-system dumps against the simulator itself: a core running the bench's MatMul loop and an 8-core
// cluster running the cluster bench, every signal and probe traced. A settled hook (run each cycle just
// before the tracers) records, independently of the writer, every value change of every traced slot and
// every change of each probe's displayed text; the dump read back must hold exactly those changes, at
// the same times, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../kernels/toolchain/linker.ts';
import { buildClusterProgram } from '../kernels/runtime/runtime.ts';
import { gap8, preset, type CoreVersion } from '../rtl/config/index.ts';
import { clusterBenchSource } from '../testbench/bench/cluster_bench.ts';
import { matmulSource } from '../testbench/bench/core_bench.ts';
import { ClusterTestbench } from '../testbench/cluster/testbench.ts';
import { Testbench } from '../testbench/system/testbench.ts';
import type { Simulator } from '../sim/index.ts';
import { expectedDisplay, withTempDir } from './testkit.ts';
import { openVcd } from './vcd.ts';
import { parseVcd } from './vcd_reader.ts';

type Change = { time: number; value: number | string };

/** Dumps `cycles` cycles of `sim` (run by `run`) and checks every variable's changes against the hook's record. */
function checkDump(sim: Simulator, run: (cycles: number) => void, cycles: number): { vars: number; changes: number } {
  return withTempDir((dir) => {
    const period = 10;
    const src = sim.traceSource();
    const values = src.values;
    const slots = [...new Set(src.signals.map((s) => s.slot))];
    const last = new Map<number, number>();
    const bySlot = new Map<number, { cycle: number; value: number }[]>(slots.map((s) => [s, []]));
    const probes = src.strings ?? [];
    const shown: (string | undefined)[] = probes.map(() => undefined);
    const byProbe: Change[][] = probes.map(() => []);
    sim.onSettled((cycle) => {
      for (const s of slots) {
        const v = values[s]!;
        if (last.get(s) !== v) {
          last.set(s, v);
          bySlot.get(s)!.push({ cycle, value: v });
        }
      }
      probes.forEach((p, k) => {
        const text = expectedDisplay(p.get());
        if (text !== shown[k]) {
          shown[k] = text;
          byProbe[k]!.push({ time: cycle * period, value: text });
        }
      });
    });
    const path = join(dir, 'system.vcd');
    const w = openVcd(path, src, { period });
    sim.attachTracer(w);
    run(cycles);
    w.close();
    const doc = parseVcd(readFileSync(path, 'latin1'));
    const signalOf = new Map(src.signals.map((s) => [s.path, s]));
    const probeOf = new Map(probes.map((p, k) => [p.path, k]));
    let changes = 0;
    for (const v of doc.vars) {
      let want: Change[];
      const k = probeOf.get(v.path);
      if (k !== undefined) want = byProbe[k]!;
      else {
        const s = signalOf.get(v.path);
        if (s === undefined) throw new Error(`the dump declares '${v.path}', which the simulator does not have`);
        const names = s.enumNames;
        const render = names === undefined ? (x: number): number => x : (x: number): string => expectedDisplay(names[x] ?? `?${x}`);
        want = bySlot.get(s.slot)!.map((c) => ({ time: c.cycle * period, value: render(c.value) }));
        expect(v.type, v.path).toBe(names === undefined ? s.kind : 'string');
      }
      const got = doc.changes.get(v.id) ?? [];
      if (got.length !== want.length || got.some((c, j) => c.time !== want[j]!.time || c.value !== want[j]!.value)) {
        expect(got, `changes of '${v.path}'`).toEqual(want);
      }
      changes += got.length;
    }
    expect(doc.vars.length).toBe(src.signals.length + probes.length);
    expect(doc.times.at(-1)).toBe(sim.cycle * period);
    return { vars: doc.vars.length, changes };
  });
}

function coreBench(version: CoreVersion): Testbench {
  const cfg = preset(version);
  const { object } = assemble(matmulSource(1000, cfg.core.flavour), 'core_bench.S', { flavour: cfg.core.flavour, rvc: false });
  return new Testbench(cfg, readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'core_bench.elf'), {});
}

describe('a dump of the whole system holds exactly the simulator values, cycle by cycle', () => {
  for (const version of ['cv32e40p', 'ri5cy'] as const) {
    it(`single core ${version}, MatMul loop`, () => {
      const tb = coreBench(version);
      const { vars, changes } = checkDump(tb.sim, (n) => tb.sim.run(n), 40_000);
      // Every signal of the core, and about 30 changes per cycle (the loop keeps the pipeline busy).
      expect(vars).toBeGreaterThan(200);
      expect(changes).toBeGreaterThan(40_000 * 20);
    });
  }

  it('8-core cluster, cluster bench', () => {
    const cfg = gap8();
    const prog = buildClusterProgram([{ file: 'cluster_bench.S', text: clusterBenchSource(100) }], cfg);
    const tb = new ClusterTestbench(cfg, prog.elf, {});
    const { vars, changes } = checkDump(tb.sim, (n) => tb.sim.run(n), 3000);
    expect(vars).toBeGreaterThan(8 * 200);
    expect(changes).toBeGreaterThan(3000 * 100);
  });
});
