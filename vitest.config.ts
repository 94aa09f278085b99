import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'ui/**/*.test.ts'],
    // The default excludes every **/dist/** folder, which would hide src/ml/dist's tests; built output has none.
    exclude: configDefaults.exclude.filter((pattern) => pattern !== '**/dist/**'),
    // Spawned servers and DuckDB files make some tests take seconds on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
