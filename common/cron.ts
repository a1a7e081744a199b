/**
 * The `cron-parser` library for the product's code: the compiler's schedule reader
 * (compiler/intent/offline/schedule.ts checks each cron line it writes) and the runtime's job
 * scheduler (runtime/jobs/cron.ts evaluates them). cron-parser is CommonJS and is loaded on
 * first use, so commands that never read or evaluate a schedule do not pay for it. Use
 * `cronParser()` at call time rather than `import … from 'cron-parser'` (type imports are fine).
 */
import { createRequire } from 'node:module';
import type * as CronParserApi from 'cron-parser';

export type CronParser = typeof CronParserApi.CronExpressionParser;

let parser: CronParser | undefined;

/** cron-parser's `CronExpressionParser`, loaded the first time it is asked for. */
export function cronParser(): CronParser {
  return (parser ??= (createRequire(import.meta.url)('cron-parser') as typeof CronParserApi).CronExpressionParser);
}
