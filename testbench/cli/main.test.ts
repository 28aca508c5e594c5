import { describe, expect, it } from 'vitest';
import { buildCli } from './main.ts';

describe('pulpsim CLI', () => {
  it('is named pulpsim and rejects unknown commands', () => {
    const cli = buildCli();
    cli.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    expect(cli.name()).toBe('pulpsim');
    expect(() => cli.parse(['no-such-command'], { from: 'user' })).toThrow();
  });
});
