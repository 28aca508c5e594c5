// The cluster's TCDM logarithmic interconnect (cluster_interconnect pulp-v1.0 XBAR_TCDM, GNT_BASED_FC, inside
// pulp_cluster 9fd9c3e's cluster_interconnect_wrap) with its word-interleaved SRAM banks.
// Masters, in port order: the cores and the accelerator (HWCE) ports on channel 0, the external AXI->TCDM and the
// DMA ports on channel 1 (fixture README "Master ports"). Bank = address bits [2 + log2(banks) - 1 : 2], row =
// the next log2(bankWords) bits, the test-and-set flag = bit `testSetBit`; other address bits are ignored.
// Timing (fixture README "Port semantics"): `gnt` is combinational in the request cycle; `r_valid` follows every
// grant one cycle later, loads and stores alike, with the serving bank's output register as `r_rdata`; with
// no response pending the response tree shows bank 0's output register.
import { Module, type Input, type Output, type Reg, type Wire } from '../../sim/index.ts';
import { gap8Cluster, validateCluster, type ClusterConfig } from '../config/index.ts';
import { TcdmBank } from './tcdm_bank.ts';
import { TcdmRequestBlock } from './tcdm_interconnect_request_block.ts';

const clog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

export class TcdmInterconnect extends Module {
  readonly nMasters: number;
  readonly nCh0: number;
  readonly nBanks: number;

  // Master ports (XBAR_TCDM_BUS), index = master number. `wen` is active low: 1 load, 0 store.
  req: Input[] = [];
  add: Input[] = [];
  wen: Input[] = [];
  be: Input[] = [];
  wdata: Input[] = [];
  gnt: Output[] = [];
  r_valid: Output[] = [];
  r_rdata: Output[] = [];
  /** TCDM_arb_policy_i (cluster control unit register). */
  arb_policy = this.input(2);

  // Bank side, for observation: the bank performs an access (a grant or a test-and-set write), for which master.
  bank_valid: Output[] = [];
  bank_id: Output[] = [];
  bank_ts_set: Output[] = [];

  /** Bank index each master's request addresses (valid when it requests). */
  req_bank: Wire[] = [];
  /** Bank that granted each master this cycle. */
  gnt_bank: Wire[] = [];
  /** Response registers of the wrap: a grant in t gives r_valid in t+1 from the bank that served it. */
  resp_valid: Reg[] = [];
  resp_bank: Reg[] = [];

  blocks: TcdmRequestBlock[] = [];
  banks: TcdmBank[] = [];

  constructor(readonly config: ClusterConfig = gap8Cluster) {
    super();
    validateCluster(config);
    const c = config;
    const n0 = c.cores + c.hwaccPorts;
    const n1 = c.extPorts + c.dmaPorts;
    const nm = n0 + n1;
    const nb = c.tcdm.banks;
    const bankBits = clog2(nb);
    const rowBits = Math.max(1, clog2(c.tcdm.bankWords));
    const rowMask = c.tcdm.bankWords - 1;
    const bankMask = nb - 1;
    const tasBit = c.tcdm.testSetBit;
    const idBits = Math.max(1, clog2(nm));
    this.nMasters = nm;
    this.nCh0 = n0;
    this.nBanks = nb;
    for (let m = 0; m < nm; m++) {
      this.req.push(this.input(1));
      this.add.push(this.input(32));
      this.wen.push(this.input(1));
      this.be.push(this.input(4));
      this.wdata.push(this.input(32));
      this.gnt.push(this.output(1));
      this.r_valid.push(this.output(1));
      this.r_rdata.push(this.output(32));
      this.req_bank.push(this.wire(Math.max(1, bankBits)));
      this.gnt_bank.push(this.wire(Math.max(1, bankBits)));
      this.resp_valid.push(this.reg(1, 0));
      this.resp_bank.push(this.reg(Math.max(1, bankBits), 0));
    }
    for (let b = 0; b < nb; b++) {
      const blk = new TcdmRequestBlock(n0, n1, rowBits);
      this.blocks.push(blk);
      this.banks.push(new TcdmBank(c.tcdm.bankWords));
      this.connect(blk.policy, this.arb_policy);
      // Clocks of idle banks stopped: a block holds without a request, a bank acts only on `req`.
      this.clockGate(blk, blk.clk_en);
      this.clockGate(this.banks[b]!, this.banks[b]!.req);
      this.bank_valid.push(this.output(1));
      this.bank_id.push(this.output(idBits));
      this.bank_ts_set.push(this.output(1));
    }

    // AddressDecoder_Req per master: which bank's request block sees the request, and as a test-and-set load?
    // Scratch arrays of the processes (rewritten every evaluation; no allocation per cycle).
    const r0 = new Uint32Array(nb);
    const r1 = new Uint32Array(nb);
    const t0 = new Uint32Array(nb);
    const t1 = new Uint32Array(nb);
    const granted = new Int32Array(nm);
    const q = new Uint32Array(nb);
    this.comb('decode', () => {
      r0.fill(0);
      r1.fill(0);
      t0.fill(0);
      t1.fill(0);
      for (let m = 0; m < nm; m++) {
        const req = this.req[m]!.v;
        const add = this.add[m]!.v;
        const wen = this.wen[m]!.v;
        const b = (add >>> 2) & bankMask;
        this.req_bank[m]!.v = b;
        if (!req) continue;
        const tas = wen === 1 && ((add >>> tasBit) & 1) === 1 ? 1 : 0;
        if (m < n0) {
          r0[b] = r0[b]! | (1 << m);
          t0[b] = t0[b]! | (tas << m);
        } else {
          r1[b] = r1[b]! | (1 << (m - n0));
          t1[b] = t1[b]! | (tas << (m - n0));
        }
      }
      for (let b = 0; b < nb; b++) {
        const blk = this.blocks[b]!;
        blk.req_ch0.v = r0[b]!;
        blk.req_ch1.v = r1[b]!;
        blk.tas_ch0.v = t0[b]!;
        blk.tas_ch1.v = t1[b]!;
      }
    });

    // The winner's request reaches its bank (or the test-and-set write does); grants go back to the masters.
    this.comb('bank_mux', () => {
      granted.fill(-1);
      for (let b = 0; b < nb; b++) {
        const blk = this.blocks[b]!;
        const bank = this.banks[b]!;
        const g = blk.gnt.v;
        const set = blk.ts_set.v;
        const w = Math.min(blk.win_id.v, nm - 1);
        const add = this.add[w]!.v;
        const wen = this.wen[w]!.v;
        const wdata = this.wdata[w]!.v;
        const be = this.be[w]!.v;
        const tsRow = blk.ts_row.v;
        const tsBe = blk.ts_be.v;
        const bankId = blk.bank_id.v;
        blk.win_row.v = (add >>> (2 + bankBits)) & rowMask;
        blk.win_be.v = be;
        if (set) {
          bank.req.v = 1;
          bank.wen.v = 0;
          bank.addr.v = tsRow;
          bank.wdata.v = 0xffffffff;
          bank.be.v = tsBe;
        } else {
          bank.req.v = g;
          bank.wen.v = wen;
          bank.addr.v = (add >>> (2 + bankBits)) & rowMask;
          bank.wdata.v = wdata;
          bank.be.v = be;
        }
        if (g) granted[w] = b;
        this.bank_valid[b]!.v = g | set;
        this.bank_id[b]!.v = g | set ? bankId : 0;
        this.bank_ts_set[b]!.v = set;
      }
      for (let m = 0; m < nm; m++) {
        const b = granted[m]!;
        this.gnt[m]!.v = b >= 0;
        this.gnt_bank[m]!.v = b >= 0 ? b : 0;
      }
    }, { reads: [...this.add, ...this.wen, ...this.wdata, ...this.be] });

    this.seq('response', () => {
      for (let m = 0; m < nm; m++) {
        this.resp_valid[m]!.next = this.gnt[m]!.v;
        this.resp_bank[m]!.next = this.gnt_bank[m]!.v;
      }
    });

    // ResponseTree: with no valid response the mux tree selects its input 0, bank 0's output register.
    this.comb('response_mux', () => {
      for (let b = 0; b < nb; b++) q[b] = this.banks[b]!.q.v;
      for (let m = 0; m < nm; m++) {
        const v = this.resp_valid[m]!.v;
        const rb = this.resp_bank[m]!.v;
        this.r_valid[m]!.v = v;
        this.r_rdata[m]!.v = v ? q[rb]! : q[0]!;
      }
    });
  }
}
