#!/usr/bin/env node
/**
 * The `roundtable` command. The program and its subcommands are in `program.ts`; the exit
 * codes in `cli-error.ts`.
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
