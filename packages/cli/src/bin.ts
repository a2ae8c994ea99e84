#!/usr/bin/env node
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e instanceof Error && e.name === 'RuntimeError' ? `error: the component trapped: ${e.message}` : e);
    process.exitCode = 1;
  },
);
