// Errors of the instruction-set simulator. A model error is never a trap of the simulated core: it means the
// program did something the single-core test system has no answer for (an access outside the memory map, a fetch
// from nowhere, a `wfi` with no interrupt source), so the run stops and the message names pc, address and access.

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

export class IssError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IssError';
  }
}

/**
 * Not an error: thrown by a memory system when an access has to wait (a sleeping p.elw, a blocked load of an
 * event-unit wait register). The ISS abandons the instruction without effects; it is executed again later.
 */
export class IssStall extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IssStall';
  }
}

export type AccessKind = 'fetch' | 'load' | 'store';

/** An access outside every region of the memory map. RI5CY's test system has no bus errors, so this is a model error. */
export class UnmappedAccessError extends IssError {
  constructor(
    readonly pc: number,
    readonly addr: number,
    readonly bytes: number,
    readonly access: AccessKind,
    map: string,
  ) {
    super(`${access} of ${bytes} byte(s) at ${hex(addr)} (pc ${hex(pc)}) is outside the memory map: ${map}`);
    this.name = 'UnmappedAccessError';
  }
}

export { hex };
