// Read-set sweep: activity-based evaluation (sim/activity.ts) runs a comb process, and a `stable` seq process, only
// when a slot it reads changed, which is exact only if every process's read set (learned during elaboration or
// declared with `reads`) is complete. This runs many programs on the strict interpreter, collecting every read
// outside a set (each once per process and signal; the run goes on) and checking each program still ends in its
// reference cycle:
//   core     every timing vector (every memory variant) of ri5cy, ri5cy_v1 and cv32e40p on the single-core system
//   whatif   every distinct timing-vector program of ri5cy and cv32e40p under the what-if core timings
//   cluster  every cluster system program at both L2 latencies (gap8), testbench/cluster/programs/hwloops8.S (both
//            hardware loops through the L0 prefetch buffer), and three with what-if core timings
//   random   random programs of the lockstep tests on the three core versions (lockstep with the ISS too)
//   replay   the I$, event-unit and TCDM-interconnect RTL scenarios (open-loop replay, compared as usual)
//   learn    no program: each design elaborated again with many more learning trials, reads it finds that the
//            default elaboration lacks (reached by no program here, or unreachable; declaring them is harmless)
//   conv     small pulp-nn-mixed kernels on 8 cores, the 8-bit SIMD and the XpulpNN variants, and one on 16 cores
// Prints a line per group and every violation (process, signal, first program). Not part of the unit suite (a few
// minutes); the unit tests run a subset (rtl/core/read_sets.test.ts, testbench/cluster/read_sets.test.ts).
//   npx tsx testbench/bench/read_sets_sweep.ts [group ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CoreTiming, type CoreVersion, gap8, preset } from '../../rtl/config/index.ts';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { generateLayer } from '../../kernels/golden/generate.ts';
import { type Module, type ReadViolation, Simulator } from '../../sim/index.ts';
import { Cluster } from '../../rtl/cluster/cluster.ts';
import { gap8Params, gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { runConvOnCluster } from '../kernels/conv_run.ts';
import { registerBuiltinAdapters } from '../replay/adapters/index.ts';
import { replayFile } from '../replay/replay.ts';
import { SingleCoreSystem, Testbench } from '../system/testbench.ts';
import { Lockstep } from '../lockstep/lockstep.ts';
import { buildProgram, programArb } from '../lockstep/random_program.ts';
import { buildClusterProgram } from '../cluster/programs/build.ts';
import fc from 'fast-check';
import { timingVectors } from '../timing/vectors.ts';

interface Found {
  kind: string;
  process: string;
  signal: string;
  programs: Set<string>;
}
const found = new Map<string, Found>();
let failures: string[] = [];

/** A `strictReads` collector that files each violation under the program being run. */
function collector(program: string): (v: ReadViolation) => void {
  return (v) => {
    const key = `${v.process}\0${v.signal}`;
    let f = found.get(key);
    if (!f) found.set(key, (f = { kind: v.kind, process: v.process, signal: v.signal, programs: new Set() }));
    f.programs.add(program);
  };
}

const WHATIF: Array<[string, Partial<CoreTiming>]> = [
  ['branch=btfn', { branch: 'btfn' }],
  ['loadUseCycles=0', { loadUseCycles: 0 }],
  ['btfn, load-use 0, mul 2, div 5', { branch: 'btfn', loadUseCycles: 0, mulCycles: 2, divCycles: 5 }],
  ['load-use 3, mulh 9, div 1', { loadUseCycles: 3, mulhCycles: 9, divCycles: 1 }],
];

/** Runs a timing vector's program on the strict single-core system; the end cycle (-1: never ended). */
function coreRun(core: CoreVersion, v: ReturnType<typeof timingVectors>[number], label: string, timing?: Partial<CoreTiming>): number {
  const cfg = { ...preset(core), imem: v.imem, dmem: v.dmem };
  if (timing) Object.assign(cfg.core, timing);
  const elf = readElf(readFileSync(v.elf), v.elf);
  const entry = elf.entry >>> 0;
  // RI5CY v1.0 resets to boot[31:8] + 0x80 (as the Testbench boots it)
  const top = new SingleCoreSystem(cfg, core === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry);
  const sim = new Simulator(top, { backend: 'interp', strictReads: collector(label) });
  top.mem.clearFault();
  loadElf(elf, cfg.memory, (a, b) => top.mem.writeBytes(a, b));
  const t = symbol(elf, 'tohost');
  top.harness.endCycle = -1;
  top.harness.tohostWord = t === undefined ? -1 : t.value >>> 2;
  const limit = timing ? v.total_cycles * 4 + 1000 : v.total_cycles + 50;
  for (let c = 0; c <= limit && top.harness.endCycle < 0; c++) sim.step();
  return top.harness.endCycle;
}

const LEARN_TRIALS = 4096;
const LEARN_SEEDS = 4;
const RANDOM_PROGRAMS = 150;

type Group = () => string;
const groups: Record<string, Group> = {
  core: () => {
    let n = 0;
    for (const core of ['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const) {
      for (const v of timingVectors(core)) {
        const label = `${core}/${v.name}`;
        n++;
        try {
          const end = coreRun(core, v, label);
          if (end !== v.total_cycles) failures.push(`${label}: ended in cycle ${end}, RTL ${v.total_cycles}`);
        } catch (e) {
          failures.push(`${label}: ${String(e)}`);
        }
      }
    }
    return `${n} timing vectors`;
  },
  whatif: () => {
    let n = 0;
    for (const [name, timing] of WHATIF) {
      for (const core of ['ri5cy', 'cv32e40p'] as const) {
        const seen = new Set<string>();
        for (const v of timingVectors(core)) {
          if (seen.has(v.elf)) continue;
          seen.add(v.elf);
          const label = `${core}/${v.name} [${name}]`;
          n++;
          try {
            if (coreRun(core, v, label, timing) < 0) failures.push(`${label}: never ended`);
          } catch (e) {
            failures.push(`${label}: ${String(e)}`);
          }
        }
      }
    }
    return `${n} runs (${WHATIF.length} timings x distinct programs of ri5cy, cv32e40p)`;
  },
  cluster: () => {
    const dir = 'testbench/fixtures/timing/cluster/system/';
    const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8')) as { programs: Record<string, { elf: string; L: number; total_cycles: number }> };
    let n = 0;
    for (const [key, e] of Object.entries(expected.programs)) {
      n++;
      try {
        const tb = new ClusterTestbench(gap8WithLatency(e.L), readFileSync(dir + e.elf), { backend: 'interp', strictReads: collector(`cluster/${key}`) });
        const r = tb.run(e.total_cycles + 100);
        if (r.exit !== 'tohost' || r.cycles !== e.total_cycles) failures.push(`cluster/${key}: ${r.exit} in cycle ${r.cycles}, RTL ${e.total_cycles}`);
      } catch (err) {
        failures.push(`cluster/${key}: ${String(err)}`);
      }
    }
    const hwloops8 = buildClusterProgram('hwloops8');
    for (const L of [5, 20]) {
      n++;
      const label = `cluster/hwloops8@L${L}`;
      try {
        const r = new ClusterTestbench(gap8WithLatency(L), hwloops8, { backend: 'interp', strictReads: collector(label) }).run(20_000);
        if (r.exit !== 'tohost' || r.tohost !== 1) failures.push(`${label}: ${r.exit}, tohost ${r.tohost}`);
      } catch (err) {
        failures.push(`${label}: ${String(err)}`);
      }
    }
    for (const [name, timing] of WHATIF.slice(2)) {
      for (const prog of ['psum8', 'matmul8', 'hwloops8']) {
        n++;
        const label = `cluster/${prog}@L5 [${name}]`;
        const cfg = gap8WithLatency(5);
        Object.assign(cfg.core, timing);
        try {
          const elf = prog === 'hwloops8' ? hwloops8 : readFileSync(`${dir}${prog}.elf`);
          const tb = new ClusterTestbench(cfg, elf, { backend: 'interp', strictReads: collector(label) });
          const r = tb.run(40_000);
          if (r.exit !== 'tohost' || r.tohost !== 1) failures.push(`${label}: ${r.exit}, tohost ${r.tohost}`);
        } catch (err) {
          failures.push(`${label}: ${String(err)}`);
        }
      }
    }
    return `${n} cluster programs`;
  },
  replay: () => {
    registerBuiltinAdapters();
    let n = 0;
    for (const [module, sub] of [['icache', 'icache'], ['event_unit', 'event_unit'], ['tcdm_interconnect', 'tcdm_interconnect']] as const) {
      const dir = join('testbench/fixtures/timing/cluster', sub);
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
        n++;
        const label = `${module}/${f}`;
        try {
          const r = replayFile(module, join(dir, f), { backend: 'interp', strictReads: collector(label) });
          if (r.mismatches !== 0) failures.push(`${label}: ${r.mismatches} mismatches`);
        } catch (err) {
          failures.push(`${label}: ${String(err)}`);
        }
      }
    }
    return `${n} scenarios`;
  },
  // Not a run: each design elaborated again with many more learning trials (other seeds); a read those find that the
  // default elaboration's set lacks is one learning missed and nothing declared (reached by no program above, or
  // never reachable: declaring it is harmless either way).
  learn: () => {
    const designs: Array<[string, () => Module]> = [];
    for (const core of ['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const) designs.push([core, () => new SingleCoreSystem(preset(core), 0x80)]);
    for (const core of ['ri5cy', 'cv32e40p'] as const) {
      designs.push([`${core} [${WHATIF[2]![0]}]`, () => new SingleCoreSystem({ ...preset(core), core: { ...preset(core).core, ...WHATIF[2]![1] } }, 0x80)]);
      designs.push([`${core} [${WHATIF[3]![0]}]`, () => new SingleCoreSystem({ ...preset(core), core: { ...preset(core).core, ...WHATIF[3]![1] } }, 0x80)]);
    }
    designs.push(['ri5cy xpulpnn', () => new SingleCoreSystem({ ...preset('ri5cy'), core: { ...preset('ri5cy').core, isa: { xpulpnn: true } } }, 0x80)]);
    designs.push(['gap8 cluster (8 cores)', () => new Cluster(gap8Params(gap8()))]);
    let extra = 0;
    for (const [name, make] of designs) {
      const base = new Simulator(make(), { backend: 'interp' }).netlist;
      for (let seed = 2; seed <= LEARN_SEEDS + 1; seed++) {
        const big = new Simulator(make(), { backend: 'interp', learnTrials: LEARN_TRIALS, seed }).netlist;
        big.procs.forEach((p, k) => {
          const b = base.procs[k]!;
          if (b.path !== p.path) throw new Error(`${name}: process ${k} is '${b.path}' in one elaboration, '${p.path}' in the other`);
          if (p.kind === 'seq' && !p.stable) return;
          const have = new Set(b.reads);
          for (const r of p.reads) {
            if (have.has(r)) continue;
            b.reads.push(r);
            extra++;
            collector(`learning (${name}, seed ${seed})`)({ kind: p.kind, process: p.path, signal: big.slotName[r]!, message: '' });
          }
        });
      }
    }
    return `${designs.length} designs, ${LEARN_SEEDS} x ${LEARN_TRIALS} trials each: ${extra} read(s) the default learning lacks`;
  },
  // Random programs of the lockstep tests (ALU/mul/div chains, aligned and misaligned accesses, branches, nested
  // hardware loops), each checked against the ISS instruction by instruction as well.
  random: () => {
    let n = 0;
    for (const core of ['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const) {
      const cfg = preset(core);
      const specs = fc.sample(programArb({ hwloops: true, corev: core === 'cv32e40p' }), { numRuns: RANDOM_PROGRAMS, seed: 0x5a5a });
      specs.forEach((p, i) => {
        n++;
        const label = `${core}/random#${i}`;
        try {
          const { elf } = buildProgram(p, cfg);
          const r = new Lockstep(new Testbench(cfg, elf, { backend: 'interp', strictReads: collector(label) })).run(50_000);
          if (r.divergence) failures.push(`${label}: ${r.divergence.report}`);
          else if (r.run.exit !== 'tohost' || r.run.tohost !== 1) failures.push(`${label}: ${r.run.message}`);
        } catch (err) {
          failures.push(`${label}: ${String(err)}`);
        }
      });
    }
    return `${n} random programs (${RANDOM_PROGRAMS} per core version, lockstep with the ISS)`;
  },
  conv: () => {
    const runs: Array<[string, { inBits: 8 | 4 | 2; wBits: 8 | 4 | 2; outBits: 8 | 4 | 2 }, boolean, number]> = [
      ['u8_u8_i8', { inBits: 8, wBits: 8, outBits: 8 }, false, 8],
      ['u4_u2_i4', { inBits: 4, wBits: 4, outBits: 2 }, false, 8],
      ['u4_u8_i4 nn', { inBits: 4, wBits: 4, outBits: 8 }, true, 8],
      ['u2_u4_i2 nn', { inBits: 2, wBits: 2, outBits: 4 }, true, 8],
      ['u8_u8_i2', { inBits: 8, wBits: 2, outBits: 8 }, false, 16],
    ];
    for (const [name, bits, nn, cores] of runs) {
      const label = `conv ${name} (${cores} cores)`;
      const layer = generateLayer({ ...bits, h: 8, w: 2, cin: 8, cout: 4, kh: 3, kw: 3, stride: 1, padding: 1, seed: 5 });
      const config = gap8();
      if (nn) config.core.isa = { xpulpnn: true };
      try {
        const r = runConvOnCluster(layer, { config, cores, xpulpnn: nn, backend: 'interp', strictReads: collector(label) });
        if (!r.bitExact) failures.push(`${label}: not bit-exact`);
      } catch (err) {
        failures.push(`${label}: ${String(err)}`);
      }
    }
    return `${runs.length} kernels`;
  },
};

const pick = process.argv.slice(2);
for (const g of pick) if (!(g in groups)) throw new Error(`unknown group '${g}' (groups: ${Object.keys(groups).join(', ')})`);
const t0 = performance.now();
const c0 = process.cpuUsage();
let total = 0;
for (const [name, run] of Object.entries(groups)) {
  if (pick.length > 0 && !pick.includes(name)) continue;
  const before = found.size;
  failures = [];
  const t = performance.now();
  const what = run();
  const s = (performance.now() - t) / 1000;
  total += failures.length;
  console.log(`${name.padEnd(8)} ${what}: ${found.size - before} new violation(s), ${failures.length} failure(s), ${s.toFixed(1)} s`);
  for (const f of failures) console.log(`  FAIL ${f}`);
}
// Per-core instances of one process differ only in an index: group them.
const byShape = new Map<string, Found[]>();
for (const f of found.values()) {
  const k = `${f.kind} ${f.process.replace(/\d+/g, '#')} <- ${f.signal.replace(/\d+/g, '#')}`;
  byShape.set(k, [...(byShape.get(k) ?? []), f]);
}
for (const [k, list] of byShape) {
  const progs = new Set(list.flatMap((f) => [...f.programs]));
  console.log(`VIOLATION ${k}: ${list.length} instance(s), e.g. ${list[0]!.process} <- ${list[0]!.signal}; ${progs.size} program(s), e.g. ${[...progs].slice(0, 3).join(', ')}`);
}
const cpu = process.cpuUsage(c0);
console.log(
  `read-set sweep: ${found.size} violation(s) (${byShape.size} distinct), ${total} failure(s); ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s`,
);
process.exitCode = found.size + total > 0 ? 1 : 0;
