/**
 * The plan renderer moved to plan/show.ts (a device's CLI shows plans without the compiler);
 * this keeps the compiler's import path.
 */
export * from '../plan/show.js';
