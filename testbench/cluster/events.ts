// Transactions at the cluster's ports, recorded in the format of the system oracle's `<name>@L<L>.events.json`
// (testbench/fixtures/timing/cluster/system/README.md "Files"), and the first divergence between two recordings:
// the tool for locating where the model departs from the RTL.
import type { ClusterTestbench } from './testbench.ts';

export interface CoreEvents {
  /** [first req cycle, gnt cycle, r_valid cycle, addr at the grant] at the 128-bit instruction port. */
  fetch: number[][];
  /** [first req cycle, gnt cycle, r_valid cycle, addr, we] at the data port. */
  data: number[][];
  clock_en: number[][];
  core_busy: number[][];
}

export interface ClusterEvents {
  axi: { ar: number[][]; r: number[][]; aw: number[][]; w: number[]; b: number[] };
  cores: CoreEvents[];
}

/** Starts recording; returns the events object, filled as the simulation runs. */
export function recordEvents(tb: ClusterTestbench): ClusterEvents {
  const top = tb.top;
  const n = top.n;
  const ev: ClusterEvents = {
    axi: { ar: [], r: [], aw: [], w: [], b: [] },
    cores: Array.from({ length: n }, () => ({ fetch: [], data: [], clock_en: [], core_busy: [] })),
  };
  // Per core and port: first request cycle of the pending access, and accesses granted but not answered (in order).
  const fReq = new Int32Array(n).fill(-1);
  const dReq = new Int32Array(n).fill(-1);
  const fOpen: number[][][] = Array.from({ length: n }, () => []);
  const dOpen: number[][][] = Array.from({ length: n }, () => []);
  const clk = new Int32Array(n).fill(-1);
  const busy = new Int32Array(n).fill(-1);
  const l2 = top.l2;
  tb.sim.onSettled((c) => {
    if (l2.ar_valid.v && l2.ar_ready.v) ev.axi.ar.push([c, l2.ar_addr.v >>> 0, l2.ar_id.v, l2.ar_len.v]);
    if (l2.r_valid.v && l2.r_ready.v) ev.axi.r.push([c, l2.r_id.v, l2.r_last.v]);
    if (l2.aw_valid.v && l2.aw_ready.v) ev.axi.aw.push([c, l2.aw_addr.v >>> 0]);
    if (l2.w_valid.v && l2.w_ready.v) ev.axi.w.push(c);
    if (l2.b_valid.v && l2.b_ready.v) ev.axi.b.push(c);
    for (let k = 0; k < n; k++) {
      const r = top.regions[k]!;
      const e = ev.cores[k]!;
      const i = r.core.instr;
      if (i.rvalid.v) {
        const t = fOpen[k]!.shift();
        if (t) {
          t[2] = c;
          e.fetch.push(t);
        }
      }
      if (i.req.v) {
        if (fReq[k]! < 0) fReq[k] = c;
        if (i.gnt.v) {
          fOpen[k]!.push([fReq[k]!, c, -1, i.addr.v >>> 0]);
          fReq[k] = -1;
        }
      } else fReq[k] = -1;
      const d = r.core.data;
      if (d.rvalid.v) {
        const t = dOpen[k]!.shift();
        if (t) {
          t[2] = c;
          e.data.push(t);
        }
      }
      if (d.req.v) {
        if (dReq[k]! < 0) dReq[k] = c;
        if (d.gnt.v) {
          dOpen[k]!.push([dReq[k]!, c, -1, d.addr.v >>> 0, d.we.v]);
          dReq[k] = -1;
        }
      } else dReq[k] = -1;
      const ce = r.eu_clock_en.v;
      if (ce !== clk[k]) {
        e.clock_en.push([c, ce]);
        clk[k] = ce;
      }
      const b = r.core_busy.v;
      if (b !== busy[k]) {
        e.core_busy.push([c, b]);
        busy[k] = b;
      }
    }
  });
  return ev;
}

export interface Divergence {
  where: string;
  index: number;
  expected: unknown;
  actual: unknown;
  /** The cycle of the divergent transaction (the earlier of the two first fields). */
  cycle: number;
}

const first = (x: unknown): number => (Array.isArray(x) ? Number(x[0]) : typeof x === 'number' ? x : Infinity);

/** The earliest-cycle divergence between an expected and a recorded event set, up to `lastCycle`. */
export function firstDivergence(exp: ClusterEvents, act: ClusterEvents, lastCycle: number): Divergence | null {
  let best: Divergence | null = null;
  const cmp = (where: string, a: readonly unknown[], b: readonly unknown[]): void => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      const cycle = Math.min(first(x), first(y));
      if (cycle > lastCycle) return;
      if (best === null || cycle < best.cycle) best = { where, index: i, expected: x ?? null, actual: y ?? null, cycle };
      return;
    }
  };
  cmp('axi.ar', exp.axi.ar, act.axi.ar);
  cmp('axi.r', exp.axi.r, act.axi.r);
  cmp('axi.aw', exp.axi.aw, act.axi.aw);
  cmp('axi.w', exp.axi.w, act.axi.w);
  cmp('axi.b', exp.axi.b, act.axi.b);
  exp.cores.forEach((e, k) => {
    const a = act.cores[k];
    if (!a) return;
    // A clock_en/core_busy change list may legitimately start with the reset value: compare from the first change.
    cmp(`cores[${k}].fetch`, e.fetch, a.fetch);
    cmp(`cores[${k}].data`, e.data, a.data);
    cmp(`cores[${k}].clock_en`, e.clock_en, a.clock_en);
    cmp(`cores[${k}].core_busy`, e.core_busy, a.core_busy);
  });
  return best;
}
