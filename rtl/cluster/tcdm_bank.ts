// One TCDM SRAM bank as pulp_cluster's tcdm_banks_wrap uses PULP's generic_memory: synchronous, chip select =
// `req`, `wen` active low, byte enables on writes. A read loads the output register `q` at the clock edge that
// ends the request cycle; a write leaves `q` as it was (fixture README: a store's response shows the bank's last
// read word). `q` starts at 0.
import { Module, type Input, type Memory } from '../../sim/index.ts';

export class TcdmBank extends Module {
  req = this.input(1);
  /** 1 = read, 0 = write (active-low write enable). */
  wen = this.input(1);
  addr: Input;
  wdata = this.input(32);
  be = this.input(4);
  q = this.output(32);
  q_reg = this.reg(32, 0);
  mem: Memory;

  constructor(readonly words: number) {
    super();
    this.addr = this.input(Math.max(1, Math.log2(words)));
    this.mem = this.memory(32, words);
    // The output is the register itself (one net): no process copies it.
    this.connect(this.q, this.q_reg);
    this.seq('access', () => {
      if (!this.req.v) return;
      const addr = this.addr.v;
      if (this.wen.v) {
        this.q_reg.next = this.mem.read(addr);
      } else {
        const be = this.be.v;
        const wdata = this.wdata.v;
        const mask = (be & 1 ? 0xff : 0) | (be & 2 ? 0xff00 : 0) | (be & 4 ? 0xff0000 : 0) | (be & 8 ? 0xff000000 : 0);
        this.mem.write(addr, wdata, mask);
      }
    }, { stable: true });
  }
}
