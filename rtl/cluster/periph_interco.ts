// The cluster's peripheral interconnect (pulp_cluster 9fd9c3e XBAR_PE in cluster_interconnect_wrap) as the cores'
// periph_FIFOs see it: targets by address — the cluster peripherals at 0x1020_0000-0x1020_3FFF (cluster control
// unit slot 0, I$ control unit slot 5 at +0x1400, the rest answered by a default target) and everything outside the
// cluster to per2axi. One request per target per cycle, round robin over the cores (with all 8 cores asking at once
// the grants go 0, 1, ..., 7: system README, l2_data8 ARs 32..39 in consecutive cycles). A grant pops the master's
// FIFO; the target's response is routed back to the master recorded at the grant.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';

export const Target = { EXT: 0, ICACHE: 1, CTRL: 2 } as const;
const NT = 3;

export function periphTarget(add: number): number {
  if (add >>> 14 !== 0x1020_0000 >>> 14) return Target.EXT;
  return ((add >>> 10) & 0xf) === 5 ? Target.ICACHE : Target.CTRL;
}

export class PeriphInterconnect extends Module {
  readonly n: number;
  req: Input[] = [];
  add: Input[] = [];
  wen: Input[] = [];
  be: Input[] = [];
  wdata: Input[] = [];
  gnt: Output[] = [];
  r_valid: Output[] = [];
  r_rdata: Output[] = [];

  // per2axi
  ext_req = this.output(1);
  ext_add = this.output(32);
  ext_wen = this.output(1);
  ext_be = this.output(4);
  ext_wdata = this.output(32);
  ext_core = this.output(4);
  ext_gnt = this.input(1);
  ext_r_valid = this.input(1);
  ext_r_core = this.input(4);
  ext_r_rdata = this.input(32);
  // I$ control unit and cluster control unit (peripheral bus slaves: gnt, then r_valid with the owner's data)
  ic_req = this.output(1);
  ic_add = this.output(32);
  ic_wen = this.output(1);
  ic_wdata = this.output(32);
  ic_gnt = this.input(1);
  ic_r_valid = this.input(1);
  ic_r_rdata = this.input(32);
  cc_req = this.output(1);
  cc_add = this.output(32);
  cc_wen = this.output(1);
  cc_wdata = this.output(32);
  cc_gnt = this.input(1);
  cc_r_valid = this.input(1);
  cc_r_rdata = this.input(32);

  /** Round-robin pointer per target: the first requester at or after it wins. */
  ptr: Reg[] = [];
  /** Winner per target this cycle (or n). */
  win: Output[] = [];
  ic_owner = this.reg(4);
  cc_owner = this.reg(4);

  constructor(n: number) {
    super();
    this.n = n;
    for (let k = 0; k < n; k++) {
      this.req.push(this.input(1));
      this.add.push(this.input(32));
      this.wen.push(this.input(1));
      this.be.push(this.input(4));
      this.wdata.push(this.input(32));
      this.gnt.push(this.output(1));
      this.r_valid.push(this.output(1));
      this.r_rdata.push(this.output(32));
    }
    for (let t = 0; t < NT; t++) {
      this.ptr.push(this.reg(4));
      this.win.push(this.output(5));
    }
    const reqs = new Uint32Array(NT);
    this.comb('arbitrate', () => {
      reqs.fill(0);
      for (let k = 0; k < n; k++) if (this.req[k]!.v) reqs[periphTarget(this.add[k]!.v)]! |= 1 << k;
      for (let t = 0; t < NT; t++) {
        let w = n;
        const r = reqs[t]!;
        if (r !== 0) {
          const p = this.ptr[t]!.v;
          for (let i = 0; i < n; i++) {
            const k = (p + i) % n;
            if ((r >>> k) & 1) {
              w = k;
              break;
            }
          }
        }
        this.win[t]!.v = w;
      }
      const e = this.win[Target.EXT]!.v;
      const ei = Math.min(e, n - 1);
      this.ext_req.v = e < n;
      this.ext_add.v = this.add[ei]!.v;
      this.ext_wen.v = this.wen[ei]!.v;
      this.ext_be.v = this.be[ei]!.v;
      this.ext_wdata.v = this.wdata[ei]!.v;
      this.ext_core.v = ei;
      const ic = this.win[Target.ICACHE]!.v;
      const ii = Math.min(ic, n - 1);
      this.ic_req.v = ic < n;
      this.ic_add.v = this.add[ii]!.v;
      this.ic_wen.v = this.wen[ii]!.v;
      this.ic_wdata.v = this.wdata[ii]!.v;
      const cc = this.win[Target.CTRL]!.v;
      const ci = Math.min(cc, n - 1);
      this.cc_req.v = cc < n;
      this.cc_add.v = this.add[ci]!.v;
      this.cc_wen.v = this.wen[ci]!.v;
      this.cc_wdata.v = this.wdata[ci]!.v;
    }, { reads: [...this.add, ...this.wen, ...this.be, ...this.wdata, ...this.ptr] });
    this.comb('grants', () => {
      const e = this.win[Target.EXT]!.v;
      const ic = this.win[Target.ICACHE]!.v;
      const cc = this.win[Target.CTRL]!.v;
      for (let k = 0; k < n; k++) {
        this.gnt[k]!.v = (e === k && this.ext_gnt.v) || (ic === k && this.ic_gnt.v) || (cc === k && this.cc_gnt.v);
      }
    });
    this.comb('responses', () => {
      const ev = this.ext_r_valid.v;
      const ec = this.ext_r_core.v;
      const iv = this.ic_r_valid.v;
      const io = this.ic_owner.v;
      const cv = this.cc_r_valid.v;
      const co = this.cc_owner.v;
      for (let k = 0; k < n; k++) {
        if (ev && ec === k) {
          this.r_valid[k]!.v = 1;
          this.r_rdata[k]!.v = this.ext_r_rdata.v;
        } else if (iv && io === k) {
          this.r_valid[k]!.v = 1;
          this.r_rdata[k]!.v = this.ic_r_rdata.v;
        } else if (cv && co === k) {
          this.r_valid[k]!.v = 1;
          this.r_rdata[k]!.v = this.cc_r_rdata.v;
        } else {
          this.r_valid[k]!.v = 0;
          this.r_rdata[k]!.v = 0;
        }
      }
    });
    this.seq('pointers', () => {
      for (let t = 0; t < NT; t++) {
        const w = this.win[t]!.v;
        const g = t === Target.EXT ? this.ext_gnt.v : t === Target.ICACHE ? this.ic_gnt.v : this.cc_gnt.v;
        if (w < n && g) this.ptr[t]!.next = (w + 1) % n;
      }
      if (this.ic_req.v && this.ic_gnt.v) this.ic_owner.next = this.win[Target.ICACHE]!.v;
      if (this.cc_req.v && this.cc_gnt.v) this.cc_owner.next = this.win[Target.CTRL]!.v;
    }, { stable: true });
  }
}
