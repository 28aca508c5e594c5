// The cluster control unit (cluster_peripherals pulp-v1.0 cluster_control_unit, peripheral slot 0 at 0x1020_0000)
// as far as the cluster's start-up needs it, and the reset sequence in front of it: the cluster re-synchronises
// reset internally and passes fetch_en_i through two flops and the control unit's boot FSM, so every block leaves
// reset `resetCycles` after cycle 0 and the cores' fetch enable rises with it (system README: all 8 cores issue
// their first fetch in cycle 6). Registers: EOC (+0x00), FETCH_EN (+0x08, one bit per core), BOOT_ADDR k
// (+0x40 + 4k); a write updates them, a read answers them; both are granted at once and answered the next cycle.
// The boot addresses only matter at reset here (the cores are built with the reset value).
import { Module, type Reg } from '../../sim/index.ts';

export class ClusterCtrl extends Module {
  req = this.input(1);
  add = this.input(32);
  /** 1 = read. */
  wen = this.input(1);
  wdata = this.input(32);
  gnt = this.output(1);
  r_valid = this.reg(1);
  r_rdata = this.reg(32);

  /** All blocks out of reset (from cycle `resetCycles` on). */
  rst_done = this.output(1);
  fetch_en = this.output(16);

  rst_cnt = this.reg(8);
  eoc = this.reg(32);
  fetch_en_q: Reg;
  boot_addr: Reg[] = [];

  constructor(readonly nCores: number, bootAddr: number, readonly resetCycles: number) {
    super();
    this.fetch_en_q = this.reg(16, (1 << nCores) - 1);
    for (let k = 0; k < nCores; k++) this.boot_addr.push(this.reg(32, bootAddr >>> 0));
    this.comb('outputs', () => {
      const done = this.rst_cnt.v >= resetCycles ? 1 : 0;
      this.rst_done.v = done;
      this.fetch_en.v = done ? this.fetch_en_q.v : 0;
      this.gnt.v = this.req.v;
    });
    this.seq('regs', () => {
      if (this.rst_cnt.v < resetCycles) this.rst_cnt.next = this.rst_cnt.v + 1;
      const req = this.req.v;
      this.r_valid.next = req;
      if (!req) return;
      const off = this.add.v & 0x3ff;
      if (this.wen.v) {
        let v = 0;
        if (off === 0x00) v = this.eoc.v;
        else if (off === 0x08) v = this.fetch_en_q.v;
        else if (off >= 0x40 && off < 0x40 + 4 * nCores) v = this.boot_addr[(off - 0x40) >>> 2]!.v;
        this.r_rdata.next = v;
      } else {
        const w = this.wdata.v;
        if (off === 0x00) this.eoc.next = w;
        else if (off === 0x08) this.fetch_en_q.next = w & ((1 << nCores) - 1);
        else if (off >= 0x40 && off < 0x40 + 4 * nCores) this.boot_addr[(off - 0x40) >>> 2]!.next = w;
      }
      // Idle after reset unless the port is used: stable, with every read and register declared (the registers are
      // read and written at the addressed offset, which learning reaches for a few only).
    }, {
      reads: [this.rst_cnt, this.req, this.add, this.wen, this.wdata, this.eoc, this.fetch_en_q, ...this.boot_addr],
      drives: [this.rst_cnt, this.r_valid, this.r_rdata, this.eoc, this.fetch_en_q, ...this.boot_addr],
      stable: true,
    });
  }
}
