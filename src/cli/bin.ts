#!/usr/bin/env node
// The installed package's `provml` command (compiled to dist/cli/bin.js). A source checkout runs
// src/cli/provml.js instead, which loads the TypeScript sources through tsx.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
