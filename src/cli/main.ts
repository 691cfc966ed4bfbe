#!/usr/bin/env node
import { databaseUrlFromProcess } from '../config/process-env.js';
import { runCommand } from './soc-drill.js';

// The CLI is a terminal program: writing to stdout/stderr is its job.
process.exitCode = await runCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  cwd: process.cwd(),
  databaseUrl: databaseUrlFromProcess,
});
