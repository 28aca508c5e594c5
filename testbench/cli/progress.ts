// A progress bar on stderr for long runs: it appears only once a run has lasted a second (short runs print
// nothing), only on a terminal (a log file or pipe gets no control characters), and redraws at most 10 times a
// second so that it costs nothing next to the simulation.

/** The part of a tty stream the bar uses (process.stderr, or a stand-in in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Show the bar only after this long (default 1000 ms). */
  delayMs?: number;
  /** Minimum time between redraws (default 100 ms). */
  intervalMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /**
   * Open-ended work (a simulation that ends when the program does, long before its cycle limit): show the count,
   * the rate and the elapsed time instead of a bar against `total`, which then is only the limit.
   */
  open?: { unit: string };
}

const fmtTime = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  const m = Math.floor(t / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(t % 60).padStart(2, '0')}`;
};

export class Progress {
  readonly total: number;
  private done = 0;
  private note = '';
  private readonly start: number;
  private lastDraw = -Infinity;
  private shown = false;
  private readonly stream: ProgressStream;
  private readonly enabled: boolean;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly label: string;
  private readonly open: { unit: string } | undefined;

  constructor(o: ProgressOptions) {
    this.open = o.open;
    this.total = Math.max(0, o.total);
    this.stream = o.stream ?? process.stderr;
    this.enabled = this.stream.isTTY === true;
    this.now = o.now ?? (() => performance.now());
    this.start = this.now();
    this.delayMs = o.delayMs ?? 1000;
    this.intervalMs = o.intervalMs ?? 100;
    this.label = o.label ?? '';
  }

  /** Sets the count of finished units (and an optional note, e.g. the last configuration). */
  update(done: number, note?: string): void {
    this.done = Math.min(this.total, Math.max(0, done));
    if (note !== undefined) this.note = note;
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.start < this.delayMs || t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.draw(t);
  }

  tick(n = 1, note?: string): void {
    this.update(this.done + n, note);
  }

  /** Erases the bar (the caller prints its results on a clean line). */
  finish(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  /** The bar's text at time `t` (ms): label, bar, count, percentage, elapsed or remaining time, note. */
  render(t = this.now()): string {
    const width = Math.max(40, (this.stream.columns ?? 80) - 1);
    const frac = this.total > 0 ? this.done / this.total : 0;
    const elapsed = (t - this.start) / 1000;
    if (this.open) {
      const n = (v: number): string => Math.round(v).toLocaleString('en-US');
      const rate = elapsed > 0 ? ` ${n(this.done / elapsed)} ${this.open.unit}/s` : '';
      const line = `${this.label ? `${this.label} ` : ''}${n(this.done)} ${this.open.unit} (limit ${n(this.total)})${rate} ${fmtTime(elapsed)}${this.note ? ` ${this.note}` : ''}`;
      return line.length > width ? line.slice(0, width - 1) + '…' : line;
    }
    const eta = this.done > 0 && this.done < this.total ? `eta ${fmtTime((elapsed * (this.total - this.done)) / this.done)}` : fmtTime(elapsed);
    const count = `${this.done}/${this.total} ${String(Math.floor(frac * 100)).padStart(3)}% ${eta}`;
    const head = this.label ? `${this.label} ` : '';
    const barWidth = Math.max(10, Math.min(30, width - head.length - count.length - 4));
    const filled = Math.round(frac * barWidth);
    let line = `${head}[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${count}`;
    if (this.note) line += ` ${this.note}`;
    return line.length > width ? line.slice(0, width - 1) + '…' : line;
  }

  private draw(t: number): void {
    this.stream.write(`\r${this.render(t)}\x1b[K`);
    this.shown = true;
  }
}

/** A run that can be resumed: `run(limit)` simulates until the program ends or `limit` cycles in total. */
export interface ResumableRun<R> {
  run(limit: number): R;
  /** Cycles simulated so far. */
  readonly cycle: number;
  /** True once the result is final (the program ended or failed), false when it only reached `limit`. */
  ended(result: R): boolean;
}

export interface ChunkedRunOptions {
  maxCycles: number;
  label?: string;
  /** Cycles per call of `run` (default 20000: a few tenths of a second on the cluster, so the bar moves). */
  chunk?: number;
  stream?: ProgressStream;
  now?: () => number;
  delayMs?: number;
}

/**
 * Runs to the end or `maxCycles` in chunks, showing on a terminal the cycles simulated, the rate and the time.
 * The testbenches' `run(limit)` count the limit from cycle 0 and stop at the same cycle whether called once or
 * in pieces, so the result is the one a single `run(maxCycles)` gives.
 */
export function runWithProgress<R>(r: ResumableRun<R>, o: ChunkedRunOptions): R {
  const chunk = Math.max(1, o.chunk ?? 20_000);
  const bar = new Progress({
    total: o.maxCycles,
    label: o.label ?? 'simulating',
    open: { unit: 'cycles' },
    ...(o.stream ? { stream: o.stream } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.delayMs !== undefined ? { delayMs: o.delayMs } : {}),
  });
  try {
    for (;;) {
      const before = r.cycle;
      const limit = Math.min(o.maxCycles, before + chunk);
      const result = r.run(limit);
      bar.update(r.cycle);
      // a run that made no progress would make none in the next chunk either
      if (r.ended(result) || limit >= o.maxCycles || r.cycle === before) return result;
    }
  } finally {
    bar.finish();
  }
}
