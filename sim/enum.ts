// Enumerations for state signals. The numeric value is what the hardware holds; the names travel to the
// symbol table so waves show `RUN` instead of `2` (GTKWave string signals, see waves/).

export interface EnumInfo {
  readonly kind: 'enum';
  readonly typeName: string;
  readonly names: readonly string[];
  /** Bits needed to hold the largest value. */
  readonly width: number;
}

/** `State.IDLE` is the value of IDLE; `State.names[v]` its name. */
export type EnumType<N extends string = string> = EnumInfo & { readonly [K in N]: number };

const RESERVED = new Set(['kind', 'typeName', 'names', 'width']);

export function defineEnum<const N extends string>(typeName: string, names: readonly N[]): EnumType<N> {
  if (names.length === 0) throw new Error(`enum ${typeName}: needs at least one value`);
  const obj: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (RESERVED.has(n)) throw new Error(`enum ${typeName}: '${n}' is reserved, pick another value name`);
    if (n in obj) throw new Error(`enum ${typeName}: value '${n}' is listed twice`);
    obj[n] = i;
  });
  let width = 1;
  while (width < 32 && 2 ** width < names.length) width++;
  obj.kind = 'enum';
  obj.typeName = typeName;
  obj.names = Object.freeze([...names]);
  obj.width = width;
  return Object.freeze(obj) as EnumType<N>;
}

export function isEnumType(x: unknown): x is EnumInfo {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'enum';
}
