#!/usr/bin/env node
import { runCli } from './soc-drill.js';

// The CLI is a terminal program: writing to stdout/stderr is its job.
const code = runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  cwd: process.cwd(),
});
process.exitCode = code;
