import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The server serves `dist/index.html` at `/demo/` and `dist/assets/<file>` at `/demo/assets/<file>`
 * (one level, hashed names), hence `base`. `npm run dev` proxies the demo API and capture to a
 * local `sightline start`.
 */
export default defineConfig({
  base: '/demo/',
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'assets' },
  server: {
    proxy: {
      '/demo/config.json': 'http://127.0.0.1:8787',
      '/demo/api': 'http://127.0.0.1:8787',
      '/v1': 'http://127.0.0.1:8787',
    },
  },
});
