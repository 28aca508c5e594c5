// `pulpsim report`: a loop calling a helper with a divide, on the single-core system; the costs come from the fact
// sheet (ri5cy-isa-timing §1.3: div by 7 holds EX S + 3 = 32 cycles, S = 29; a taken branch 2 penalty cycles).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { checkXml } from '../report/svg_xml_check.ts';
import { reportCli } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SRC = `.text
.globl _start
trap: j trap
.org 0x80
_start:
  la a0, data
  li s0, 10
.Lloop:
  lw a1, 0(a0)
  addi a2, a1, 1
  call helper
  addi s0, s0, -1
  bnez s0, .Lloop
  li t6, 1
  la t5, tohost
  sw t6, 0(t5)
1: j 1b
.globl helper
helper:
  li a1, 100
  li a2, 7
  div a3, a1, a2
  ret
.balign 64
.globl tohost
tohost: .word 0
data: .word 5
`;

function elfFile(): string {
  const cfg = preset('ri5cy');
  const { object } = assemble(SRC, 'loop.S', { flavour: cfg.core.flavour, rvc: false });
  const path = join(dir, 'loop.elf');
  writeFileSync(path, linkedElf(link([object], { textBase: 0, memory: cfg.memory })));
  return path;
}

describe('pulpsim report', () => {
  it('attributes the divider stalls to the helper and the loop branch costs to _start', () => {
    const elf = elfFile();
    const html = join(dir, 'r.html');
    const vcd = join(dir, 'r.vcd');
    const out = reportCli(readElf(readFileSync(elf), elf), { config: preset('ri5cy'), configName: 'ri5cy', maxCycles: 10_000, html, vcd: { path: vcd, options: {} } });
    expect(out.code).toBe(0);
    const fn = (n: string) => out.report.functions.find((f) => f.name === n)!;
    expect(fn('helper').classes.div).toBe(10 * 31);
    expect(fn('helper').instructions).toBe(10 * 4); // li, li, div, ret
    expect(fn('_start').branches).toEqual({ taken: 9, notTaken: 1, penalty: 18 });
    expect(fn('_start').classes.load_use).toBe(10); // lw a1 -> addi a2, a1
    expect(out.stdout).toMatch(/^helper\s+[\d,]+\s+40\s/m);
    expect(checkXml(readFileSync(html, 'utf8').replace(/^<!DOCTYPE html>\n/, '')).root).toBe('html');
    const gtkw = readFileSync(join(dir, 'r.gtkw'), 'utf8');
    expect(gtkw).toContain('-core monitor\n');
    expect(gtkw).toContain('top.core.monitor.stall');
    expect(readFileSync(vcd, 'utf8')).toMatch(/\$var string 1 \S+ function \$end/);
  });

  it('prints JSON and fails with exit code 1 when the program does not end', () => {
    const elf = elfFile();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', 'report', elf, '--json', '--max-cycles', '100'], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: cycle limit of 100/);
    const j = JSON.parse(r.stdout) as { cycles: number; cores: unknown[] };
    expect(j.cycles).toBe(100);
    expect(j.cores).toHaveLength(1);
  });
});
