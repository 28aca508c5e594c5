// Levelization: order comb processes so each runs after the drivers of everything it reads (PyMTL's
// GenDAGPass + SimpleSchedulePass, Verilator's ordering; fact sheet §2.1). Among processes that are free to
// run, the one declared first goes first, so the order is stable and follows the source.
import { ElaborationError } from './errors.ts';
import type { ProcInfo } from './netlist.ts';

class MinHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Returns comb process indices in evaluation order; throws naming the loop if there is one. */
export function levelize(procs: readonly ProcInfo[], driver: Int32Array, nameOf: (slot: number) => string): Int32Array {
  const comb = procs.filter((p) => p.kind === 'comb');
  // preds.get(P) = map from predecessor process to one signal carrying the dependency.
  const preds = new Map<number, Map<number, number>>();
  const succs = new Map<number, number[]>();
  const indeg = new Map<number, number>();
  for (const p of comb) {
    preds.set(p.idx, new Map());
    succs.set(p.idx, []);
    indeg.set(p.idx, 0);
  }
  for (const p of comb) {
    const pp = preds.get(p.idx)!;
    for (const slot of p.reads) {
      const d = driver[slot]!;
      if (d < 0 || pp.has(d)) continue;
      pp.set(d, slot);
      succs.get(d)!.push(p.idx);
      indeg.set(p.idx, indeg.get(p.idx)! + 1);
    }
  }
  const heap = new MinHeap();
  for (const p of comb) if (indeg.get(p.idx) === 0) heap.push(p.idx);
  const order: number[] = [];
  while (heap.size > 0) {
    const k = heap.pop();
    order.push(k);
    for (const s of succs.get(k)!) {
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) heap.push(s);
    }
  }
  if (order.length === comb.length) return Int32Array.from(order);

  // Every process left over has a left-over predecessor: walk predecessors until one repeats.
  const left = new Set(comb.map((p) => p.idx).filter((k) => indeg.get(k)! > 0));
  let k = Math.min(...left);
  const seen = new Map<number, number>();
  const path: number[] = [];
  while (!seen.has(k)) {
    seen.set(k, path.length);
    path.push(k);
    k = [...preds.get(k)!.keys()].filter((q) => left.has(q)).sort((a, b) => a - b)[0]!;
  }
  // path[seen(k)..] is the loop, walked against the data flow; report it along the data flow.
  const loop = path.slice(seen.get(k)!).reverse();
  const parts: string[] = [];
  for (let j = 0; j < loop.length; j++) {
    const from = loop[j]!;
    const to = loop[(j + 1) % loop.length]!;
    const slot = preds.get(to)!.get(from)!;
    parts.push(`${nameOf(slot)} -> [${procs[to]!.path}]`);
  }
  const first = preds.get(loop[0]!)!.get(loop[loop.length - 1]!)!;
  throw new ElaborationError(`combinational loop: ${nameOf(first)} -> [${procs[loop[0]!]!.path}] -> ${parts.slice(0, -1).join(' -> ')}${parts.length > 1 ? ' -> ' : ''}${nameOf(first)}`);
}
