// The worker pool runs jobs in worker threads (which load the TypeScript sources themselves) and returns the same
// measurement as a run in this thread.
import { describe, expect, it } from 'vitest';
import type { PaperJob } from './paper_jobs.ts';
import { runJobs } from './worker_pool.ts';

describe('runJobs', () => {
  it('a worker thread and this thread measure the same cycles', async () => {
    const jobs: PaperJob[] = [{ bits: { inBits: 8, wBits: 8, outBits: 2 }, cores: 1, layer: 'small' }];
    const seen: string[] = [];
    const threaded = await runJobs(jobs, { workers: 1, onDone: (m, done, total) => seen.push(`${m.kernel} ${done}/${total}`) });
    const local = await runJobs(jobs, { workers: 0 });
    expect(threaded[0]!.kernel).toBe('conv_u8_u2_i8');
    expect(threaded[0]!.bitExact).toBe(true);
    expect(threaded[0]!.cycles).toBe(local[0]!.cycles);
    expect(seen).toEqual(['conv_u8_u2_i8 1/1']);
  }, 120_000);
});
