// The dump checked against the VCD grammar (IEEE 1364-2005 §18.2 as restated in fact sheet
// hdl-dsl-anchors §3.1) by a checker written here, independently of the writer and the reader.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSource, scenarioArb, withTempDir } from './testkit.ts';
import { openVcd } from './vcd.ts';

const VAR_TYPES_1364 = new Set(['event', 'integer', 'parameter', 'real', 'realtime', 'reg', 'supply0', 'supply1', 'time', 'tri', 'triand', 'trior', 'trireg', 'tri0', 'tri1', 'wand', 'wire', 'wor']);
const SCOPE_TYPES = new Set(['module', 'task', 'function', 'begin', 'fork']);
const HEADER_KEYWORDS = new Set(['$comment', '$date', '$enddefinitions', '$scope', '$timescale', '$upscope', '$var', '$version']);

interface Checked {
  ids: string[];
  declarations: number;
  times: number[];
}

/** Throws on the first grammar violation; returns a little of what it saw. */
function checkVcd(text: string, allowStrings: boolean): Checked {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  let i = 0;
  const take = (): string => {
    if (i >= tokens.length) throw new Error('unexpected end of file');
    return tokens[i++];
  };
  const section = (): string[] => {
    const out: string[] = [];
    for (let t = take(); t !== '$end'; t = take()) {
      if (t.startsWith('$')) throw new Error(`keyword ${t} inside a section`);
      out.push(t);
    }
    return out;
  };
  let depth = 0;
  let declarations = 0;
  const sizeOf = new Map<string, { size: number; string: boolean }>();
  const names = new Set<string>();
  const scope: string[] = [];
  // Declarations.
  for (;;) {
    const kw = take();
    if (kw.startsWith('#')) throw new Error(`timestep ${kw} before $enddefinitions`);
    if (!HEADER_KEYWORDS.has(kw)) throw new Error(`unknown header keyword ${kw}`);
    const args = section();
    if (kw === '$enddefinitions') break;
    if (kw === '$timescale' && !/^(1|10|100)(s|ms|us|ns|ps|fs)$/.test(args.join(''))) throw new Error(`bad timescale ${args.join(' ')}`);
    if (kw === '$scope') {
      if (args.length !== 2 || !SCOPE_TYPES.has(args[0])) throw new Error(`bad $scope ${args.join(' ')}`);
      scope.push(args[1]);
      depth++;
    }
    if (kw === '$upscope') {
      if (depth === 0) throw new Error('$upscope without $scope');
      scope.pop();
      depth--;
    }
    if (kw === '$var') {
      if (depth === 0) throw new Error('$var outside any scope');
      const [type, sizeText, id, ref, range] = args;
      const isString = type === 'string';
      if (!(VAR_TYPES_1364.has(type) || (allowStrings && isString))) throw new Error(`var type ${type}`);
      if (args.length !== 4 && args.length !== 5) throw new Error(`$var arity ${args.join(' ')}`);
      const size = Number(sizeText);
      if (!/^[1-9]\d*$/.test(sizeText)) throw new Error(`size ${sizeText}`);
      if (!/^[\x21-\x7e]+$/.test(id)) throw new Error(`identifier code ${id}`);
      if (range !== undefined) {
        const m = /^\[(\d+):(\d+)\]$/.exec(range);
        if (!m || Number(m[1]) - Number(m[2]) + 1 !== size) throw new Error(`range ${range} does not match size ${size}`);
      } else if (size > 1 && !isString) throw new Error(`vector ${ref} without range`);
      if (isString && size !== 1) throw new Error(`string var ${ref} with size ${size}`);
      const full = [...scope, ref].join('.');
      if (names.has(full)) throw new Error(`duplicate name ${full}`);
      names.add(full);
      const prior = sizeOf.get(id);
      if (prior !== undefined && (prior.size !== size || prior.string !== isString)) throw new Error(`alias ${id} changes size`);
      sizeOf.set(id, { size, string: isString });
      declarations++;
    }
  }
  if (depth !== 0) throw new Error(`${depth} scopes left open`);
  // Value changes.
  const times: number[] = [];
  const last = new Map<string, string>();
  let inStep = new Set<string>();
  let changesInStep = -1;
  let dumpvars: Set<string> | undefined;
  const change = (id: string, value: string): void => {
    const v = sizeOf.get(id);
    if (v === undefined) throw new Error(`undeclared identifier ${id}`);
    if (times.length === 0) throw new Error('value before the first timestep');
    if (inStep.has(id)) throw new Error(`${id} changes twice at #${times[times.length - 1]}`);
    if (last.get(id) === value) throw new Error(`${id} 'changes' to its current value ${value}`);
    inStep.add(id);
    last.set(id, value);
    dumpvars?.add(id);
    changesInStep++;
  };
  while (i < tokens.length) {
    const t = take();
    if (t[0] === '#') {
      if (!/^#\d+$/.test(t)) throw new Error(`bad timestep ${t}`);
      const n = Number(t.slice(1));
      if (times.length > 0 && n <= times[times.length - 1]) throw new Error(`timestep ${n} not after ${times[times.length - 1]}`);
      if (changesInStep === 0) throw new Error(`timestep #${times[times.length - 1]} without changes`);
      times.push(n);
      inStep = new Set();
      changesInStep = 0;
    } else if (t === '$dumpvars') {
      if (times.length !== 1 || changesInStep !== 0) throw new Error('$dumpvars not at the first timestep');
      dumpvars = new Set();
    } else if (t === '$end') {
      if (dumpvars === undefined) throw new Error('stray $end');
      if (dumpvars.size !== sizeOf.size) throw new Error(`$dumpvars lists ${dumpvars.size} of ${sizeOf.size} variables`);
      dumpvars = undefined;
    } else if (/^[01]/.test(t)) {
      const id = t.slice(1);
      if (sizeOf.get(id)?.size !== 1 || sizeOf.get(id)?.string) throw new Error(`scalar change ${t} for a vector or string`);
      change(id, t[0]);
    } else if (t[0] === 'b') {
      const id = take();
      const bits = t.slice(1);
      const v = sizeOf.get(id);
      if (!/^[01xz]+$/.test(bits)) throw new Error(`bad vector ${t}`);
      if (v === undefined || v.string || v.size === 1) throw new Error(`vector change for ${id}`);
      if (bits.length > v.size) throw new Error(`${bits.length} bits for a ${v.size}-bit variable`);
      // §18.2.3.5: leading 0s are implied, so the compact form has none beyond a lone "0".
      if (bits.length > 1 && bits[0] === '0') throw new Error(`redundant leading zero in ${t}`);
      change(id, bits);
    } else if (t[0] === 's') {
      if (!allowStrings) throw new Error(`string change ${t} in strict VCD`);
      const id = take();
      if (!sizeOf.get(id)?.string) throw new Error(`string change for non-string ${id}`);
      change(id, t.slice(1));
    } else {
      throw new Error(`unexpected token ${t}`);
    }
  }
  if (dumpvars !== undefined) throw new Error('$dumpvars not closed');
  return { ids: [...sizeOf.keys()], declarations, times };
}

describe('VCD grammar', () => {
  it('random dumps follow the grammar (strings on and off)', () => {
    fc.assert(
      fc.property(scenarioArb({ probes: true }), fc.boolean(), fc.integer({ min: 1, max: 100 }), (sc, strings, period) =>
        withTempDir((dir) => {
          const built = buildSource(sc);
          const path = join(dir, 'g.vcd');
          const w = openVcd(path, built.source, { strings, period });
          for (let c = 0; c < sc.steps.length; c++) {
            built.apply(c);
            w.sample(c);
          }
          w.close();
          const r = checkVcd(readFileSync(path, 'latin1'), strings);
          const nProbes = strings ? sc.probes.length : 0;
          expect(r.declarations).toBe(sc.signals.length + nProbes);
          // Distinct signals get distinct codes; signals on one slot share a code when they render
          // alike (not when one is shown as enum text and another as bits).
          const distinct = new Set(sc.signals.map((s, i) => `${s.aliasOf >= 0 ? s.aliasOf : i}:${strings && s.enumCount > 0}`)).size;
          expect(r.ids.length).toBe(distinct + nProbes);
          expect(r.times[0]).toBe(0);
          // The closing timestep marks the end of the last sampled cycle.
          expect(r.times[r.times.length - 1]).toBe(sc.steps.length * period);
        }),
      ),
      { numRuns: 150 },
    );
  });

  it('the checker rejects what the grammar forbids', () => {
    const head = '$timescale 1ns $end $scope module top $end $var wire 4 ! a [3:0] $end $var wire 1 " c $end $upscope $end $enddefinitions $end\n';
    expect(() => checkVcd(`${head}#0 $dumpvars b1 ! 0" $end #5 b10000 !`, false)).toThrow(/5 bits for a 4-bit/);
    expect(() => checkVcd(`${head}#0 $dumpvars b1 ! 0" $end #5 1" #5 0"`, false)).toThrow(/not after/);
    expect(() => checkVcd(`${head}#0 $dumpvars b1 ! 0" $end #5 b01 !`, false)).toThrow(/leading zero/);
    expect(() => checkVcd(head.replace('$upscope $end ', ''), false)).toThrow(/left open/);
    expect(() => checkVcd(`$scope module top $end #0 $upscope $end $enddefinitions $end`, false)).toThrow(/before \$enddefinitions/);
    expect(() => checkVcd(`${head}#0 $dumpvars b1 ! $end`, false)).toThrow(/lists 1 of 2/);
    expect(checkVcd(`${head}#0 $dumpvars b1 ! 0" $end #5 1" #6`, false).times).toEqual([0, 5, 6]);
  });
});
