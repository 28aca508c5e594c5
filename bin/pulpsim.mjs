#!/usr/bin/env node
// Runs the TypeScript CLI straight from a checkout, with no build step: tsx's loader is registered in this process
// (worker threads register it themselves), so a command costs one Node process, not a launcher plus a child.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../testbench/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
