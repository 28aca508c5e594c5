// Scope and cycle-window filters, option and source validation, and opening errors.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceSignal, TraceSource } from './trace_source.ts';
import { withTempDir } from './testkit.ts';
import { openVcd, type VcdOptions } from './vcd.ts';
import { parseVcd, valueAt } from './vcd_reader.ts';

/** A small cluster-like source: per core a cycle counter (changes every cycle) and a state enum. */
function cluster(): { source: TraceSource; step(c: number): void } {
  const signals: TraceSignal[] = [];
  for (const core of ['core0', 'core1', 'core10']) {
    signals.push({ path: `top.${core}.count`, width: 8, kind: 'reg', slot: signals.length });
    signals.push({ path: `top.${core}.state`, width: 2, kind: 'reg', slot: signals.length, enumNames: ['IDLE', 'RUN', 'STALL'] });
  }
  signals.push({ path: 'top.event_unit.irq', width: 1, kind: 'wire', slot: signals.length });
  const values = new Uint32Array(signals.length);
  let text = 'reset';
  return {
    source: { signals, values, strings: [{ path: 'top.core0.instr', get: () => text }] },
    step(c: number): void {
      for (let k = 0; k < 3; k++) {
        values[2 * k] = (c + k) & 0xff;
        values[2 * k + 1] = (c >> 2) % 3;
      }
      values[6] = c % 5 === 0 ? 1 : 0;
      text = `insn ${c >> 1}`;
    },
  };
}

function dump(dir: string, options: VcdOptions, cycles: number): string {
  const { source, step } = cluster();
  const path = join(dir, 'f.vcd');
  const w = openVcd(path, source, options);
  for (let c = 0; c < cycles; c++) {
    step(c);
    w.sample(c);
  }
  w.close();
  return readFileSync(path, 'latin1');
}

describe('scope filter', () => {
  it('keeps whole hierarchy levels: top.core1 keeps core1 but not core10', () => {
    withTempDir((dir) => {
      const doc = parseVcd(dump(dir, { scopes: ['top.core1'] }, 20));
      expect(doc.vars.map((v) => v.path)).toEqual(['top.core1.count', 'top.core1.state']);
      const top = doc.root.scopes;
      expect(top.map((s) => s.name)).toEqual(['top']);
      expect(top[0].scopes.map((s) => s.name)).toEqual(['core1']);
      // core1's counter is (c + 1) & 0xff.
      expect(valueAt(doc, doc.vars[0].id, 70)).toBe(8);
    });
  });

  it('a prefix ending in "." and several prefixes; probes go with their scope', () => {
    withTempDir((dir) => {
      const doc = parseVcd(dump(dir, { scopes: ['top.core1', 'top.event_unit.'] }, 5));
      expect(doc.vars.map((v) => v.path).sort()).toEqual(['top.core1.count', 'top.core1.state', 'top.event_unit.irq']);
      const doc0 = parseVcd(dump(dir, { scopes: ['top.core0'] }, 5));
      expect(doc0.vars.map((v) => v.path)).toEqual(['top.core0.count', 'top.core0.state', 'top.core0.instr']);
      expect(valueAt(doc0, doc0.vars[2].id, 30)).toBe('insn_1');
    });
  });

  it('a prefix that matches nothing is an error naming it and what exists there', () => {
    withTempDir((dir) => {
      expect(() => dump(dir, { scopes: ['top.core2'] }, 1)).toThrow(/'top\.core2' matches no trace signal; names under 'top\.' are: top\.core0, top\.core1, top\.core10, top\.event_unit/);
      expect(() => dump(dir, { scopes: ['top.core1', 'bottom'] }, 1)).toThrow(/'bottom' matches no trace signal/);
      expect(() => dump(dir, { scopes: [''] }, 1)).toThrow(/scopes\[0\]/);
    });
  });
});

describe('cycle window', () => {
  it('dumps every current value at the window start, then changes, and ends after the last cycle', () => {
    withTempDir((dir) => {
      const text = dump(dir, { from: 5, to: 9, period: 10, scopes: ['top.core0'] }, 30);
      const doc = parseVcd(text);
      // Times: 50 (dumpvars), 60..90 (counter changes every cycle), 100 (closing).
      expect(doc.times).toEqual([50, 60, 70, 80, 90, 100]);
      expect(text.indexOf('$dumpvars')).toBeGreaterThan(text.indexOf('#50'));
      const [count, state, instr] = doc.vars;
      expect(doc.changes.get(count.id)!.map((e) => e.value)).toEqual([5, 6, 7, 8, 9]);
      // state = (c >> 2) % 3: cycle 5 -> RUN, cycle 8 -> STALL.
      expect(doc.changes.get(state.id)).toEqual([{ time: 50, value: 'RUN' }, { time: 80, value: 'STALL' }]);
      // instr = insn (c >> 1): 2 at 5, 3 at 6, 4 at 8.
      expect(doc.changes.get(instr.id)!.map((e) => [e.time, e.value])).toEqual([[50, 'insn_2'], [60, 'insn_3'], [80, 'insn_4']]);
    });
  });

  it('a window the run never reaches leaves only the header', () => {
    withTempDir((dir) => {
      const doc = parseVcd(dump(dir, { from: 100 }, 30));
      expect(doc.times).toEqual([]);
      expect(doc.vars.length).toBe(8);
    });
  });

  it('a window cut short by the end of the run ends after the last sampled cycle', () => {
    withTempDir((dir) => {
      const doc = parseVcd(dump(dir, { from: 3, to: 1000, period: 4, scopes: ['top.event_unit'] }, 12));
      // irq is 1 at cycles 5 and 10: dumped 0 at #12, then 1@20 0@24 1@40 0@44; closing #48.
      expect(doc.changes.get(doc.vars[0].id)!.map((e) => [e.time, e.value])).toEqual([[12, 0], [20, 1], [24, 0], [40, 1], [44, 0]]);
      expect(doc.times[doc.times.length - 1]).toBe(48);
    });
  });
});

describe('strings off', () => {
  it('dumps enums as plain vectors and leaves probes out', () => {
    withTempDir((dir) => {
      const doc = parseVcd(dump(dir, { strings: false, scopes: ['top.core0'] }, 12));
      expect(doc.vars.map((v) => [v.path, v.type, v.size, v.range])).toEqual([
        ['top.core0.count', 'reg', 8, '[7:0]'],
        ['top.core0.state', 'reg', 2, '[1:0]'],
      ]);
      expect(doc.changes.get(doc.vars[1].id)!.map((e) => e.value)).toEqual([0, 1, 2]);
    });
  });
});

describe('bad options and sources fail at open', () => {
  const bad: [VcdOptions, RegExp][] = [
    [{ from: 10, to: 5 }, /'from' \(10\) is after 'to' \(5\)/],
    [{ from: -1 }, /'from' must be a non-negative integer/],
    [{ to: 2.5 }, /'to' must be a non-negative integer/],
    [{ timescale: '2ns' }, /'timescale' must be 1, 10 or 100/],
    [{ period: 0 }, /'period' must be a positive integer/],
  ];
  for (const [opts, re] of bad) {
    it(`rejects ${JSON.stringify(opts)} without touching the file`, () => {
      withTempDir((dir) => {
        const path = join(dir, 'sub', 'x.vcd');
        expect(() => openVcd(path, cluster().source, opts)).toThrow(re);
        expect(existsSync(path)).toBe(false);
      });
    });
  }

  it('names the signal at fault', () => {
    const values = new Uint32Array(2);
    const src = (signals: TraceSignal[]): TraceSource => ({ signals, values });
    const open = (signals: TraceSignal[]) => withTempDir((dir) => openVcd(join(dir, 'x.vcd'), src(signals)).close());
    const s = (path: string, width = 4, slot = 0): TraceSignal => ({ path, width, kind: 'wire', slot });
    expect(() => open([s('top.a', 33)])).toThrow(/'top\.a' has width 33/);
    expect(() => open([s('top.a', 0)])).toThrow(/'top\.a' has width 0/);
    expect(() => open([s('top.a', 4, 2)])).toThrow(/'top\.a' has slot 2, outside the 2 value slots/);
    expect(() => open([s('top.a'), s('top.a', 4, 1)])).toThrow(/'top\.a' is declared twice/);
    expect(() => open([s('top.a'), s('top.a.b', 4, 1)])).toThrow(/'top\.a' is also the scope of 'top\.a\.b'/);
    expect(() => open([s('clk', 1)])).toThrow(/'clk' needs at least one scope/);
    expect(() => open([s('top.my sig')])).toThrow(/invalid name part 'my sig'/);
    expect(() => open([s('top..x')])).toThrow(/invalid name part ''/);
    expect(() => open([{ ...s('top.st', 1), enumNames: ['A', 'B', 'C'] }])).toThrow(/3 enum names but only 1 bits/);
  });
});

describe('opening the file', () => {
  it('creates missing directories', () => {
    withTempDir((dir) => {
      const path = join(dir, 'a', 'b', 'w.vcd');
      openVcd(path, cluster().source).close();
      expect(readFileSync(path, 'latin1')).toMatch(/\$enddefinitions \$end/);
    });
  });

  it('an unwritable path fails at open with the path in the message', () => {
    withTempDir((dir) => {
      const file = join(dir, 'plain-file');
      writeFileSync(file, 'x');
      // A directory that cannot be created (its parent is a file): fails even when running as root.
      const under = join(file, 'w.vcd');
      expect(() => openVcd(under, cluster().source)).toThrow(new RegExp(`'${under.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`));
      const isDir = join(dir, 'adir');
      mkdirSync(isDir);
      expect(() => openVcd(isDir, cluster().source)).toThrow(/cannot open VCD file '.*adir' for writing: it is a directory/);
      expect(() => openVcd('/proc/pulpsim-no-such/w.vcd', cluster().source)).toThrow(/'\/proc\/pulpsim-no-such\/w\.vcd'/);
    });
  });

  it('sample() insists on increasing cycles and refuses after close(); close() is idempotent', () => {
    withTempDir((dir) => {
      const { source } = cluster();
      const w = openVcd(join(dir, 's.vcd'), source);
      w.sample(3);
      expect(() => w.sample(3)).toThrow(/increasing integer cycles \(last was 3\)/);
      expect(() => w.sample(4.5)).toThrow(/increasing integer cycles/);
      w.close();
      w.close();
      expect(() => w.sample(9)).toThrow(/after close\(\)/);
    });
  });
});
