// Measures the parallel speed-up of the sweep runner: one sweep run with 1 worker thread and with N, wall time
// each. The jobs are the bench's MatMul kernel (testbench/bench/core_bench.ts, about 1200 cycles per iteration) on
// the signal-level core, at several data-port grant delays, so that each run simulates long enough for the
// per-thread start-up to matter little.
// Usage: npx tsx testbench/sweep/speedup.ts [N=2] [repeat=1] [iterations=40]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { matmulSource } from '../bench/core_bench.ts';
import { parseSweep } from './format.ts';
import { runSweep } from './runner.ts';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2);
  const repeat = Number(process.argv[3] ?? 1);
  const iterations = Number(process.argv[4] ?? 40);
  const dir = mkdtempSync(join(tmpdir(), 'pulpsim-speedup-'));
  const cfg = preset('ri5cy');
  const { object } = assemble(matmulSource(iterations), 'matmul.S', { flavour: cfg.core.flavour, rvc: false });
  writeFileSync(join(dir, 'matmul.elf'), linkedElf(link([object], { textBase: 0, memory: cfg.memory })));
  const plan = parseSweep(
    JSON.stringify({
      name: 'speed-up',
      config: 'ri5cy',
      jobs: [{ name: 'matmul', kind: 'program', elf: 'matmul.elf' }],
      product: { 'dmem.grantDelay': [0, 1, 2, 3], 'imem.responseDelay': [1, 2] },
    }),
    join(dir, 'speedup.json'),
    dir,
  );
  const times = new Map<number, number[]>([[1, []], [n, []]]);
  for (let k = 0; k < repeat; k++) {
    for (const w of [1, n]) {
      const cpu0 = process.cpuUsage();
      const r = await runSweep(plan, { workers: w });
      const cpu = process.cpuUsage(cpu0);
      // CPU seconds of every thread of this process per wall second: how many cores the sweep actually got.
      const used = (cpu.user + cpu.system) / 1e6 / r.wallSeconds;
      const cycles = r.rows.reduce((s, x) => s + Number(x.metrics.cycles ?? 0), 0);
      times.get(w)!.push(r.wallSeconds);
      console.log(
        `workers=${w}: ${r.rows.length} runs (${r.rows.filter((x) => x.status !== 'ok').length} not ok), ${cycles} cycles, ` +
          `${r.wallSeconds.toFixed(2)} s wall, ${r.rows.reduce((s, x) => s + x.seconds, 0).toFixed(2)} s inside runs, ${used.toFixed(2)} cores busy`,
      );
    }
  }
  const best = (w: number): number => Math.min(...times.get(w)!);
  console.log(`speed-up with ${n} workers (best of ${repeat}): ${(best(1) / best(n)).toFixed(2)}x`);
}

void main();
