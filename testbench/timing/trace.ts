// Per-cycle comparison of the model with an RTL trace (`<name>.trace.tsv` of the timing fixtures): the model is
// sampled in every cycle with the trace's columns (ports, IF/ID, register-file write ports, controller state),
// and the first cycle in which a compared column differs is reported with both rows.
import { readFileSync } from 'node:fs';
import { CtrlState } from '../../rtl/core/controller.ts';
import type { Testbench } from '../system/testbench.ts';

export interface TraceRow {
  cycle: number;
  values: Record<string, string>;
}

export interface Divergence {
  cycle: number;
  column: string;
  rtl: string;
  model: string;
  rtlRow: Record<string, string>;
  modelRow: Record<string, string>;
}

/** CV32E40P traces name the register-file ports rfA_* / rfB_*. */
const ALIASES: Record<string, string> = {
  rfA_we: 'rf_we_a',
  rfA_addr: 'rf_waddr_a',
  rfA_data: 'rf_wdata_a',
  rfB_we: 'rf_we_b',
  rfB_addr: 'rf_waddr_b',
  rfB_data: 'rf_wdata_b',
};

/** CV32E40P's ctrl_state_e numbering (cv32e40p_pkg), by our state names. */
const CV_STATES = [
  'RESET',
  'BOOT_SET',
  'SLEEP',
  'WAIT_SLEEP',
  'FIRST_FETCH',
  'DECODE',
  'IRQ_FLUSH_ELW',
  'ELW_EXE',
  'FLUSH_EX',
  'FLUSH_WB',
  'XRET_JUMP',
  'DBG_TAKEN_ID',
  'DBG_TAKEN_IF',
  'DBG_FLUSH',
  'DBG_WAIT_BRANCH',
  'DECODE_HWLOOP',
];

/** Parses a trace file (comment line, header line, tab-separated rows). */
export function readTrace(path: string): { columns: string[]; rows: TraceRow[] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const columns = lines[0]!.split('\t').map((c) => ALIASES[c] ?? c);
  const rows = lines.slice(1).map((l, i) => {
    const f = l.split('\t');
    const values: Record<string, string> = {};
    columns.forEach((c, k) => (values[c] = f[k] ?? ''));
    const cycle = Number(values.cycle);
    if (!Number.isInteger(cycle)) throw new Error(`${path}:${i + 3}: cycle '${values.cycle}' is not an integer`);
    return { cycle, values };
  });
  return { columns, rows };
}

const h8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** One row of the model in the trace's format. */
export function sampleModel(tb: Testbench): Record<string, string> {
  const c = tb.top.core;
  const f = c.if_stage;
  const id = c.id_stage;
  const ex = c.ex_stage;
  const lsu = c.load_store_unit;
  const i = c.instr;
  const d = c.data;
  const cv = tb.config.core.version === 'cv32e40p';
  return {
    instr_req: String(i.req.v),
    instr_gnt: String(i.gnt.v),
    instr_addr: h8(i.addr.v),
    instr_rvalid: String(i.rvalid.v),
    pc_if: h8(f.pc_if.v),
    pc_id: h8(f.pc_id.v),
    instr_valid_id: String(f.instr_valid_id.v),
    // RI5CY traces qualify id_valid (id_valid & is_decoding & instr_valid_id); CV32E40P traces give it raw
    id_valid: String(cv ? id.id_valid.v : id.id_valid.v & c.controller.is_decoding.v & f.instr_valid_id.v),
    is_decoding: String(c.controller.is_decoding.v),
    ex_ready: String(ex.ex_ready.v),
    data_req: String(d.req.v),
    data_gnt: String(d.gnt.v),
    data_addr: h8(d.addr.v),
    data_we: String(d.we.v),
    data_be: d.be.v.toString(16),
    data_wdata: h8(d.wdata.v),
    data_rvalid: String(d.rvalid.v),
    data_rdata: h8(d.rdata.v),
    rf_we_a: String(cv ? (lsu.portAWrite() ? 1 : 0) : ex.regfile_we_wb.v),
    rf_waddr_a: String(ex.regfile_waddr_wb.v),
    rf_wdata_a: h8(lsu.wb_rdata.v),
    rf_we_b: String(ex.portBWrite() ? 1 : 0),
    rf_waddr_b: String(ex.regfile_alu_waddr_ex.v),
    rf_wdata_b: h8(ex.regfile_alu_wdata_fw.v),
    ctrl_fsm: String(cv ? CV_STATES.indexOf(CtrlState.names[c.controller.ctrl_fsm_cs.v]!) : c.controller.ctrl_fsm_cs.v),
  };
}

/** Columns compared, each with the condition under which it is meaningful in the RTL row. */
const CHECKS: Array<[string, (r: Record<string, string>) => boolean]> = [
  ['instr_req', () => true],
  ['instr_addr', (r) => r.instr_req === '1'],
  ['instr_gnt', () => true],
  ['instr_rvalid', () => true],
  ['instr_valid_id', () => true],
  ['pc_id', (r) => r.instr_valid_id === '1'],
  ['id_valid', () => true],
  ['is_decoding', () => true],
  ['ctrl_fsm', () => true],
  ['data_req', () => true],
  ['data_addr', (r) => r.data_req === '1'],
  ['data_we', (r) => r.data_req === '1'],
  ['data_be', (r) => r.data_req === '1'],
  ['data_wdata', (r) => r.data_req === '1' && r.data_we === '1'],
  ['data_gnt', () => true],
  ['data_rvalid', () => true],
  ['rf_we_a', () => true],
  ['rf_waddr_a', (r) => r.rf_we_a === '1'],
  ['rf_wdata_a', (r) => r.rf_we_a === '1' && r.data_rvalid === '1'],
  ['rf_we_b', () => true],
  ['rf_waddr_b', (r) => r.rf_we_b === '1'],
  // multi-cycle units (div, mulh) drive intermediate values on port B until EX is ready
  ['rf_wdata_b', (r) => r.rf_we_b === '1' && r.ex_ready === '1'],
];

/** Runs the testbench alongside the trace and returns the first divergence (or null when every row matches). */
export function compareTrace(tb: Testbench, rows: TraceRow[], columns: string[]): Divergence | null {
  let result: Divergence | null = null;
  let k = 0;
  const checks = CHECKS.filter(([c]) => columns.includes(c));
  const off = tb.sim.onSettled((cycle) => {
    if (result !== null || k >= rows.length) return;
    const row = rows[k]!;
    if (row.cycle !== cycle) return;
    k++;
    const m = sampleModel(tb);
    for (const [col, when] of checks) {
      if (!when(row.values)) continue;
      const a = row.values[col]!.toLowerCase();
      const b = m[col]!;
      const same = /^[0-9a-f]+$/.test(a) && /^[0-9a-f]+$/.test(b) ? parseInt(a, 16) === parseInt(b, 16) : a === b;
      if (!same) {
        result = { cycle, column: col, rtl: a, model: b, rtlRow: row.values, modelRow: m };
        return;
      }
    }
  });
  const last = rows.length ? rows[rows.length - 1]!.cycle : 0;
  while (result === null && tb.sim.cycle <= last) tb.sim.step();
  off();
  return result;
}

/** A readable report of a divergence: the column, both values and both rows. */
export function describeDivergence(d: Divergence): string {
  const cols = Object.keys(d.modelRow);
  const line = (r: Record<string, string>): string => cols.map((c) => `${c}=${r[c] ?? '?'}`).join(' ');
  return `first divergence in cycle ${d.cycle}, column ${d.column}: RTL ${d.rtl}, model ${d.model}\n  RTL   ${line(d.rtlRow)}\n  model ${line(d.modelRow)}`;
}
