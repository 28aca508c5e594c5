// The real `pulpsim` process for the CLI's tests: bin/pulpsim.mjs (or another launcher) in a child process of
// its own, from the repository's root, run concurrently with others.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/pulpsim.mjs');

export interface CliOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin` (default bin/pulpsim.mjs) with `args`, `env` added to this process's environment. */
export function runCli(args: string[], opts: { bin?: string; env?: Record<string, string> } = {}): Promise<CliOutput> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [opts.bin ?? BIN, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}
