// Where assembler input comes from: files on disk (with `.include` resolved relative to the including file,
// then the -I directories, as GNU `as` does) or an in-memory map for tests and generated code.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

export interface SourceReader {
  /** The text of `path`, or undefined when it does not exist. */
  read(path: string): string | undefined;
}

export const diskReader: SourceReader = {
  read(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** A reader over in-memory files (paths as given), falling back to `fallback` when set. */
export function memoryReader(files: Record<string, string>, fallback?: SourceReader): SourceReader {
  return {
    read(path: string): string | undefined {
      if (Object.hasOwn(files, path)) return files[path];
      return fallback?.read(path);
    },
  };
}

/** Candidate paths for `.include "name"` from `fromFile`: its directory, then the include directories. */
export function includeCandidates(name: string, fromFile: string, includeDirs: string[]): string[] {
  if (isAbsolute(name)) return [name];
  return [join(dirname(fromFile), name), ...includeDirs.map((d) => join(d, name)), name];
}
