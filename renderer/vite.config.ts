// Builds the UI into dist/renderer/. Relative base so the same files load from app:// in
// Electron and from `sgr serve` under any path; no inline scripts, no eval (strict CSP).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    // SGR_UI_OUT builds elsewhere (serve it with SGR_UI_DIR), so parallel builds never clash.
    outDir: process.env.SGR_UI_OUT ?? fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1' },
});
