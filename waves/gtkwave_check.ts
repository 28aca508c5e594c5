// Manual check that GTKWave accepts our dumps: `npx tsx waves/gtkwave_check.ts [outdir]`.
// Writes a small cluster-like VCD (strings on and off) with a .gtkw, then, if gtkwave and xvfb-run
// are installed, loads each pair in GTKWave with a Tcl script that reads values back at a few
// times, and prints GTKWave's stderr (which should hold no warnings) and any mismatch.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeGtkw } from './gtkw.ts';
import type { TraceSignal, TraceSource } from './trace_source.ts';
import { openVcd } from './vcd.ts';

const out = resolve(process.argv[2] ?? '/tmp/pulpsim-gtkwave');
const FSM = ['RESET', 'BOOT_SET', 'FIRST_FETCH', 'DECODE', 'ELW_EXE', 'WAIT_SLEEP'];
const signals: TraceSignal[] = [];
const add = (path: string, width: number, extra: Partial<TraceSignal> = {}): number => {
  signals.push({ path, width, kind: 'reg', slot: signals.length, ...extra });
  return signals.length - 1;
};
const cores = [0, 1].map((k) => ({
  pc: add(`top.cluster.core${k}.if_stage.pc_if`, 32),
  valid: add(`top.cluster.core${k}.if_stage.instr_valid_id`, 1, { kind: 'wire' }),
  fsm: add(`top.cluster.core${k}.controller.ctrl_fsm_cs`, 3, { enumNames: FSM }),
  alu: add(`top.cluster.core${k}.ex_stage.alu_result`, 32, { kind: 'wire' }),
}));
const evt = add('top.cluster.event_unit.event_mask', 8);
const values = new Uint32Array(signals.length);
const texts = ['', ''];
const source: TraceSource = {
  signals,
  values,
  strings: [0, 1].map((k) => ({ path: `top.cluster.core${k}.id_stage.instr`, get: () => texts[k] })),
};
const step = (c: number): void => {
  cores.forEach((r, k) => {
    values[r.pc] = 0x1c008080 + 4 * ((c + k) >> 1);
    values[r.valid] = (c + k) & 1;
    values[r.fsm] = Math.min(5, c >> 2);
    values[r.alu] = Math.imul(c, 0x9e3779b1) >>> 0;
    texts[k] = `addi a${k}, a${k}, ${c >> 1}`;
  });
  values[evt] = (1 << (c % 8)) >>> 0;
};
const groups = [0, 1].flatMap((k) => [
  { name: `core${k} fetch`, signals: [`top.cluster.core${k}.if_stage.pc_if`, `top.cluster.core${k}.if_stage.instr_valid_id`, `top.cluster.core${k}.id_stage.instr`] },
  { name: `core${k} control`, signals: [`top.cluster.core${k}.controller.ctrl_fsm_cs`, `top.cluster.core${k}.ex_stage.alu_result`] },
]).concat([{ name: 'event unit', signals: ['top.cluster.event_unit.event_mask'] }]);

const cycles = 40;
for (const strings of [true, false]) {
  const base = join(out, strings ? 'demo' : 'demo_strict');
  const w = openVcd(`${base}.vcd`, source, { strings });
  for (let c = 0; c < cycles; c++) {
    step(c);
    w.sample(c);
  }
  w.close();
  writeGtkw(`${base}.gtkw`, { vcdPath: w.path, vars: w.vars, source, groups, view: { from: 0, to: cycles - 1 } });
  // GTKWave reads back three values at cycle 13 (time 130): FSM, pc, instruction text.
  const tcl = `${base}.tcl`;
  const fsmName = strings ? 'top.cluster.core0.controller.ctrl_fsm_cs' : 'top.cluster.core0.controller.ctrl_fsm_cs[2:0]';
  writeFileSync(tcl, [
    `puts "TRACES [gtkwave::getTotalNumTraces]"`,
    'gtkwave::setMarker 135',
    `puts "FSM [gtkwave::getTraceValueAtMarkerFromName {${fsmName}}]"`,
    `puts "PC [gtkwave::getTraceValueAtMarkerFromName {top.cluster.core0.if_stage.pc_if[31:0]}]"`,
    ...(strings ? [`puts "INSTR [gtkwave::getTraceValueAtMarkerFromName top.cluster.core0.id_stage.instr]"`] : []),
    'gtkwave::/File/Quit',
    '',
  ].join('\n'));
  const want = { FSM: strings ? FSM[3] : '3', PC: (0x1c008080 + 4 * 6).toString(16), INSTR: 'addi_a0,_a0,_6' };
  console.log(`== ${base}.vcd + .gtkw (strings ${strings ? 'on' : 'off'}); expect at #135: ${JSON.stringify(want)}`);
  if (spawnSync('which', ['gtkwave']).status !== 0) {
    console.log('gtkwave not installed; skipped');
    continue;
  }
  const r = spawnSync('xvfb-run', ['-a', 'gtkwave', '-S', tcl, `${base}.gtkw`], { encoding: 'utf8', timeout: 60_000 });
  console.log(`exit ${r.status}\n-- stdout --\n${r.stdout}-- stderr --\n${r.stderr}`);
  for (const [k, v] of Object.entries(want)) {
    const got = new RegExp(`^${k} (.*)$`, 'm').exec(r.stdout)?.[1];
    if (got === undefined && k === 'INSTR' && !strings) continue;
    console.log(`${k}: ${got?.toLowerCase() === v.toLowerCase() ? 'OK' : `MISMATCH (GTKWave shows ${got})`}`);
  }
}
execFileSync('ls', ['-l', out], { stdio: 'inherit' });
