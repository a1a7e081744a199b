/**
 * Argument parsing for commands, on top of node:util's parseArgs (strict: an unknown
 * flag is a usage error).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './context.js';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
