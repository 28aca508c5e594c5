#!/usr/bin/env node
// Runs the TypeScript CLI straight from a checkout, with no build step for the user: from a bundle of the CLI that
// is built on first use and whenever a source changed (bin/cli_bundle.mjs), or, when anything about the bundle
// fails, from the sources through tsx's loader registered in this process (worker threads register it themselves).
// PULPSIM_BUNDLE=0 always takes the tsx path; PULPSIM_BUNDLE=debug says on stderr which path a command took and why.
const mode = process.env.PULPSIM_BUNDLE;
const debug = mode === 'debug' ? (msg) => process.stderr.write(`pulpsim: bundle: ${msg}\n`) : () => {};

async function fromBundle() {
  if (mode === '0') return undefined;
  try {
    const bundle = await import('./cli_bundle.mjs');
    const url = await bundle.cliBundle(debug);
    // as tsx does: stack traces name the TypeScript files and lines
    process.setSourceMapsEnabled(true);
    try {
      const { main } = await import(url);
      // for the command's worker threads and its learn store (testbench/cli/bundled.ts)
      globalThis[Symbol.for('pulpsim.bundle')] = { dir: new URL('./', url).href, isCurrent: () => bundle.isCurrent(url), debug };
      return main;
    } catch (e) {
      bundle.forget(url);
      throw e;
    }
  } catch (e) {
    debug(`falling back to tsx: ${e?.stack ?? e}`);
    return undefined;
  }
}

let main = await fromBundle();
if (main === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../testbench/cli/main.ts'));
}
process.exit(await main(process.argv.slice(2)));
