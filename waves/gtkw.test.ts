import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGtkw } from './gtkw.ts';
import type { TraceSource } from './trace_source.ts';
import { withTempDir } from './testkit.ts';
import { openVcd } from './vcd.ts';

// Flag words from the bit positions of GTKWave's analyzer.h (fact sheet hdl-dsl-anchors §3.3):
// HEX 1, BIN 3, RJUSTIFY 5, BLANK 9, COLLAPSED 12, CLOSED 22, GRP_BEGIN 23, GRP_END 24. GTKWave
// 3.3.118 saved exactly these for open and closed groups, buses, bits and string variables.
const bit = (n: number): number => 2 ** n;
const hex = (n: number): string => `@${n.toString(16)}`;
const GROUP_BEGIN = hex(bit(23) + bit(9));
const GROUP_END = hex(bit(24) + bit(9));
const GROUP_BEGIN_CLOSED = hex(bit(23) + bit(22) + bit(9));
const GROUP_END_CLOSED = hex(bit(24) + bit(22) + bit(12) + bit(9));
const BUS = hex(bit(1) + bit(5));
const BIT = hex(bit(3) + bit(5));

function source(): TraceSource {
  return {
    signals: [
      { path: 'top.core0.if_stage.pc_if', width: 32, kind: 'reg', slot: 0 },
      { path: 'top.core0.if_stage.valid', width: 1, kind: 'wire', slot: 1 },
      { path: 'top.core0.ctrl.state', width: 3, kind: 'reg', slot: 2, enumNames: ['RESET', 'BOOT', 'DECODE'] },
      { path: 'top.event_unit.evt', width: 8, kind: 'wire', slot: 3 },
    ],
    strings: [{ path: 'top.core0.id_stage.instr', get: () => 'nop' }],
    values: new Uint32Array(4),
  };
}

const groups = [
  { name: 'core0 fetch', signals: ['top.core0.if_stage.pc_if', 'top.core0.if_stage.valid', 'top.core0.id_stage.instr'] },
  { name: 'core0 control', signals: ['top.core0.ctrl.state'] },
  { name: 'event unit', signals: ['top.event_unit.evt'], closed: true },
];

const body = (text: string): string[] => text.split('\n').filter((l) => /^[@\-a-z]/.test(l));

describe('GTKWave save file', () => {
  it('writes header, groups, flags and names with [msb:lsb] (strings on)', () => {
    withTempDir((dir) => {
      const path = join(dir, 'v.gtkw');
      writeGtkw(path, { vcdPath: join(dir, 'v.vcd'), source: source(), groups, view: { from: 10, to: 29 }, period: 5 });
      const text = readFileSync(path, 'latin1');
      const lines = text.split('\n');
      expect(lines).toContain(`[dumpfile] "${resolve(dir, 'v.vcd')}"`);
      expect(lines).toContain('[timestart] 50');
      expect(lines).toContain('[treeopen] top.');
      expect(lines).toContain('[treeopen] top.core0.');
      expect(lines).toContain('[treeopen] top.core0.if_stage.');
      // '*' zoom line: zoom, primary marker, 26 named markers (GTKWave 3.3 save format).
      const star = lines.find((l) => l.startsWith('*'))!.slice(1).split(' ');
      expect(star.length).toBe(28);
      expect(star.slice(1).every((m) => m === '-1')).toBe(true);
      expect(Number(star[0])).toBeLessThan(0);
      expect(body(text)).toEqual([
        GROUP_BEGIN, '-core0 fetch',
        BUS, 'top.core0.if_stage.pc_if[31:0]',
        BIT, 'top.core0.if_stage.valid',
        'top.core0.id_stage.instr',
        GROUP_END, '-core0 fetch',
        GROUP_BEGIN, '-core0 control',
        BIT, 'top.core0.ctrl.state',
        GROUP_END, '-core0 control',
        GROUP_BEGIN_CLOSED, '-event unit',
        BUS, 'top.event_unit.evt[7:0]',
        GROUP_END_CLOSED, '-event unit',
      ]);
      expect([GROUP_BEGIN, GROUP_END, GROUP_BEGIN_CLOSED, GROUP_END_CLOSED, BUS, BIT]).toEqual(['@800200', '@1000200', '@c00200', '@1401200', '@22', '@28']);
    });
  });

  it('follows the VCD: enums as buses and no probes with strings off, filtered scopes left out', () => {
    withTempDir((dir) => {
      const path = join(dir, 'v.gtkw');
      writeGtkw(path, { vcdPath: 'v.vcd', source: source(), groups, strings: false, scopes: ['top.core0'] });
      expect(body(readFileSync(path, 'latin1'))).toEqual([
        GROUP_BEGIN, '-core0 fetch',
        BUS, 'top.core0.if_stage.pc_if[31:0]',
        BIT, 'top.core0.if_stage.valid',
        GROUP_END, '-core0 fetch',
        GROUP_BEGIN, '-core0 control',
        BUS, 'top.core0.ctrl.state[2:0]',
        GROUP_END, '-core0 control',
      ]);
    });
  });

  it('takes the declared variables from the VCD writer', () => {
    withTempDir((dir) => {
      const w = openVcd(join(dir, 'w.vcd'), source(), { scopes: ['top.event_unit'] });
      w.close();
      writeGtkw(join(dir, 'w.gtkw'), { vcdPath: w.path, vars: w.vars, groups: [{ name: 'eu', signals: ['top.event_unit.evt'] }] });
      expect(body(readFileSync(join(dir, 'w.gtkw'), 'latin1'))).toEqual([GROUP_BEGIN, '-eu', BUS, 'top.event_unit.evt[7:0]', GROUP_END, '-eu']);
      // With only the writer's variables, a signal the VCD does not hold is an error.
      expect(() => writeGtkw(join(dir, 'x.gtkw'), { vcdPath: w.path, vars: w.vars, groups })).toThrow(/group 'core0 fetch' names unknown signal 'top\.core0\.if_stage\.pc_if'/);
    });
  });

  it('rejects unknown signals, bad groups and unwritable paths with clear messages', () => {
    withTempDir((dir) => {
      const p = join(dir, 'e.gtkw');
      expect(() => writeGtkw(p, { vcdPath: 'v.vcd', source: source(), groups: [{ name: 'g', signals: ['top.nope'] }] })).toThrow(/group 'g' names unknown signal 'top\.nope'/);
      expect(() => writeGtkw(p, { vcdPath: 'v.vcd', source: source(), groups: [{ name: 'a\nb', signals: [] }] })).toThrow(/group name/);
      expect(() => writeGtkw(p, { vcdPath: 'v.vcd', groups })).toThrow(/needs vars .* or a trace source/);
      expect(() => writeGtkw(p, { vcdPath: 'v.vcd', source: source(), groups, view: { from: 5, to: 1 } })).toThrow(/view must be cycles/);
      writeGtkw(p, { vcdPath: 'v.vcd', source: source(), groups: [] });
      expect(() => writeGtkw(join(p, 'x.gtkw'), { vcdPath: 'v.vcd', source: source(), groups: [] })).toThrow(/cannot write GTKWave save file '.*e\.gtkw\/x\.gtkw'/);
    });
  });
});
