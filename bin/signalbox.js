#!/usr/bin/env node
// The CLI. Where the compiled JavaScript sits beside this file (the images, `npm run build`'s dist/), it
// runs as is; in a checkout tsx compiles the TypeScript on load, so there is no build step to forget.
import { existsSync } from 'node:fs';

const compiled = new URL('../services/cli/src/main.js', import.meta.url);
let entry = compiled.href;
if (!existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../services/cli/src/main.ts', import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
