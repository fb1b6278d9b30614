import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The server serves `dist/index.html` at `/` and `dist/assets/<file>` at `/assets/<file>` (one
 * level, hashed names): keep vite's defaults for both. `npm run dev` proxies the API to a local
 * `sightline start` so the dashboard can be developed against real data.
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'assets', chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      '/v1/live': { target: 'ws://127.0.0.1:8787', ws: true },
      '/v1': 'http://127.0.0.1:8787',
    },
  },
});
