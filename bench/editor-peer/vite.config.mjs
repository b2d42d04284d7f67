// Builds the editor benchmark's peer page into $SGR_PEER_OUT (a temp dir of the bench run).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: process.env.SGR_PEER_OUT, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
});
