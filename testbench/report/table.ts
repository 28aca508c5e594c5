// The run report as terminal tables: the kernel's headline, per phase (all cores), per core, and the functions
// that took the most cycles. Stall columns appear only for classes that occurred; a legend names them.
import { CLASS_LABELS, type CycleClass } from '../monitors/cycle_class.ts';
import { type ReportRow, type RunReport, usedStallClasses } from './report.ts';

const SHORT: { readonly [K in CycleClass]: string } = {
  instr: 'instr',
  load_use: 'ld-use',
  jalr: 'jalr',
  mulh: 'mulh',
  div: 'div',
  data_gnt: 'gnt',
  wb_rvalid: 'rvalid',
  misaligned: 'misal',
  fetch: 'fetch',
  branch: 'br-pen',
  jump: 'jump',
  csr_flush: 'flush',
  elw: 'elw',
  sleep: 'sleep',
};

/** Renders rows of cells with right-aligned numbers and a left-aligned first column. */
export function formatTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const all = [header, ...body];
  const w = header.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n') + '\n';
}

const n = (v: number): string => v.toLocaleString('en-US');

function rowCells(r: ReportRow, stalls: readonly CycleClass[]): string[] {
  return [
    r.name,
    n(r.cycles),
    n(r.instructions),
    r.ipc.toFixed(2),
    ...stalls.map((c) => (r.classes[c] === 0 ? '.' : n(r.classes[c]))),
    `${n(r.branches.taken)}/${n(r.branches.notTaken)}`,
    n(r.tcdmContention),
    n(r.icacheMisses),
  ];
}

function header(first: string, stalls: readonly CycleClass[]): string[] {
  return [first, 'cycles', 'instr', 'IPC', ...stalls.map((c) => SHORT[c]), 'br T/NT', 'tcdm', 'I$miss'];
}

export interface TableOptions {
  /** Functions listed (by cycles, all cores summed); default 12. */
  topFunctions?: number;
}

export function renderReportTable(r: RunReport, o: TableOptions = {}): string {
  const out: string[] = [];
  out.push(`${r.title}\n${r.system}: ${n(r.cycles)} cycles simulated\n`);
  const k = r.kernel;
  if (k) {
    const l = k.layer;
    out.push(
      `kernel ${k.name}: ${l.cin}x${l.h}x${l.w} in, ${l.cout} out, ${l.kh}x${l.kw}, stride ${l.stride}, pad ${l.padding}` +
        `${k.reduced ? " (REDUCED: the paper's reference layer is 32x16x16 -> 64x16x16)" : " (the paper's reference layer)"}\n` +
        `  golden model: ${k.golden.mismatches === 0 ? `all ${n(k.golden.outputs)} outputs match` : `${n(k.golden.mismatches)} of ${n(k.golden.outputs)} outputs DIFFER`}\n` +
        `  ${n(k.macs)} MACs in ${n(k.cycles)} cycles on ${k.cores} cores: ${k.macsPerCycle.toFixed(2)} MACs/cycle` +
        ` (paper: ${k.paper.macsPerCycle.toFixed(2)}, ${k.paper.macsPerCycleSource})\n` +
        `  QntPack: ${k.qntpackCyclesPerOutput.toFixed(2)} cycles per output (paper: ${k.paper.qntpackCyclesPerOutput}, ${k.paper.qntpackSource})\n`,
    );
  }
  const phases = r.phases.filter((p) => p.cycles > 0);
  const coreRows = r.cores.map((c) => c.total);
  const fns = r.functions.slice(0, o.topFunctions ?? 12);
  const stalls = usedStallClasses([...phases, ...coreRows, ...fns]);
  out.push('cycles by kernel phase (all cores):\n' + formatTable(header('phase', stalls), phases.map((p) => rowCells(p, stalls))));
  out.push('cycles by core:\n' + formatTable(header('core', stalls), coreRows.map((p) => rowCells(p, stalls))));
  out.push(`cycles by function (all cores, top ${fns.length} of ${r.functions.length}):\n` + formatTable(header('function', stalls), fns.map((p) => rowCells(p, stalls))));
  out.push(
    'columns: ' +
      stalls.map((c) => `${SHORT[c]} = ${CLASS_LABELS[c]}`).join('; ') +
      '; br T/NT = branches taken/not taken (br-pen: the cycles taken ones cost); tcdm = cycles a TCDM request waited for its grant; I$miss = misses in the shared I$\n',
  );
  for (const note of r.notes) out.push(`note: ${note}\n`);
  return out.join('\n');
}
