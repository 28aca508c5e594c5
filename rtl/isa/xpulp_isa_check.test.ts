// Replays testbench/fixtures/timing/ri5cy/xpulp_isa_check.S through the table's semantics. That program ran on
// the RI5CY RTL (tohost = 1) and checks 457 results computed by an independent model: every CHK below is a value
// the RTL produced. Instructions are its xpulpv2.inc macros; their operands map to ours through the macro
// parameter names. Control flow is straight-line except the immediate branches and one hardware loop.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { makeDecoder } from './decoder.ts';
import type { Encoding, InstrDef, OperandName, Operands } from './types.ts';
import { xpulpInstrs } from './xpulp.ts';
import { MiniHart } from './xpulp_test_hart.ts';

const DIR = new URL('../../testbench/fixtures/timing/ri5cy/', import.meta.url);
const source = readFileSync(new URL('xpulp_isa_check.S', DIR), 'utf8').split('\n');
const inc = readFileSync(new URL('xpulpv2.inc', DIR), 'utf8');

const abi = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
function reg(t: string): number {
  const x = /^x(\d+)$/.exec(t);
  if (x) return Number(x[1]);
  const i = abi.indexOf(t);
  if (i < 0) throw new Error(`register ${t}?`);
  return i;
}

/** Parameter names of every macro of xpulpv2.inc. */
const params = new Map<string, string[]>();
for (const l of inc.split('\n')) {
  const m = /^\.macro\s+(\S+)\s*(.*)$/.exec(l.trim());
  if (m) params.set(m[1]!, m[2]!.split(',').map((p) => p.trim()).filter((p) => p));
}

const suffix: Record<string, string> = { pi: 'ri.post', pir: 'rr.post', rr: 'rr' };
function entryOf(macro: string): { d: InstrDef; e: Encoding; fixed: Partial<Operands> } {
  const m = /^(p\.[ls][bhw]u?)_(pi|pir|rr)$/.exec(macro);
  const find = (p: (d: InstrDef) => boolean): InstrDef | undefined => xpulpInstrs.find(p);
  const d = m ? find((x) => x.id === `${m[1]}.${suffix[m[2]!]}`) : find((x) => x.enc.xpulpv2?.mnemonic === macro);
  if (d) return { d, e: d.enc.xpulpv2!, fixed: {} };
  for (const x of xpulpInstrs) {
    const a = x.enc.xpulpv2?.aliases?.find((y) => y.mnemonic === macro);
    if (a) return { d: x, e: x.enc.xpulpv2!, fixed: a.fixed ?? {} };
  }
  throw new Error(`no entry for ${macro}`);
}
function operandOf(param: string): OperandName {
  if (param === 'is3') return 'imm2';
  if (['is2', 'imm6', 'imm5', 'cnt', 'imm'].includes(param)) return 'imm';
  return param as OperandName;
}

describe('xpulp_isa_check.S (RTL-checked results)', () => {
  it('reproduces every checked result', () => {
    const h = new MiniHart('xpulpv2', 0x1000);
    const DATA = 0x10000; // isa_data; isa_sbuf follows its 8 words
    const data = source.find((l) => l.trim().startsWith('.word 0x'))!.trim().slice(6).split(',').map((w) => Number(w.trim()));
    data.forEach((w, i) => h.store(DATA + 4 * i, 4, w));
    const labels: Record<string, number> = { isa_data: DATA, isa_sbuf: DATA + 32 };
    let checks = 0;
    let branches = 0;
    const executed = new Set<string>();
    const start = source.findIndex((l) => l.trim() === 'TSTART');
    const end = source.findIndex((l) => l.trim() === 'lp.counti 1, 3');
    for (let i = start + 1; i < end; i++) {
      const line = source[i]!.replace(/#.*$/, '').trim();
      if (line === '' || line === '1:') continue;
      const sp = line.indexOf(' ');
      const op = line.slice(0, sp);
      const args = line.slice(sp + 1).split(',').map((a) => a.trim());
      const where = `xpulp_isa_check.S:${i + 1}: ${line}`;
      if (op === 'li') h.setX(reg(args[0]!), Number(args[1]));
      else if (op === 'mv') h.setX(reg(args[0]!), h.x(reg(args[1]!)));
      else if (op === 'la') h.setX(reg(args[0]!), labels[args[1]!]!);
      else if (op === 'sub') h.setX(reg(args[0]!), (h.x(reg(args[1]!)) - h.x(reg(args[2]!))) | 0);
      else if (op === 'sw' || op === 'lw') {
        const m = /^(-?\d+)\((\w+)\)$/.exec(args[1]!)!;
        const addr = h.x(reg(m[2]!)) + Number(m[1]);
        if (op === 'sw') h.store(addr, 4, h.x(reg(args[0]!)));
        else h.setX(reg(args[0]!), h.word(addr));
      } else if (op === 'CHK') {
        expect(h.x(reg(args[0]!)), where).toBe(Number(args[1]));
        checks++;
      } else if (op === 'j') {
        throw new Error(`${where}: reached a jump to fail`);
      } else {
        const ps = params.get(op);
        if (!ps) throw new Error(`${where}: unknown instruction`);
        const { d, fixed } = entryOf(op);
        executed.add(d.id);
        const ops: Partial<Operands> = { ...fixed };
        let label: string | undefined;
        ps.forEach((p, k) => {
          const a = args[k]!;
          if (p === 'label') {
            label = a;
            ops.imm2 = 8;
          } else if (abi.includes(a) || /^x\d+$/.test(a)) ops[operandOf(p)] = reg(a);
          else ops[operandOf(p)] = Number(a);
        });
        h.run(d.id, ops);
        if (label !== undefined) {
          // Branches to `fail` must fall through; branches to `1f` must be taken (they skip a `j fail`).
          const taken = h.target !== undefined;
          expect(taken, where).toBe(label === '1f');
          if (taken) i++;
          branches++;
        }
      }
    }
    expect(checks + branches).toBe(442 - 4 + 15); // all but the 4 hardware-loop CHKs, plus the 15 branch checks
    expect(executed.size).toBeGreaterThan(290);
  });

  it('hardware loop: lp.counti/starti/endi with the inclusive end run the body 3 times, lpcount ends at 1', () => {
    // Lines: lp.counti 1, 3 / lp.starti 1, 2f / lp.endi 1, 3f / 2: addi a0, a0, 1 / 3: addi a0, a0, 1
    // then CHK a0, 6; lpcount1 = 1; lpstart1 = 2b; lpend1 = 3b (RTL: the counter stays 1 after the exit).
    const i = source.findIndex((l) => l.trim() === 'lp.counti 1, 3');
    expect(source.slice(i, i + 6).map((l) => l.trim())).toEqual([
      'lp.counti 1, 3',
      'lp.starti 1, 2f',
      'lp.endi 1, 3f',
      '2: addi a0, a0, 1',
      '3: addi a0, a0, 1',
      'CHK a0, 6',
    ]);
    const P = 0x2000;
    const regs = { start: 0, end: 0, count: 0 };
    for (const [k, id, ops] of [
      [0, 'lp.counti', { L: 1, imm: 3 }],
      [1, 'lp.starti', { L: 1, imm: 8 }],
      [2, 'lp.endi', { L: 1, imm: 8 }],
    ] as const) {
      const h = new MiniHart('xpulpv2', P + 4 * k).run(id, ops);
      for (const [L, what, v] of h.loops) if (L === 1) regs[what as 'start' | 'end' | 'count'] = v;
    }
    expect(regs.start).toBe(P + 12); // label 2
    expect(regs.end).toBe(P + 16); // label 3: the last body instruction
    // RI5CY fetch rule (§4.10): at the end address, count >= 2 jumps back and decrements; 1 falls through.
    let a0 = 0;
    let pc = regs.start;
    for (let steps = 0; steps < 100 && pc <= regs.end; steps++) {
      a0++; // both body instructions are addi a0, a0, 1
      if (pc === regs.end && regs.count >= 2) {
        regs.count--;
        pc = regs.start;
      } else pc += 4;
    }
    expect(a0).toBe(6);
    expect(regs.count).toBe(1);
  });
});

function word32(data: Uint8Array, o: number): number {
  return (data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24)) >>> 0;
}

describe('fixture ELFs that ran on the RTL decode to our entries', () => {
  it('xpulp_isa_check.elf (GNU as + xpulpv2.inc): the XpulpV2 words are the .S macros, in order', () => {
    const elf = readElf(new Uint8Array(readFileSync(new URL('xpulp_isa_check.elf', DIR))), 'xpulp_isa_check.elf');
    const text = elf.sections.find((x) => x.name === '.text')!;
    const dec = makeDecoder('xpulpv2');
    const fromElf: string[] = [];
    let n = 0;
    for (let pc = symbol(elf, '_start')!.value; pc < symbol(elf, 'isa_data')!.value; ) {
      const d = dec(word32(text.data, pc - text.addr));
      expect(d, `word at 0x${pc.toString(16)}`).not.toBeNull();
      if (d!.def.ext.startsWith('Xpulp')) fromElf.push(d!.def.id);
      pc += d!.size;
      n++;
    }
    const fromSource = source
      .map((l) => l.replace(/#.*$/, '').trim().split(/\s+/)[0]!)
      .filter((op) => params.has(op))
      .map((op) => entryOf(op).d.id);
    expect(fromElf).toEqual(fromSource);
    expect(fromElf.length).toBe(441);
    expect(n).toBeGreaterThan(3000);
  });
  it('every word of the executable sections of the cv32e40p fixture ELFs (clang-19) decodes as CORE-V', () => {
    const dir = new URL('../cv32e40p/', DIR);
    const dec = makeDecoder('corev');
    let xpulp = 0;
    let words = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.elf'))) {
      const elf = readElf(new Uint8Array(readFileSync(new URL(f, dir))), f);
      for (const sec of elf.sections.filter((x) => (x.flags & 4) !== 0 && x.size > 0)) {
        for (let o = 0; o < sec.size; ) {
          const d = dec(word32(sec.data, o));
          expect(d, `${f} ${sec.name}+0x${o.toString(16)}`).not.toBeNull();
          if (d!.def.ext.startsWith('Xpulp')) xpulp++;
          o += d!.size;
          words++;
        }
      }
    }
    expect(words).toBeGreaterThan(5000);
    expect(xpulp).toBeGreaterThan(300);
  });
});
