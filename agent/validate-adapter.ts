/**
 * The state validator the CLI hands to the runtime (`importState` takes it as a parameter,
 * because the runtime must not import the compiler). It runs the compiler's full front
 * end (parse, check, resolve: compiler/validate-api.ts), so an imported state is held to
 * the same rules as `claude validate`.
 */
import type { StateValidator } from '../runtime/state/export.js';
import { validateFiles } from '../compiler/validate-api.js';

/**
 * Validates state files (name → text). Problems are one line per diagnostic,
 * `file:line:col: error CODE: message (hint: …)`, sorted by file, line, column;
 * `ok` is false when any of them is an error.
 */
export const validateStateFiles: StateValidator = async (files) => validateFiles(files);
