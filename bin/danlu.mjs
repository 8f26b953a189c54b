#!/usr/bin/env node
import { main } from '../dist/danlu.mjs';
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
