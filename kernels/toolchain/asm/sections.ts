// A section being assembled: growing bytes, relocations, required alignment, and the flags its name or its
// `.section` directive gives it.
import type { Relocation } from './object.ts';

export interface SectionFlags {
  alloc: boolean;
  write: boolean;
  exec: boolean;
  nobits: boolean;
}

export class SectionBuf {
  private buf = new Uint8Array(256);
  size = 0;
  align = 1;
  readonly relocs: Relocation[] = [];
  /** Whether anything other than zero has been put in a NOBITS section (an error the caller reports). */
  dirtyNobits = false;

  constructor(
    readonly name: string,
    public flags: SectionFlags,
  ) {}

  private grow(n: number): void {
    if (this.size + n <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < this.size + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.size));
    this.buf = b;
  }

  byte(v: number): void {
    this.grow(1);
    if (this.flags.nobits && (v & 0xff) !== 0) this.dirtyNobits = true;
    this.buf[this.size++] = v & 0xff;
  }

  /** Little-endian value of `n` bytes. */
  le(v: number, n: number): void {
    for (let i = 0; i < n; i++) this.byte(Math.floor(v / 2 ** (8 * i)) & 0xff);
  }

  fill(n: number, v = 0): void {
    for (let i = 0; i < n; i++) this.byte(v);
  }

  patch(offset: number, v: number, n: number): void {
    for (let i = 0; i < n; i++) this.buf[offset + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  }

  read(offset: number, n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v += (this.buf[offset + i] ?? 0) * 2 ** (8 * i);
    return v;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.size);
  }

  alignTo(a: number): void {
    if (a > this.align) this.align = a;
  }
}

/** Flags of a section from its name when no `.section` flags are given (GNU's defaults for the usual names). */
export function defaultFlags(name: string): SectionFlags {
  const is = (p: string): boolean => name === p || name.startsWith(p + '.');
  if (is('.text') || is('.init') || is('.fini')) return { alloc: true, write: false, exec: true, nobits: false };
  if (is('.bss') || is('.sbss') || is('.tbss')) return { alloc: true, write: true, exec: false, nobits: true };
  if (is('.rodata') || is('.srodata')) return { alloc: true, write: false, exec: false, nobits: false };
  if (is('.data') || is('.sdata') || is('.tdata')) return { alloc: true, write: true, exec: false, nobits: false };
  if (name.startsWith('.comment') || name.startsWith('.debug') || name.startsWith('.note')) {
    return { alloc: false, write: false, exec: false, nobits: false };
  }
  return { alloc: true, write: true, exec: false, nobits: false };
}

/** Flags from a `.section name, "flags", @type` directive. */
export function parseSectionFlags(flags: string, type: string | undefined): SectionFlags {
  return {
    alloc: flags.includes('a'),
    write: flags.includes('w'),
    exec: flags.includes('x'),
    nobits: type === 'nobits',
  };
}
