#!/usr/bin/env -S node --max-semi-space-size=4
// The package's executable: runs the compiled entry point (npm run build first). A 4 MiB
// young generation keeps RSS close to the live heap (docs/BENCHMARKS.md, memory).
import { main } from '../dist/src/main/main.js';

main(process.argv.slice(2));
