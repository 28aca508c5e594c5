// Values that straddle the writer's buffer flushes: texts longer than the buffer's slack, the
// longest enum names, and 32-bit vectors, changing every cycle until the dump is several buffers
// long. Read back with our reader, every value at every cycle must be what the source held.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expectedDisplay, withTempDir } from './testkit.ts';
import type { TraceSignal } from './trace_source.ts';
import { openVcd } from './vcd.ts';
import { parseVcd, valueAt } from './vcd_reader.ts';

it('long texts, long enum names and vectors survive buffer flushes', () => {
  withTempDir((dir) => {
    const names = Array.from({ length: 4 }, (_, k) => `${'N'.repeat(250)}_${k}\\`); // 256 characters, escaped to 257
    const signals: TraceSignal[] = [
      { path: 'top.state', width: 2, kind: 'reg', slot: 0, enumNames: names },
      { path: 'top.bus', width: 32, kind: 'wire', slot: 1 },
      { path: 'top.bit', width: 1, kind: 'wire', slot: 2 },
    ];
    const values = new Uint32Array(3);
    let cycle = 0;
    const textAt = (c: number): string => `${c} ${'t'.repeat(1000 + ((c * 997) % 5000))}`;
    const path = join(dir, 'long.vcd');
    const w = openVcd(path, { signals, values, strings: [{ path: 'top.text', get: () => textAt(cycle) }] }, { period: 1 });
    const cycles = 400;
    for (cycle = 0; cycle < cycles; cycle++) {
      values[0] = cycle & 3;
      values[1] = Math.imul(cycle, 2654435761) >>> 0;
      values[2] = cycle & 1;
      w.sample(cycle);
    }
    w.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(4 * 256 * 1024);
    const doc = parseVcd(bytes.toString('latin1'));
    const id = (p: string): string => doc.vars.find((v) => v.path === p)!.id;
    for (let c = 0; c < cycles; c++) {
      expect(valueAt(doc, id('top.state'), c)).toBe(names[c & 3]);
      expect(valueAt(doc, id('top.bus'), c)).toBe(Math.imul(c, 2654435761) >>> 0);
      expect(valueAt(doc, id('top.bit'), c)).toBe(c & 1);
      const t = valueAt(doc, id('top.text'), c);
      if (t !== expectedDisplay(textAt(c))) expect(t, `text at cycle ${c}`).toBe(expectedDisplay(textAt(c)));
    }
  });
});
