// Bundles: a named group of ports that travel together (an OBI/TCDM port is req/gnt/addr/we/be/wdata/
// rvalid/rdata). Directions are written from the initiator's side ('out' = driven by the initiator);
// `flip` gives the target's side, as Chisel's Flipped / Amaranth's wiring.flipped.
import type { EnumInfo } from './enum.ts';
import type { Input, Output } from './signal.ts';

export interface FieldSpec<D extends 'in' | 'out' = 'in' | 'out'> {
  readonly dir: D;
  readonly width: number | EnumInfo;
}
export type BundleSpec = Readonly<Record<string, FieldSpec>>;

export interface BundleDef<S extends BundleSpec = BundleSpec> {
  readonly bundleName: string;
  readonly fields: S;
}

export function out(width: number | EnumInfo): FieldSpec<'out'> {
  return { dir: 'out', width };
}
export function inp(width: number | EnumInfo): FieldSpec<'in'> {
  return { dir: 'in', width };
}

export function defineBundle<S extends BundleSpec>(bundleName: string, fields: S): BundleDef<S> {
  return Object.freeze({ bundleName, fields: Object.freeze({ ...fields }) });
}

/** Ports of a bundle seen from the initiator (`Flip` false) or the target (`Flip` true). */
export type BundlePorts<S extends BundleSpec, Flip extends boolean = false> = {
  readonly [K in keyof S]: S[K]['dir'] extends 'out'
    ? Flip extends true ? Input : Output
    : Flip extends true ? Output : Input;
};
