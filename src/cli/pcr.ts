import type { Command } from 'commander';
import type { CliContext } from './context.js';

// Placeholder until the EIF reader lands: `isolint pcr` is owned by src/eif/.
export function registerPcrCommand(_program: Command, _ctx: CliContext): void {}
