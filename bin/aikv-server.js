#!/usr/bin/env node
// The package's executable: runs the compiled entry point (npm run build first).
import { main } from '../dist/src/main/main.js';

main(process.argv.slice(2));
