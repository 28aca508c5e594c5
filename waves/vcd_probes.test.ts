// String probes that declare the slots they read (TraceString.reads): the dump must show exactly
// what a probe without `reads` shows (the text of the current values at every cycle), while get()
// runs only when a read slot changed and once per distinct valuation while the memo holds it.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedDisplay, withTempDir } from './testkit.ts';
import type { TraceSignal, TraceString } from './trace_source.ts';
import { openVcd } from './vcd.ts';
import { parseVcd, valueAt } from './vcd_reader.ts';

/** The text a probe shows for two slot values: repeats, alike-displaying texts, long texts. */
function textOf(a: number, b: number): string {
  if (a % 7 === 3) return 'x'.repeat(40 + (b % 90)); // around the memo's width
  if (a % 5 === 4) return `tab\there ${b & 1}`; // '\t' and ' ' both display as '_'
  if (a % 11 === 10) return `caf\u00e9${b % 3}`; // non-ASCII displays as '?'
  return `op${a % 13}\t${b}`;
}

interface Run {
  doc: ReturnType<typeof parseVcd>;
  calls: { withReads: number; without: number; constant: number };
  readsChanged: number;
}

/** Dumps `steps` (values of slots 0..2 per cycle) with a memoized probe, a plain one and a constant one. */
function dump(dir: string, steps: readonly (readonly [number, number, number])[]): Run {
  const values = new Uint32Array(3);
  const signals: TraceSignal[] = [0, 1, 2].map((i) => ({ path: `top.s${i}`, width: 32, kind: 'wire', slot: i }));
  const calls = { withReads: 0, without: 0, constant: 0 };
  const strings: TraceString[] = [
    { path: 'top.memo', reads: [0, 1], get: () => (calls.withReads++, textOf(values[0]!, values[1]!)) },
    { path: 'top.plain', get: () => (calls.without++, textOf(values[0]!, values[1]!)) },
    { path: 'top.fixed', reads: [], get: () => (calls.constant++, 'fixed text') },
  ];
  const path = join(dir, 'probes.vcd');
  const w = openVcd(path, { signals, strings, values }, { period: 1 });
  let readsChanged = 0;
  steps.forEach(([a, b, c], cycle) => {
    if (cycle > 0 && (a !== values[0] || b !== values[1])) readsChanged++;
    values[0] = a;
    values[1] = b;
    values[2] = c;
    w.sample(cycle);
  });
  w.close();
  return { doc: parseVcd(readFileSync(path, 'latin1')), calls, readsChanged };
}

function idOf(doc: Run['doc'], path: string): string {
  const v = doc.vars.find((x) => x.path === path);
  if (v === undefined) throw new Error(`no variable ${path}`);
  return v.id;
}

describe('probes with declared reads', () => {
  it('show the text of the current values at every cycle, calling get() only when a read slot changed', () => {
    const step = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps) =>
        withTempDir((dir) => {
          const { doc, calls, readsChanged } = dump(dir, steps);
          const memo = idOf(doc, 'top.memo');
          const plain = idOf(doc, 'top.plain');
          const fixed = idOf(doc, 'top.fixed');
          steps.forEach(([a, b], c) => {
            const want = expectedDisplay(textOf(a, b));
            expect(valueAt(doc, memo, c), `memo at ${c}`).toBe(want);
            expect(valueAt(doc, plain, c), `plain at ${c}`).toBe(want);
            expect(valueAt(doc, fixed, c)).toBe('fixed_text');
          });
          // Same changes for both (a change only where the display changes).
          expect(doc.changes.get(memo)).toEqual(doc.changes.get(plain));
          expect(calls.without).toBe(steps.length);
          expect(calls.withReads).toBeLessThanOrEqual(readsChanged + 1);
          expect(calls.constant).toBe(1);
        }),
      ),
      { numRuns: 80 },
    );
  });

  it('a loop of eight valuations is rendered eight times however long it runs', () => {
    withTempDir((dir) => {
      // a % 7 === 1: short texts (texts longer than the memo's 64-byte entries are rendered again).
      const loop: [number, number, number][] = Array.from({ length: 8 }, (_, k) => [14 * k + 1, 0x00a00093 + (k << 20), k]);
      const steps = Array.from({ length: 4000 }, (_, c) => loop[c % 8]!);
      const { doc, calls } = dump(dir, steps);
      expect(calls.withReads).toBe(8);
      expect(calls.without).toBe(4000);
      // With a long text in the loop, only that one is rendered every time round.
      const long = loop.map(([a, b, c], k): [number, number, number] => [k === 5 ? 3 : a, b, c]);
      expect(textOf(3, long[5]![1]).length).toBeGreaterThan(64);
      expect(dump(dir, Array.from({ length: 4000 }, (_, c) => long[c % 8]!)).calls.withReads).toBe(7 + 500);
      const memo = idOf(doc, 'top.memo');
      for (let c = 3990; c < 4000; c++) expect(valueAt(doc, memo, c)).toBe(expectedDisplay(textOf(loop[c % 8]![0], loop[c % 8]![1])));
    });
  });

  it('stays exact with far more valuations than the memo holds (evictions, collisions)', () => {
    withTempDir((dir) => {
      let x = 99;
      const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
      const steps = Array.from({ length: 6000 }, (): [number, number, number] => [next() % 3000, next() % 4, 0]);
      const { doc } = dump(dir, steps);
      const memo = idOf(doc, 'top.memo');
      const plain = idOf(doc, 'top.plain');
      expect(doc.changes.get(memo)).toEqual(doc.changes.get(plain));
      steps.forEach(([a, b], c) => {
        if (valueAt(doc, memo, c) !== expectedDisplay(textOf(a, b))) expect(valueAt(doc, memo, c), `cycle ${c}`).toBe(expectedDisplay(textOf(a, b)));
      });
    });
  });

  it('refuses reads outside the value slots, naming the probe', () => {
    withTempDir((dir) => {
      const values = new Uint32Array(2);
      const signals: TraceSignal[] = [{ path: 'top.a', width: 1, kind: 'wire', slot: 0 }];
      const bad = (reads: number[]) => () => openVcd(join(dir, 'x.vcd'), { signals, values, strings: [{ path: 'top.core.asm', reads, get: () => '' }] });
      expect(bad([0, 2])).toThrow(/trace string 'top\.core\.asm' reads\[1\] is slot 2, outside the 2 value slots/);
      expect(bad([-1])).toThrow(/reads\[0\] is slot -1/);
      expect(bad([0.5])).toThrow(/reads\[0\] is slot 0\.5/);
    });
  });
});
