// Bounded memory however long the run: two million cycles of three dozen changing signals must not
// grow the heap or the off-heap buffers by more than a small constant, while the file grows by
// tens of megabytes.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { TraceSignal } from './trace_source.ts';
import { withTempDir } from './testkit.ts';
import { openVcd } from './vcd.ts';

it('two million cycles keep heap growth small', () => {
  withTempDir((dir) => {
    const n = 36;
    const signals: TraceSignal[] = Array.from({ length: n }, (_, i) => ({
      path: `top.core${i % 8}.sig${i}`,
      width: i % 4 === 0 ? 1 : 32,
      kind: 'reg',
      slot: i,
      ...(i === 5 ? { enumNames: ['IDLE', 'FETCH', 'DECODE', 'EXEC'] } : {}),
    }));
    const values = new Uint32Array(n);
    let probe = 0;
    const labels = ['nop', 'addi x1, x1, 1', 'lw a0, 0(a1)', 'bne a0, x0, -8'];
    const path = join(dir, 'long.vcd');
    const w = openVcd(path, { signals, values, strings: [{ path: 'top.core0.instr', get: () => labels[probe] }] });
    const cycles = 2_000_000;
    const drive = (c: number): void => {
      // Signal i changes every 2^(2 + i % 6) cycles: about 3 changes per cycle in total.
      for (let i = 0; i < n; i++) {
        if ((c & ((4 << (i % 6)) - 1)) === 0) values[i] = i === 5 ? (values[i] + 1) & 3 : i % 4 === 0 ? values[i] ^ 1 : (c * 2654435761) >>> 0;
      }
      probe = (c >> 3) & 3;
    };
    // Warm-up: long enough to fill the first buffer, so the writer thread and its fixed buffers exist before
    // memory is measured.
    const warm = 200_000;
    for (let c = 0; c < warm; c++) {
      drive(c);
      w.sample(c);
    }
    const before = process.memoryUsage();
    for (let c = warm; c < cycles; c++) {
      drive(c);
      w.sample(c);
    }
    const after = process.memoryUsage();
    w.close();
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(40e6);
    // Generous bounds: a writer that kept its output (or a per-cycle object) would grow by far more.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * 2 ** 20);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * 2 ** 20);
    // The end of the file is the closing timestamp after the last cycle.
    const tail = Buffer.alloc(32);
    const fd = openSync(path, 'r');
    readSync(fd, tail, 0, 32, size - 32);
    closeSync(fd);
    expect(tail.toString('latin1').endsWith(`\n#${cycles * 10}\n`)).toBe(true);
  });
});
