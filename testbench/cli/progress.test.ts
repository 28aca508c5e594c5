import { describe, expect, it } from 'vitest';
import { Progress, type ProgressStream, runWithProgress } from './progress.ts';

function fake(isTTY: boolean): ProgressStream & { out: string } {
  const s = { isTTY, columns: 80, out: '', write: (x: string) => (s.out += x) };
  return s;
}

describe('Progress', () => {
  it('stays silent during the first second and on a non-terminal', () => {
    let t = 0;
    const tty = fake(true);
    const p = new Progress({ total: 10, stream: tty, now: () => t });
    t = 999;
    p.tick();
    expect(tty.out).toBe('');
    const pipe = fake(false);
    const q = new Progress({ total: 10, stream: pipe, now: () => t });
    t = 5000;
    q.tick(5);
    q.finish();
    expect(pipe.out).toBe('');
  });

  it('draws count, percentage and remaining time, at most every 100 ms, and erases itself', () => {
    let t = 0;
    const s = fake(true);
    const p = new Progress({ total: 8, stream: s, label: 'sweep', now: () => t });
    t = 2000;
    p.update(2, 'job a');
    // 2 of 8 done in 2 s: 6 left at 1 s each.
    expect(s.out).toBe(`\rsweep [${'#'.repeat(8)}${'-'.repeat(22)}] 2/8  25% eta 0:06 job a\x1b[K`);
    const before = s.out.length;
    t = 2050;
    p.update(3);
    expect(s.out.length).toBe(before);
    t = 2200;
    p.update(3);
    expect(s.out.length).toBeGreaterThan(before);
    p.finish();
    expect(s.out.endsWith('\r\x1b[K')).toBe(true);
  });

  it('never writes past the terminal width', () => {
    const s = fake(true);
    s.columns = 50;
    const p = new Progress({ total: 3, stream: s, now: () => 0 });
    p.update(1, 'x'.repeat(100));
    expect(p.render(5000).length).toBeLessThanOrEqual(49);
  });
});

describe('runWithProgress', () => {
  /** A stand-in run: ends at cycle `end` (or never), stops at `limit` like the testbenches. */
  const fake = (end: number) => {
    let cycle = 0;
    const limits: number[] = [];
    return {
      limits,
      run(limit: number): string {
        limits.push(limit);
        cycle = Math.min(limit, end);
        return cycle === end ? `ended at ${end}` : `limit ${limit}`;
      },
      get cycle() {
        return cycle;
      },
      ended: (r: string) => r.startsWith('ended'),
    };
  };

  it('runs in chunks up to the end of the program and returns its result', () => {
    const r = fake(250);
    expect(runWithProgress(r, { maxCycles: 1000, chunk: 100, stream: { isTTY: false, write: () => true } })).toBe('ended at 250');
    expect(r.limits).toEqual([100, 200, 300]);
  });

  it('stops at the limit, the last chunk cut to it', () => {
    const r = fake(Infinity);
    expect(runWithProgress(r, { maxCycles: 250, chunk: 100, stream: { isTTY: false, write: () => true } })).toBe('limit 250');
    expect(r.limits).toEqual([100, 200, 250]);
  });

  it('draws on a terminal after the delay and erases the bar at the end', () => {
    let t = 0;
    const writes: string[] = [];
    const r = fake(300);
    const run = r.run.bind(r);
    r.run = (limit: number) => {
      t += 600; // each chunk takes 0.6 s
      return run(limit);
    };
    runWithProgress(r, { maxCycles: 400, chunk: 100, now: () => t, stream: { isTTY: true, columns: 80, write: (s) => writes.push(s) } });
    // chunk 2 ends at 1.2 s (past the 1 s delay): 200 cycles in 1.2 s
    expect(writes).toContain('\rsimulating 200 cycles (limit 400) 167 cycles/s 0:01\x1b[K');
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });
});
