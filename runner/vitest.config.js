// For raw vitest runs of the hidden tests (the benchmark's baseline, and contributors):
//   NETLINGS_EXERCISES=solutions npx vitest run --config runner/vitest.config.js 01-tcp-handshake
// The runner itself does not read this file; it passes the same options inline.
import { defineConfig } from 'vitest/config';
import { hiddenTestOptions, moduleCachePlugin } from './engine/vitest-options.js';

export default defineConfig({ test: hiddenTestOptions(), plugins: [moduleCachePlugin()] });
