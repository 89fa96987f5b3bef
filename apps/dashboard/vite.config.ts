import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SDK's browser entry is compiled from source (its published build is CommonJS for Node).
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@deploysphere/sdk/browser': fileURLToPath(new URL('../../packages/sdk/src/browser.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  server: { proxy: { '/v1': 'http://localhost:3000' } },
});
