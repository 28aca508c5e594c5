// The I$'s AXI read side (icache_top_mp_128_PF with USE_AXI_SLICES, cache_controller_to_axi_128_PF): a 2-deep AR
// buffer and a 2-deep R buffer (both generic_fifo), and the compactor that packs the two 64-bit beats of a line
// into the 128-bit line register and presents {line, id} for one cycle, the cycle after the last beat left the
// R buffer. That register is what every core's r_rdata shows while no hit is being returned.
import { Module, defineEnum, type Input, type Output } from '../../sim/index.ts';
import { GenericFifo } from './icache_fifo.ts';
import { LINE_WORDS } from './icache_geometry.ts';

export const CompState = defineEnum('IcacheCompState', ['IDLE_COMP', 'DISP_COMP']);

/** Fixed AR fields of a refill: 2 beats (len 1) of 8 bytes (size 3), INCR (burst 1). */
export const AR_LEN = 1;
export const AR_SIZE = 3;
export const AR_BURST = 1;

export class IcacheAxi extends Module {
  // From the central controller.
  readonly ar_push = this.input(1);
  readonly ar_push_addr = this.input(32);
  readonly ar_push_id = this.input(4);
  /** AR buffer has room (the controller's AXI grant). */
  readonly ar_room = this.output(1);
  // AXI AR (buffer output).
  readonly ar_valid = this.output(1);
  readonly ar_addr = this.output(32);
  readonly ar_id = this.output(6);
  readonly ar_len = this.output(8);
  readonly ar_size = this.output(3);
  readonly ar_burst = this.output(2);
  readonly ar_ready = this.input(1);
  // AXI R (buffer input).
  readonly r_valid = this.input(1);
  readonly r_id = this.input(6);
  /** Beat data: [bits 31..0, bits 63..32]. */
  readonly r_data: readonly Input[] = [this.input(32), this.input(32)];
  readonly r_last = this.input(1);
  readonly r_resp = this.input(2);
  readonly r_ready = this.output(1);
  // Compactor output.
  readonly line_valid = this.output(1);
  readonly line_id = this.output(4);
  readonly line: Output[] = Array.from({ length: LINE_WORDS }, () => this.output(32));

  readonly arBuf = new GenericFifo(2, [32, 4, 8, 3, 2]);
  readonly rBuf = new GenericFifo(2, [32, 32, 4, 1, 2]);
  readonly comp = this.reg(CompState, CompState.IDLE_COMP);
  readonly chunk = this.reg(1);
  readonly lineRegs = Array.from({ length: LINE_WORDS }, () => this.reg(32));
  readonly lineId = this.reg(4);

  constructor() {
    super();
    for (let i = 0; i < LINE_WORDS; i++) this.connect(this.line[i]!, this.lineRegs[i]!);
    const ar = this.arBuf;
    const rb = this.rBuf;
    this.connect(this.ar_push, ar.valid_i);
    this.connect(this.ar_room, ar.grant_o);
    this.connect(this.ar_valid, ar.valid_o);
    this.connect(this.ar_ready, ar.grant_i);
    this.connect(this.ar_addr, ar.data_o[0]!);
    this.connect(this.ar_len, ar.data_o[2]!);
    this.connect(this.ar_size, ar.data_o[3]!);
    this.connect(this.ar_burst, ar.data_o[4]!);
    this.connect(this.r_valid, rb.valid_i);
    this.connect(this.r_ready, rb.grant_o);
    this.connect(this.r_data[0]!, rb.data_i[0]!);
    this.connect(this.r_data[1]!, rb.data_i[1]!);
    this.connect(this.r_last, rb.data_i[3]!);
    this.connect(this.r_resp, rb.data_i[4]!);
    this.tie(rb.grant_i, 1); // the controller's rready is 1: the R buffer drains every cycle
    this.connect(this.line_id, this.lineId);

    this.comb('ar_in', () => {
      ar.data_i[0]!.v = this.ar_push_addr.v;
      ar.data_i[1]!.v = this.ar_push_id.v;
      ar.data_i[2]!.v = AR_LEN;
      ar.data_i[3]!.v = AR_SIZE;
      ar.data_i[4]!.v = AR_BURST;
      // Only r_id[3:0] enters the R buffer (AXI_ID_INT = clog2(9) bits).
      rb.data_i[2]!.v = this.r_id.v & 0xf;
    });
    this.comb('ar_out', () => {
      this.ar_id.v = ar.data_o[1]!.v;
      this.line_valid.v = this.comp.v === CompState.DISP_COMP;
    });

    this.seq('compactor', () => {
      const rv = rb.valid_o.v;
      const last = rb.data_o[3]!.v;
      const ch = this.chunk.v;
      if (rv) {
        this.lineRegs[ch * 2]!.next = rb.data_o[0]!.v;
        this.lineRegs[ch * 2 + 1]!.next = rb.data_o[1]!.v;
        this.lineId.next = rb.data_o[2]!.v;
      }
      if (this.comp.v === CompState.IDLE_COMP) {
        if (rv) {
          if (last) {
            this.comp.next = CompState.DISP_COMP;
            this.chunk.next = 0;
          } else {
            this.chunk.next = ch ^ 1;
          }
        }
      } else {
        // DISP_COMP: the line is presented this cycle; a beat arriving now starts the next line.
        if (rv && last) {
          this.comp.next = CompState.DISP_COMP;
          this.chunk.next = 0;
        } else {
          this.comp.next = CompState.IDLE_COMP;
          this.chunk.next = rv ? 1 : 0;
        }
      }
    }, { stable: true });
  }
}
