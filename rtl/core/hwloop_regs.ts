// Hardware-loop registers (riscv_hwloop_regs.sv; fact sheet §4.10): start, end and count of two loops, written by
// lp.* in ID (priority) or by CSR instructions in EX; a loop's count is decremented when the loop-start
// instruction fetched by the back-jump leaves ID (hwlp_dec_cnt travels with it through IF/ID).
import { Module, type Signal } from '../../sim/index.ts';
import type { CoreLinks } from './links.ts';

export class HwloopRegs extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  /** CV32E40P: the controller decides the decrement in ID and start/end are word addresses. */
  constructor(private readonly cv = false) {
    super();
  }

  hwlp_start0 = this.reg(32, 0);
  hwlp_start1 = this.reg(32, 0);
  hwlp_end0 = this.reg(32, 0);
  hwlp_end1 = this.reg(32, 0);
  hwlp_counter0 = this.reg(32, 0);
  hwlp_counter1 = this.reg(32, 0);

  loopSignals(): Signal[] {
    return [this.hwlp_start0, this.hwlp_start1, this.hwlp_end0, this.hwlp_end1, this.hwlp_counter0, this.hwlp_counter1];
  }

  /** Register `idx` = loop * 3 + {0 start, 1 end, 2 count}. */
  read(idx: number): number {
    switch (idx) {
      case 0:
        return this.hwlp_start0.v;
      case 1:
        return this.hwlp_end0.v;
      case 2:
        return this.hwlp_counter0.v;
      case 3:
        return this.hwlp_start1.v;
      case 4:
        return this.hwlp_end1.v;
      case 5:
        return this.hwlp_counter1.v;
      default:
        return 0;
    }
  }

  bind(l: CoreLinks): void {
    const ifs = l.ifs;
    this.seq('hwlp_q', () => {
      const id = this.l.id;
      const cs = this.l.cs;
      let we = id.hwlp_we_id.v;
      let regid = 0;
      let start = 0;
      let end = 0;
      let cnt = 0;
      if (we !== 0) {
        regid = id.hwlp_regid_id.v;
        start = id.hwlp_start_id.v;
        end = id.hwlp_end_id.v;
        cnt = id.hwlp_cnt_id.v;
      } else if (cs.hwlp_csr_we.v) {
        const idx = cs.hwlp_csr_idx.v;
        regid = idx >= 3 ? 1 : 0;
        we = 1 << idx % 3;
        start = end = cnt = cs.hwlp_csr_data.v;
      }
      if (we !== 0) {
        const wmask = this.cv ? ~3 : ~0;
        if (we & 1) (regid ? this.hwlp_start1 : this.hwlp_start0).next = (start & wmask) >>> 0;
        if (we & 2) (regid ? this.hwlp_end1 : this.hwlp_end0).next = (end & wmask) >>> 0;
      }
      // the decrement travels with the instruction fetched by the back-jump; it counts when that one leaves ID
      let dec = this.cv ? this.l.ctrl.hwlp_dec_cnt.v : ifs.hwlp_dec_cnt_id.v;
      if (dec !== 0) {
        // RI5CY's is_hwlp_id includes instr_valid_id (riscv_if_stage.sv)
        const valid = this.cv ? ifs.instr_valid_id.v & id.clear_instr_valid.v : ifs.is_hwlp_id.v !== 0 ? id.clear_instr_valid.v : 0;
        if (!valid) dec = 0;
      }
      if (we & 4) {
        // a write of the count wins over the decrement of the same loop
        if (regid === 0) this.hwlp_counter0.next = cnt;
        else this.hwlp_counter1.next = cnt;
        dec &= regid === 0 ? 2 : 1;
      }
      if (dec & 1) this.hwlp_counter0.next = (this.hwlp_counter0.v - 1) >>> 0;
      if (dec & 2) this.hwlp_counter1.next = (this.hwlp_counter1.v - 1) >>> 0;
      // A function of its reads (stable): it runs only when one of them changes. The decrement's condition and the
      // counts matter only with an instruction from the back-jump in ID (is_hwlp_id; CV32E40P: a decrement); the
      // slots of an lp.* write or a CSR write are zero without their enable.
    }, {
      stable: true,
      reads: [this.cv ? l.ctrl.hwlp_dec_cnt : ifs.is_hwlp_id],
      guarded: [
        {
          reads: [...(this.cv ? [ifs.instr_valid_id] : []), l.id.clear_instr_valid, this.hwlp_counter0, this.hwlp_counter1],
          when: [this.cv ? l.ctrl.hwlp_dec_cnt : ifs.is_hwlp_id],
        },
      ],
    });
  }
}
