#!/usr/bin/env node
// parse.js FILE...: parses each terraform file with HashiCorp's HCL parser (@cdktf/hcl2json, the
// Go library compiled to WebAssembly) and prints one JSON object, file path -> its configuration
// as JSON (expressions are kept as their source text in "${...}"). A syntax error prints
// "FILE:LINE,COL: message" and exits 1.
'use strict';
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');

(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    out[file] = await parse(file, fs.readFileSync(file, 'utf8'));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
