// Source positions and error collection. Every message the assembler and linker print names the file, line and
// column it is about, in the `file:line:col: error: message` form that editors and GNU tools use.

export interface SourceLoc {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
  /** The macro invocations this line was expanded from, innermost first (shown after the message). */
  via?: SourceLoc[];
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  loc: SourceLoc;
  message: string;
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  let s = `${formatLoc(d.loc)}: ${d.severity}: ${d.message}`;
  for (const v of d.loc.via ?? []) s += `\n${formatLoc(v)}: note: in expansion of the macro used here`;
  return s;
}

/** Thrown to abandon one statement; the driver records it and carries on with the next line. */
export class AsmError extends Error {
  constructor(
    readonly loc: SourceLoc,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by the assembler and linker entry points when any error was collected. */
export class AsmFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n'),
    );
  }
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  /** Collecting stops after this many errors (a runaway macro otherwise floods the terminal). */
  constructor(private readonly maxErrors = 50) {}

  error(loc: SourceLoc, message: string): void {
    if (this.list.some((d) => d.severity === 'error' && sameLoc(d.loc, loc) && d.message === message)) return;
    this.list.push({ severity: 'error', loc, message });
  }

  warning(loc: SourceLoc, message: string): void {
    if (this.list.some((d) => d.severity === 'warning' && sameLoc(d.loc, loc) && d.message === message)) return;
    this.list.push({ severity: 'warning', loc, message });
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }

  get full(): boolean {
    return this.errorCount >= this.maxErrors;
  }

  get warnings(): Diagnostic[] {
    return this.list.filter((d) => d.severity === 'warning');
  }

  /** Throws AsmFailure when errors were collected. */
  check(): void {
    if (this.errorCount > 0) throw new AsmFailure(this.list);
  }
}

function sameLoc(a: SourceLoc, b: SourceLoc): boolean {
  return a.file === b.file && a.line === b.line && a.col === b.col;
}
