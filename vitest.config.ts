import { defineConfig } from 'vitest/config';

// Tests sit next to the code (`*.test.ts`). Tests that need a real Docker Engine,
// nftables or network namespaces are marked by their file name (`*.docker.test.ts`,
// `*.nft.test.ts`) and run in a single fork to keep the 2-core machine sane.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'image/build/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/vitest-report.json' },
  },
});
