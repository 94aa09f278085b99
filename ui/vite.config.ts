import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Resolved from this file, so the build works from the repo root: `vite build --config ui/vite.config.ts`.
const uiRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: uiRoot,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single chunk plus one stylesheet keeps loading to two requests.
    chunkSizeWarningLimit: 200,
  },
  server: {
    // `vite --config ui/vite.config.ts` for UI work against a `vigil serve` on the default port.
    proxy: {
      '/api': 'http://localhost:8080',
      '/readyz': 'http://localhost:8080',
      '/healthz': 'http://localhost:8080',
    },
  },
});
