// `pulpsim disasm` against the reference listings of GNU objdump (binutils 2.40) and llvm-objdump-19, produced by
// kernels/toolchain/fixtures/rebuild.sh into kernels/toolchain/fixtures/objdump/.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { chooseFlavour, disasmListing } from './disasm.ts';
import { buildCli } from './main.ts';

const FIX = 'kernels/toolchain/fixtures';
const load = (path: string) => readElf(readFileSync(path), path);
const reference = (name: string): string[] => readFileSync(`${FIX}/objdump/${name}`, 'utf8').split('\n');

/** The listing from the first "Disassembly of section" on, without trailing blank lines. */
function body(lines: string[]): string[] {
  const from = lines.findIndex((l) => l.startsWith('Disassembly of section'));
  const out = lines.slice(from);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

describe('pulpsim disasm listing = GNU objdump -d', () => {
  for (const prog of ['sum', 'call', 'data_bss', 'string', 'asm_loop']) {
    it(`${prog}.gcc.elf, line for line`, () => {
      const mine = body(disasmListing(load(`${FIX}/${prog}.gcc.elf`)).split('\n'));
      expect(mine).toEqual(body(reference(`${prog}.gcc.objdump`)));
    });
  }

  it('a few lines of sum.gcc.elf in objdump spelling (labels, raw halfwords, targets, lui/auipc addresses)', () => {
    const text = disasmListing(load(`${FIX}/sum.gcc.elf`));
    for (const line of [
      '00000080 <_start>:',
      '  84:\tf8010113          \tadd\tsp,sp,-128 # 80100000 <__stack_top>',
      '  98:\t0062f663          \tbgeu\tt0,t1,a4 <_start+0x24>',
      '  a0:\t0291                \tadd\tt0,t0,4',
      '  a4:\t2091                \tjal\te8 <main>',
      '  ec:\t0087a503          \tlw\ta0,8(a5) # 80000008 <source>',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it('timing vector ri5cy/jal.elf: zero runs as "...", data words between mapping symbols', () => {
    const mine = body(disasmListing(load('testbench/fixtures/timing/ri5cy/jal.elf')).split('\n'));
    expect(mine).toEqual(body(reference('timing_ri5cy_jal.objdump')));
    expect(mine).toContain('\t...');
    expect(mine).toContain(' 180:\t00000000          \t.word\t0x00000000');
  });

  it('timing vector cluster psum8.elf: the same, except XpulpV2 words that objdump can only show as .word', () => {
    const mine = body(disasmListing(load('testbench/fixtures/timing/cluster/system/psum8.elf')).split('\n'));
    const ref = body(reference('timing_cluster_psum8.objdump'));
    expect(mine.length).toBe(ref.length);
    const differing = mine.flatMap((l, i) => (l === ref[i] ? [] : [[l, ref[i]!]]));
    expect(differing.length).toBe(10);
    for (const [m, r] of differing) {
      expect(r).toMatch(/^[0-9a-f]+:\t[0-9a-f]{8}          \t\.word\t0x[0-9a-f]{8}$/);
      expect(m.slice(0, 29)).toBe(r!.slice(0, 29)); // same address and raw word
      expect(m).toMatch(/\t(p|pv|lp)\.[a-z.]+\t/);
    }
    // psum8.S: `lp.setupi 0, 128, 1f` with `1:` two instructions on; `p.sw_pi a2, 4, t0` = p.sw a2,4(t0!) (ri5cy README);
    // the barrier's p.elw t6, 28(t6) (EU TRIGGER_WAIT_CLEAR at BAR0 + 0x1c).
    expect(mine).toContain('1c000110:\t0802507b          \tlp.setupi\t0,128,1c000118 <_xp_h6+0x8>');
    expect(mine).toContain('1c000114:\t00c2a22b          \tp.sw\ta2,4(t0!)');
    expect(mine).toContain('1c0000f0:\t01cfef83          \tp.elw\tt6,28(t6)');
  });
});

describe('pulpsim disasm listing = llvm-objdump-19 for the CORE-V (clang) fixtures', () => {
  /** [address, text] of every instruction line and every label line. */
  const parse = (lines: string[]): string[][] =>
    lines.flatMap((l) => {
      const label = /^([0-9a-f]{8}) <(.*)>:$/.exec(l);
      if (label) return [[label[1]!, `<${label[2]}>`]];
      const ins = /^\s*([0-9a-f]+):\s[^\t]*\t(.*)$/.exec(l);
      return ins ? [[ins[1]!.padStart(8, '0'), ins[2]!.trimEnd()]] : [];
    });

  for (const prog of ['sum', 'call', 'data_bss', 'string', 'asm_loop', 'dotp_corev']) {
    it(`${prog}.clang.elf: same instructions, operands and targets`, () => {
      const text = disasmListing(load(`${FIX}/${prog}.clang.elf`));
      const ref = parse(reference(`${prog}.clang.llvm-objdump`));
      // Drop our raw-word column to compare with --no-show-raw-insn.
      const mine = parse(text.split('\n').map((l) => l.replace(/^(\s*[0-9a-f]+:)\t[0-9a-f]+ *\t/, '$1 \t')));
      expect(ref.length).toBeGreaterThan(20);
      expect(mine).toEqual(ref);
    });
  }

  it('dotp_corev.clang.elf shows the CORE-V instructions llvm-objdump shows', () => {
    const lines = disasmListing(load(`${FIX}/dotp_corev.clang.elf`)).split('\n');
    // llvm-objdump-19: c2: 0045280b cv.lw a6, (a0), 0x4 ... cc: a8f816fb cv.sdotsp.b a3, a6, a5
    expect(lines).toContain('  c2:\t0045280b          \tcv.lw\ta6, (a0), 0x4');
    expect(lines).toContain('  cc:\ta8f816fb          \tcv.sdotsp.b\ta3, a6, a5');
  });
});

describe('flavour choice', () => {
  it('takes corev from the xcv* extensions in Tag_RISCV_arch of clang builds', () => {
    const c = chooseFlavour(load(`${FIX}/sum.clang.elf`), {});
    expect(c.flavour).toBe('corev');
    expect(c.reason).toContain('xcv');
  });
  it('falls back to xpulpv2 and says so', () => {
    const c = chooseFlavour(load(`${FIX}/sum.gcc.elf`), {});
    expect(c).toEqual({ flavour: 'xpulpv2', reason: expect.stringContaining('default') });
    expect(disasmListing(load(`${FIX}/sum.gcc.elf`)).split('\n')[1]).toMatch(/^flavour: xpulpv2 \(default/);
  });
  it('--flavour beats --config beats the ELF', () => {
    const elf = load(`${FIX}/sum.clang.elf`);
    expect(chooseFlavour(elf, { config: 'ri5cy' }).flavour).toBe('xpulpv2');
    expect(chooseFlavour(load(`${FIX}/sum.gcc.elf`), { config: 'cv32e40p' }).flavour).toBe('corev');
    expect(chooseFlavour(elf, { config: 'cv32e40p', flavour: 'xpulpv2' })).toEqual({ flavour: 'xpulpv2', reason: '--flavour' });
  });
});

describe('the pulpsim disasm command', () => {
  afterEach(() => vi.restoreAllMocks());

  const run = async (args: string[]): Promise<string> => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const cli = await buildCli();
    cli.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    await cli.parseAsync(args, { from: 'user' });
    return out;
  };

  it('prints the listing with the flavour it used', async () => {
    const out = await run(['disasm', `${FIX}/dotp_corev.clang.elf`]);
    expect(out.split('\n')[0]).toBe(`${FIX}/dotp_corev.clang.elf:     file format elf32-littleriscv`);
    expect(out).toContain('flavour: corev (');
    expect(out).toContain('cv.sdotsp.b\ta3, a6, a5');
    const forced = await run(['disasm', `${FIX}/dotp_corev.clang.elf`, '--flavour', 'xpulpv2']);
    expect(forced).toContain('flavour: xpulpv2 (--flavour)');
    expect(forced).not.toContain('cv.sdotsp.b');
  });

  it('rejects an unknown flavour or preset, and names a missing file', async () => {
    await expect(run(['disasm', `${FIX}/sum.gcc.elf`, '--flavour', 'armv7'])).rejects.toThrow(/armv7/);
    await expect(run(['disasm', `${FIX}/sum.gcc.elf`, '--config', 'gap9'])).rejects.toThrow(/gap9/);
    await expect(run(['disasm', 'no/such.elf'])).rejects.toThrow('cannot read no/such.elf');
    await expect(run(['disasm', `${FIX}/sum.c`])).rejects.toThrow(`${FIX}/sum.c: not an ELF file`);
  });
});
