// Throughput of the VCD writer: `npx tsx waves/bench_vcd.ts [cycles] [signals] [out.vcd]`.
// Signal i changes every 2^(i % 6) cycles (about one change per signal every three cycles); a third
// are single bits, the rest 32-bit buses. Prints value changes per second and MB/s.
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceSignal } from './trace_source.ts';
import { openVcd } from './vcd.ts';

const cycles = Number(process.argv[2] ?? 2_000_000);
const n = Number(process.argv[3] ?? 48);
const out = process.argv[4] ?? join(tmpdir(), `pulpsim-bench-${process.pid}.vcd`);
const values = new Uint32Array(n);
const signals: TraceSignal[] = Array.from({ length: n }, (_, i) => ({
  path: `top.core${i % 8}.sig${i}`,
  width: i % 3 === 0 ? 1 : 32,
  kind: 'wire',
  slot: i,
}));
const w = openVcd(out, { signals, values });
let changes = 0;
const t0 = process.hrtime.bigint();
for (let c = 0; c < cycles; c++) {
  for (let i = 0; i < n; i++) {
    const sh = i % 6;
    if ((c & ((1 << sh) - 1)) === 0) {
      values[i] = signals[i].width === 1 ? values[i] ^ 1 : (c * 2654435761 + i) >>> 0;
      changes++;
    }
  }
  w.sample(c);
}
w.close();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
const bytes = statSync(out).size;
if (process.argv[4] === undefined) rmSync(out);
console.log(`${cycles} cycles, ${n} signals, ${changes} value changes in ${s.toFixed(2)} s: ` +
  `${(changes / s / 1e6).toFixed(2)} M changes/s, ${(cycles / s / 1e3).toFixed(0)} k cycles/s, ${(bytes / s / 1e6).toFixed(1)} MB/s (${(bytes / 1e6).toFixed(0)} MB)`);
