// `pulpsim start` (`npm start`): runs the demo design (rtl/demo) and writes its waves, so a new user sees
// the engine and GTKWave view working in one command.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DemoTop } from '../../rtl/demo/demo_top.ts';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { openVcd } from '../../waves/vcd.ts';

export interface DemoOptions {
  cycles: number;
  backend: BackendKind;
  outDir: string;
}

export interface DemoSummary {
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  vcdPath: string;
  gtkwPath: string;
  vcdBytes: number;
  results: number;
}

/** Runs the demo with `run` high except for a pause in the middle, tracing every signal. */
export function runDemo(o: DemoOptions): DemoSummary {
  const top = new DemoTop();
  const sim = new Simulator(top, { backend: o.backend, name: 'top' });
  const vcdPath = resolve(o.outDir, 'demo.vcd');
  const gtkwPath = resolve(o.outDir, 'demo.gtkw');
  const vcd = openVcd(vcdPath, sim.traceSource());
  sim.attachTracer(vcd);
  let results = 0;
  sim.onSettled(() => {
    if (top.result_valid.v && top.mac.hold.v === 3) results++;
  });
  const t0 = performance.now();
  const pauseFrom = Math.floor(o.cycles / 2);
  const pauseTo = pauseFrom + Math.min(200, Math.floor(o.cycles / 10));
  try {
    sim.poke(top.run, 1);
    sim.run(pauseFrom);
    sim.poke(top.run, 0);
    sim.run(pauseTo - pauseFrom);
    sim.poke(top.run, 1);
    sim.run(o.cycles - pauseTo);
  } finally {
    vcd.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  writeGtkw(gtkwPath, {
    vcdPath,
    vars: vcd.vars,
    groups: [
      { name: 'source', signals: ['top.run', 'top.src.state', 'top.src.out_valid', 'top.src.out_ready', 'top.src.out_data'] },
      { name: 'fifo', signals: ['top.fifo.level', 'top.fifo.head', 'top.fifo.tail', 'top.fifo.push', 'top.fifo.pop', 'top.fifo.out_data'] },
      {
        name: 'mac',
        signals: ['top.status', 'top.mac.state', 'top.mac.taken', 'top.mac.take', 'top.mac.prod_valid', 'top.mac.prod', 'top.mac.acc', 'top.mac.result', 'top.mac.result_valid'],
      },
      { name: 'gated counters', signals: ['top.bank_en', 'top.bank.a.count', 'top.bank.b.count', 'top.cycles.count'], closed: true },
    ],
    view: { from: 0, to: 120 },
  });
  return {
    cycles: o.cycles,
    seconds,
    cyclesPerSecond: o.cycles / seconds,
    vcdPath,
    gtkwPath,
    vcdBytes: vcd.bytesWritten,
    results,
  };
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the demo design (LFSR -> FIFO -> pipelined MAC, gated counters) and write waves/out/demo.vcd + demo.gtkw')
    .addOption(new Option('--cycles <n>', 'cycles to simulate').default(5000).argParser(positiveInt('--cycles')))
    .addOption(new Option('--backend <kind>', 'engine back-end').choices(['codegen', 'interp']).default('codegen'))
    .addOption(new Option('--out <dir>', 'output directory').default('waves/out'))
    .action((opts: { cycles: number; backend: BackendKind; out: string }) => {
      const s = runDemo({ cycles: opts.cycles, backend: opts.backend, outDir: opts.out });
      const lines = [
        `demo: ${s.cycles} cycles in ${s.seconds.toFixed(3)} s (${Math.round(s.cyclesPerSecond).toLocaleString('en-US')} cycles/s, ${opts.backend}, VCD on), ${s.results} MAC results`,
        `wrote ${s.vcdPath} (${(s.vcdBytes / 1024).toFixed(0)} KiB)`,
        `wrote ${s.gtkwPath}  (open with: gtkwave ${s.gtkwPath})`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
