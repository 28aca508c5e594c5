// The generated-code back-end: per design, `new Function` emits straight-line JavaScript for the cycle.
// Comb processes are called in levelized order as constants of the generated closure (each call site sees
// one target, so V8 inlines small processes); the clock edge evaluates the clock enables once into a byte
// array, calls the enabled seq processes, then commits with one unrolled `S[k] = N[k]` per register, slot
// indices written as literals. The design's signals are re-parented to FastSignal, so a process's `sig.v` is
// a bare typed-array access at the slot (see signal.ts) and nothing is checked: run the interpreter to check.
// Code is split into functions of at most CHUNK statements: V8 will not optimise a function whose bytecode
// exceeds ~60 KB (fact sheet §2.1b: a 1,200-node function ran 50x slower than split ones).
import { writeFileSync } from 'node:fs';
import type { Backend } from './backend.ts';
import { FastMemory, type MemoryImpl } from './memory.ts';
import { FastSignal } from './signal.ts';
import type { Netlist } from './netlist.ts';

const CHUNK = 200;

interface Stmt {
  domain: number;
  code: string;
}

/** Emits functions named `${prefix}${k}` over the statements, wrapping runs of one gated domain in `if`. */
function chunked(prefix: string, stmts: readonly Stmt[], out: string[]): string[] {
  const names: string[] = [];
  for (let base = 0; base < stmts.length; base += CHUNK) {
    const name = `${prefix}${names.length}`;
    names.push(name);
    out.push(`function ${name}() {`);
    let open = 0;
    for (const s of stmts.slice(base, base + CHUNK)) {
      if (s.domain !== open) {
        if (open !== 0) out.push('  }');
        if (s.domain !== 0) out.push(`  if (G[${s.domain}] !== 0) {`);
        open = s.domain;
      }
      out.push(`${open !== 0 ? '    ' : '  '}${s.code}`);
    }
    if (open !== 0) out.push('  }');
    out.push('}');
  }
  return names;
}

export function generateSource(nl: Netlist): string {
  const out: string[] = ["'use strict';"];
  const procs = nl.procs;
  for (const p of procs) out.push(`const p${p.idx} = P[${p.idx}]; // ${p.kind} ${p.path}`);
  nl.memories.forEach((m, k) => out.push(`const m${k} = M[${k}]; // ${m.path}`));

  const comb: Stmt[] = [...nl.combOrder].map((k) => ({ domain: 0, code: `p${k}();` }));
  const combFns = chunked('comb', comb, out);

  // Seq processes and commits, grouped by clock domain so each gate is tested once per group.
  const byDomain = <T>(items: T[], dom: (t: T) => number): T[] => [...items].sort((a, b) => dom(a) - dom(b));
  const seq: Stmt[] = byDomain([...nl.seqProcs], (k) => procs[k]!.domain).map((k) => ({ domain: procs[k]!.domain, code: `p${k}();` }));
  const seqFns = chunked('seq', seq, out);
  const regIdx = [...nl.regSlots.keys()];
  const commit: Stmt[] = byDomain(regIdx, (k) => nl.regDomain[k]!).map((k) => {
    const slot = nl.regSlots[k]!;
    return { domain: nl.regDomain[k]!, code: `S[${slot}] = N[${slot}];` };
  });
  const commitFns = chunked('commit', commit, out);

  out.push('function settle() {');
  for (const f of combFns) out.push(`  ${f}();`);
  out.push('}');
  out.push('function clock() {');
  for (const d of nl.domains) {
    if (d.id === 0) continue;
    const parent = d.parent === 0 ? '' : `G[${d.parent}] !== 0 && `;
    out.push(`  G[${d.id}] = ${parent}S[${d.en}] !== 0 ? 1 : 0; // gate of ${d.path}`);
  }
  for (const f of seqFns) out.push(`  ${f}();`);
  for (const f of commitFns) out.push(`  ${f}();`);
  nl.memories.forEach((_, k) => out.push(`  if (m${k}.wn !== 0) m${k}.flush();`));
  out.push('}');
  out.push('return { settle, clock };');
  return out.join('\n');
}

export class Codegen implements Backend {
  readonly settle: () => void;
  readonly clock: () => void;
  readonly source: string;

  constructor(nl: Netlist, S: Uint32Array, N: Uint32Array) {
    for (const s of nl.signals) Object.setPrototypeOf(s, FastSignal.prototype);
    for (const m of nl.memories) Object.setPrototypeOf(m, FastMemory.prototype);
    this.source = generateSource(nl);
    const dump = process.env.PULPSIM_CODEGEN_DUMP;
    if (dump !== undefined && dump !== '') writeFileSync(dump, this.source);
    const G = new Uint8Array(nl.domains.length);
    G[0] = 1;
    const factory = new Function('S', 'N', 'P', 'M', 'G', this.source) as (
      S: Uint32Array,
      N: Uint32Array,
      P: readonly (() => void)[],
      M: readonly MemoryImpl[],
      G: Uint8Array,
    ) => { settle: () => void; clock: () => void };
    const fns = factory(S, N, nl.procs.map((p) => p.fn), nl.memories, G);
    this.settle = fns.settle;
    this.clock = fns.clock;
  }

  enterHooks(): void {}
  leaveHooks(): void {}
}
