// The cluster's TCDM logarithmic interconnect (cluster_interconnect pulp-v1.0 XBAR_TCDM, GNT_BASED_FC, inside
// pulp_cluster 9fd9c3e's cluster_interconnect_wrap) with its word-interleaved SRAM banks.
// Masters, in port order: the cores and the accelerator (HWCE) ports on channel 0, the external AXI->TCDM and the
// DMA ports on channel 1 (fixture README "Master ports"). Bank = address bits [2 + log2(banks) - 1 : 2], row =
// the next log2(bankWords) bits, the test-and-set flag = bit `testSetBit`; other address bits are ignored.
// Timing (fixture README "Port semantics"): `gnt` is combinational in the request cycle; `r_valid` follows every
// grant one cycle later, loads and stores alike, with the serving bank's output register as `r_rdata`; with
// no response pending the response tree shows bank 0's output register.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';
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
    // Word interleaving: the bank from the word address's low bits, the row from the bits above them (one mapping
    // for the request's decode, the bank's row and the response's bank).
    const bankOf = (add: number): number => (add >>> 2) & bankMask;
    const rowOf = (add: number): number => (add >>> (2 + bankBits)) & rowMask;
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
      this.resp_valid.push(this.reg(1, 0));
      this.resp_bank.push(this.reg(Math.max(1, bankBits), 0));
    }
    for (let b = 0; b < nb; b++) {
      const blk = new TcdmRequestBlock(n0, n1, rowBits);
      const bank = new TcdmBank(c.tcdm.bankWords);
      this.blocks.push(blk);
      this.banks.push(bank);
      this.connect(blk.policy, this.arb_policy);
      // Clocks of idle banks stopped: a block holds without a request, a bank acts only on `req`.
      this.clockGate(blk, blk.clk_en);
      this.clockGate(bank, bank.req);
      this.bank_valid.push(this.output(1));
      this.bank_id.push(this.output(idBits));
      this.bank_ts_set.push(this.output(1));
      // The bank is selected exactly when its block grants a master or performs the set write, i.e. when the
      // block's clock runs; whose access it is and the set flag are the block's own outputs: one net each.
      this.connect(bank.req, blk.clk_en);
      this.connect(this.bank_valid[b]!, blk.clk_en);
      this.connect(this.bank_id[b]!, blk.bank_id);
      this.connect(this.bank_ts_set[b]!, blk.ts_set);
      // The winner's row and byte enables, which the block samples for a test-and-set, are what its bank is given
      // in a grant cycle (the block reads them only then).
      this.connect(blk.win_row, bank.addr);
      this.connect(blk.win_be, bank.be);
    }

    // AddressDecoder_Req per master: which bank's request block sees the request, and as a test-and-set load?
    // Scratch arrays of the processes (rewritten every evaluation; no allocation per cycle).
    const rq = new Uint32Array(nb);
    const ts = new Uint32Array(nb);
    const granted = new Uint8Array(nm);
    this.comb('decode', () => {
      rq.fill(0);
      ts.fill(0);
      for (let m = 0; m < nm; m++) {
        if (!this.req[m]!.v) continue;
        const add = this.add[m]!.v;
        const b = bankOf(add);
        rq[b] = (rq[b]! | (1 << m)) >>> 0;
        if (((add >>> tasBit) & 1) === 1 && this.wen[m]!.v === 1) ts[b] = (ts[b]! | (1 << m)) >>> 0;
      }
      for (let b = 0; b < nb; b++) {
        const blk = this.blocks[b]!;
        blk.req.v = rq[b]!;
        blk.tas.v = ts[b]!;
      }
      // A master's address and direction matter only with its request (a core's move with its every access).
    }, { guarded: this.req.map((r, m) => ({ reads: [this.add[m]!, this.wen[m]!], when: [r] })) });

    // The winner's request reaches its bank (or the test-and-set write does); grants go back to the masters. An
    // idle bank (its block neither grants nor sets) is given master 0's request, as the mux tree with no request
    // selects its input 0: computed once for all of them. The banks' inputs are read only by clocked processes
    // (the bank's access, the block's state, both gated by the block's clock), so of its outputs only the grants
    // are compared after a run. Its signals sit in flat arrays of the closure (one load each).
    const bWen = this.banks.map((k) => k.wen);
    const bAddr = this.banks.map((k) => k.addr);
    const bWdata = this.banks.map((k) => k.wdata);
    const bBe = this.banks.map((k) => k.be);
    const kClk = this.blocks.map((k) => k.clk_en);
    const kGnt = this.blocks.map((k) => k.gnt);
    const kWin = this.blocks.map((k) => k.win_id);
    const kRow = this.blocks.map((k) => k.ts_row);
    const kBe = this.blocks.map((k) => k.ts_be);
    const mAdd = this.add;
    const mWen = this.wen;
    const mWdata = this.wdata;
    const mBe = this.be;
    const mGnt = this.gnt;
    this.comb('bank_mux', () => {
      granted.fill(0);
      const wen0 = mWen[0]!.v;
      const wdata0 = mWdata[0]!.v;
      const be0 = mBe[0]!.v;
      const row0 = rowOf(mAdd[0]!.v);
      for (let b = 0; b < nb; b++) {
        if (kClk[b]!.v === 0) {
          bWen[b]!.v = wen0;
          bAddr[b]!.v = row0;
          bWdata[b]!.v = wdata0;
          bBe[b]!.v = be0;
        } else if (kGnt[b]!.v === 0) {
          // The set write: all ones under the load's byte enables, to the same row.
          bWen[b]!.v = 0;
          bAddr[b]!.v = kRow[b]!.v;
          bWdata[b]!.v = 0xffffffff;
          bBe[b]!.v = kBe[b]!.v;
        } else {
          const w = Math.min(kWin[b]!.v, nm - 1);
          bWen[b]!.v = mWen[w]!.v;
          bAddr[b]!.v = rowOf(mAdd[w]!.v);
          bWdata[b]!.v = mWdata[w]!.v;
          bBe[b]!.v = mBe[w]!.v;
          granted[w] = 1;
        }
      }
      for (let m = 0; m < nm; m++) mGnt[m]!.v = granted[m]!;
      // Master 0's request fields feed every idle bank; another master's are read only when a bank grants it, i.e.
      // with its request.
    }, {
      reads: [this.add[0]!, this.wen[0]!, this.wdata[0]!, this.be[0]!, ...this.blocks.flatMap((k) => [k.gnt, k.win_id, k.ts_row, k.ts_be])],
      guarded: this.req.slice(1).map((r, j) => ({ reads: [this.add[j + 1]!, this.wen[j + 1]!, this.wdata[j + 1]!, this.be[j + 1]!], when: [r] })),
    });

    // A master's response registers move only around a grant (resp_bank is 0 whenever resp_valid is). One process
    // per master: a grant to one master runs and commits only that master's registers. The granting bank is the
    // one the master's address selects (its request went to no other), so the address gives it.
    for (let m = 0; m < nm; m++) {
      const gnt = this.gnt[m]!;
      const add = this.add[m]!;
      const respValid = this.resp_valid[m]!;
      const respBank = this.resp_bank[m]!;
      this.seq(`response_${m}`, () => {
        const g = gnt.v;
        if ((g | respValid.v) === 0) return;
        respValid.next = g;
        respBank.next = g ? bankOf(add.v) : 0;
      }, { reads: [gnt, respValid], guarded: [{ reads: [add], when: [gnt] }], drives: [respValid, respBank], stable: true });
      // r_valid is the response register itself (one net).
      this.connect(this.r_valid[m]!, respValid);
    }

    // ResponseTree: with no valid response the mux tree selects its input 0, bank 0's output register. One process
    // for all masters: one per master, reading the other banks only with a valid response, ran slower (each new
    // bank word then tests every master's guard).
    const q = this.banks.map((k) => k.q);
    this.comb('response_mux', () => {
      const q0 = q[0]!.v;
      for (let m = 0; m < nm; m++) this.r_rdata[m]!.v = this.resp_valid[m]!.v ? q[this.resp_bank[m]!.v]!.v : q0;
    }, { reads: [...this.resp_bank, ...q] });
  }
}
