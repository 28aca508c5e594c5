// GTKWave save files (.gtkw): open the VCD with the traces arranged in named groups.
// Format and flag values: fact sheet hdl-dsl-anchors §3.3, GTKWave src/savefile.c (writer) and
// src/analyzer.h (enum TraceEntFlagBits), checked against files GTKWave 3.3.118 itself saved.
import { writeFileSync } from 'node:fs';
import { ensureDir } from './ensure_dir.ts';
import { dirname, resolve } from 'node:path';
import type { TraceSource } from './trace_source.ts';
import { gtkwaveName, resolveVcdOptions, selectVcdVars, type VcdVar } from './vcd_vars.ts';

// Trace flag bits (analyzer.h TraceEntFlagBits: HEX=1, BIN=3, RJUSTIFY=5, BLANK=9, COLLAPSED=12,
// CLOSED=22, GRP_BEGIN=23, GRP_END=24).
const TR_HEX = 1 << 1;
const TR_BIN = 1 << 3;
const TR_RJUSTIFY = 1 << 5;
const TR_BLANK = 1 << 9;
const TR_COLLAPSED = 1 << 12;
const TR_CLOSED = 1 << 22;
const TR_GRP_BEGIN = 1 << 23;
const TR_GRP_END = 1 << 24;

/** Hex for buses, binary for single bits: what GTKWave picks itself (analyzer.c AddNodeTraceReturn). */
const FLAGS_VECTOR = TR_HEX | TR_RJUSTIFY; // @22
const FLAGS_SCALAR = TR_BIN | TR_RJUSTIFY; // @28
// String variables render their text from the value history whatever the radix bits; GTKWave 3.3
// saves them with its single-bit default, so we do too (an ASCII bit would mean "bits as characters").
const FLAGS_STRING = TR_BIN | TR_RJUSTIFY; // @28
const FLAGS_GROUP_BEGIN = TR_GRP_BEGIN | TR_BLANK; // @800200
const FLAGS_GROUP_BEGIN_CLOSED = TR_GRP_BEGIN | TR_BLANK | TR_CLOSED; // @c00200
const FLAGS_GROUP_END = TR_GRP_END | TR_BLANK; // @1000200
const FLAGS_GROUP_END_CLOSED = TR_GRP_END | TR_BLANK | TR_CLOSED | TR_COLLAPSED; // @1401200

/** GTKWave's save format stores this many named markers after the primary one (3.3: WAVE_NUM_NAMED_MARKERS). */
const NAMED_MARKERS = 26;

export interface GtkwGroup {
  name: string;
  /** TraceSignal / TraceString paths, in display order. */
  signals: readonly string[];
  /** Collapse the group when the file opens (default: open). */
  closed?: boolean;
}

export interface GtkwOptions {
  vcdPath: string;
  groups: readonly GtkwGroup[];
  /** What the VCD declares: `vars` of the VcdWriter that wrote it, or else computed from `source`
   *  and the `strings`/`scopes` options the VCD was written with. */
  vars?: readonly VcdVar[];
  /** The design's signals: group entries must name one of them (else the entries must be in
   *  `vars`). Signals the VCD leaves out (scope filter, probes with strings off) are not shown. */
  source?: TraceSource;
  strings?: boolean;
  scopes?: string[];
  /** Time units per cycle, as given to openVcd (default 10). */
  period?: number;
  /** Cycles shown when the file opens (default: cycles 0..99). */
  view?: { from: number; to: number };
  /** Window size in pixels (default 1400 x 800). */
  size?: { width: number; height: number };
  /** Hierarchy nodes to expand in the signal tree (default: the scopes of the first group's first signal). */
  treeOpen?: readonly string[];
}

const SST_WIDTH = 240;
const SIGNALS_WIDTH = 280;

function quoteCheck(what: string, s: string): string {
  if (/[\r\n"]/.test(s)) throw new Error(`gtkw ${what} '${s}' must not contain quotes or line breaks`);
  return s;
}

/** Writes a GTKWave save file showing `groups` of the VCD at `vcdPath`. */
export function writeGtkw(path: string, opts: GtkwOptions): void {
  if (typeof opts.vcdPath !== 'string' || opts.vcdPath.length === 0) throw new Error(`gtkw '${path}': vcdPath must be a non-empty string`);
  let vars: readonly VcdVar[];
  if (opts.vars !== undefined) vars = opts.vars;
  else if (opts.source !== undefined) vars = selectVcdVars(opts.source, resolveVcdOptions({ strings: opts.strings, scopes: opts.scopes }));
  else throw new Error(`gtkw '${path}': needs vars (from the VCD writer) or a trace source to know signal widths`);
  // A name in a group must exist in the design; it is shown only if the VCD holds it.
  const known: ReadonlySet<string> =
    opts.source !== undefined
      ? new Set([...opts.source.signals.map((s) => s.path), ...(opts.source.strings ?? []).map((s) => s.path)])
      : new Set(vars.map((v) => v.path));
  const byPath = new Map(vars.map((v) => [v.path, v] as const));
  const period = opts.period ?? 10;
  if (!Number.isSafeInteger(period) || period <= 0) throw new Error(`gtkw '${path}': period must be a positive integer, got ${period}`);
  const view = opts.view ?? { from: 0, to: 99 };
  if (!Number.isSafeInteger(view.from) || !Number.isSafeInteger(view.to) || view.from < 0 || view.to < view.from) {
    throw new Error(`gtkw '${path}': view must be cycles 0 <= from <= to, got ${view.from}..${view.to}`);
  }
  const size = opts.size ?? { width: 1400, height: 800 };

  const body: string[] = [];
  let flags = -1;
  const setFlags = (f: number): void => {
    if (f !== flags) body.push(`@${f.toString(16)}`);
    flags = f;
  };
  let firstScope: readonly string[] | undefined;
  for (const g of opts.groups) {
    if (typeof g.name !== 'string' || g.name.length === 0 || /[\x00-\x1f]/.test(g.name)) {
      throw new Error(`gtkw '${path}': group name '${String(g.name)}' must be a non-empty single line`);
    }
    const lines: { v: VcdVar }[] = [];
    for (const s of g.signals) {
      if (!known.has(s)) throw new Error(`gtkw '${path}': group '${g.name}' names unknown signal '${s}'`);
      const v = byPath.get(s);
      if (v !== undefined) lines.push({ v });
    }
    if (lines.length === 0) continue;
    firstScope ??= lines[0].v.scope;
    setFlags(g.closed ? FLAGS_GROUP_BEGIN_CLOSED : FLAGS_GROUP_BEGIN);
    body.push(`-${g.name}`);
    for (const { v } of lines) {
      setFlags(v.type === 'string' ? FLAGS_STRING : v.width > 1 ? FLAGS_VECTOR : FLAGS_SCALAR);
      body.push(gtkwaveName(v));
    }
    setFlags(g.closed ? FLAGS_GROUP_END_CLOSED : FLAGS_GROUP_END);
    body.push(`-${g.name}`);
  }

  const treeOpen = opts.treeOpen ?? (firstScope ?? []).map((_, i, a) => a.slice(0, i + 1).join('.'));
  // GTKWave's "zoom best fit": zoom = -log2((span + 1) / waveWidth * 200) (zoombuttons.c), zoombase 2.
  const waveWidth = Math.max(100, size.width - SST_WIDTH - SIGNALS_WIDTH - 48);
  const span = (view.to - view.from + 1) * period;
  const zoom = Math.min(0, -Math.log2(((span + 1) / waveWidth) * 200));
  const head = [
    '[*]',
    '[*] pulpsim GTKWave save file',
    '[*]',
    `[dumpfile] "${quoteCheck('dump file path', resolve(opts.vcdPath))}"`,
    `[savefile] "${quoteCheck('save file path', resolve(path))}"`,
    `[timestart] ${view.from * period}`,
    `[size] ${size.width} ${size.height}`,
    '[pos] -1 -1',
    `*${zoom.toFixed(6)} -1${' -1'.repeat(NAMED_MARKERS)}`,
    ...treeOpen.map((t) => `[treeopen] ${t.endsWith('.') ? t : `${t}.`}`),
    `[sst_width] ${SST_WIDTH}`,
    `[signals_width] ${SIGNALS_WIDTH}`,
    '[sst_expanded] 1',
    '[sst_vpaned_height] 240',
  ];
  try {
    ensureDir(dirname(resolve(path)));
    writeFileSync(path, [...head, ...body, ''].join('\n'));
  } catch (e) {
    throw new Error(`cannot write GTKWave save file '${path}': ${(e as Error).message}`);
  }
}
