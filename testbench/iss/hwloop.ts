// Hardware-loop registers and the end-of-body decision (fact sheet §4.10, §6; timing READMEs).
// RI5CY (riscv_hwloop_controller.sv): the end address is the last instruction of the body; when it completes
// with count >= 2 the next instruction is the loop start and the count is decremented; with count 0 or 1 it falls
// through and the count stays (1 after a normal exit). Loop 0 is checked first; when it falls through, loop 1
// (the outer loop, possibly with the same end) is checked (UM: "loop 1 becomes active").
// CV32E40P: the end address is the first instruction after the body; the body's last instruction decrements a
// non-zero count and jumps back while the count was >= 2, so the count reads 0 after exit. When loop 0 ends
// there (non-zero count), loop 1 is not considered: with equal end addresses the outer loop does not jump back
// (cv32e40p/hwloop_nested_same_end: measured a3 = 1, a0 = 4).

export class HwLoops {
  readonly start = new Uint32Array(2);
  readonly end = new Uint32Array(2);
  readonly count = new Uint32Array(2);

  constructor(private readonly endRule: 'inclusive' | 'exclusive') {}

  set(L: number, what: 'start' | 'end' | 'count', value: number): void {
    this[what][L & 1] = value >>> 0;
  }

  /** The next pc after the non-jumping instruction at `pc` of `size` bytes, or undefined to fall through. */
  after(pc: number, size: number): number | undefined {
    if (this.endRule === 'inclusive') {
      for (let i = 0; i < 2; i++) {
        if (this.end[i] === pc >>> 0 && this.count[i]! >= 2) {
          this.count[i] = this.count[i]! - 1;
          return this.start[i]!;
        }
      }
      return undefined;
    }
    const next = (pc + size) >>> 0;
    for (let i = 0; i < 2; i++) {
      if (this.end[i] === next && this.count[i]! !== 0) {
        const jump = this.count[i]! >= 2;
        this.count[i] = this.count[i]! - 1;
        return jump ? this.start[i]! : undefined;
      }
    }
    return undefined;
  }
}
