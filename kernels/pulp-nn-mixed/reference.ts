/**
 * All 27 kernels on the CF'20 reference layer (32x16x16 in, 64 out, 3x3, pad 1, stride 1): bit-exactness against
 * the golden model and instruction counts on the single-core ISS by phase, optionally also on N cores of the
 * cluster ISS. The test suite runs a representative subset of this (reference.test.ts); this script runs all.
 *
 *   npx tsx kernels/pulp-nn-mixed/reference.ts [--flavour xpulpv2|corev] [--cores N] [--json]
 */
import { Command } from 'commander';
import { generateLayer, referenceLayerShape } from '../golden/generate.ts';
import { compareOnCluster } from './cluster_harness.ts';
import type { Flavour } from './flavour.ts';
import { PRECISION_TRIPLES } from './generate.ts';
import { compareOutputs, describeMismatch } from './harness.ts';
import { profileLayer } from './profile.ts';

export interface ReferenceRow {
  kernel: string;
  bitExact: boolean;
  instret: number;
  macsPerInstr: number;
  im2col: number;
  inner: number;
  qntpack: number;
  other: number;
  qntpackPerOutput: number;
  clusterMaxInstret?: number;
  clusterBitExact?: boolean;
}

export function referenceRows(flavour: Flavour, cores: number, seed = 2020): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const t of PRECISION_TRIPLES) {
    const layer = generateLayer({ ...t, ...referenceLayerShape(), seed });
    const p = profileLayer(layer, flavour);
    const cmp = compareOutputs(layer, p.run.output);
    if (cmp.mismatches > 0) process.stderr.write(`${p.kernel}: ${describeMismatch(cmp)}\n`);
    const row: ReferenceRow = {
      kernel: p.kernel,
      bitExact: cmp.mismatches === 0,
      instret: p.instret,
      macsPerInstr: p.macs / p.instret,
      ...p.phases,
      qntpackPerOutput: p.phases.qntpack / p.outputs,
    };
    if (cores > 1) {
      const c = compareOnCluster(layer, { flavour, cores });
      row.clusterMaxInstret = Math.max(...c.run.instret);
      row.clusterBitExact = c.mismatches === 0;
    }
    rows.push(row);
  }
  return rows;
}

function main(argv: string[]): void {
  const cmd = new Command('reference')
    .option('--flavour <flavour>', 'xpulpv2 or corev', 'xpulpv2')
    .option('--cores <n>', 'also run on N cores of the cluster ISS', '1')
    .option('--json', 'print JSON')
    .parse(argv);
  const o = cmd.opts<{ flavour: string; cores: string; json?: boolean }>();
  if (o.flavour !== 'xpulpv2' && o.flavour !== 'corev') throw new Error(`--flavour: expected xpulpv2 or corev, got ${o.flavour}`);
  const cores = Number(o.cores);
  if (!Number.isInteger(cores) || cores < 1 || cores > 16) throw new Error(`--cores: expected an integer 1..16, got ${o.cores}`);
  const rows = referenceRows(o.flavour, cores);
  if (o.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  const head = ['kernel', 'exact', 'instret', 'MAC/instr', 'im2col', 'inner', 'qntpack', 'other', 'qnt/out'];
  if (cores > 1) head.push(`max@${cores}`, 'speed-up', 'exact');
  const lines = [head.join('\t')];
  for (const r of rows) {
    const cells = [r.kernel, r.bitExact ? 'yes' : 'NO', r.instret, r.macsPerInstr.toFixed(3), r.im2col, r.inner, r.qntpack, r.other, r.qntpackPerOutput.toFixed(2)];
    if (cores > 1) cells.push(r.clusterMaxInstret!, (r.instret / r.clusterMaxInstret!).toFixed(2), r.clusterBitExact ? 'yes' : 'NO');
    lines.push(cells.join('\t'));
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (rows.some((r) => !r.bitExact || r.clusterBitExact === false)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main(process.argv);
