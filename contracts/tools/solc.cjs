#!/usr/bin/env node
// A solc command line for forge, backed by the `solc` npm package (solc-js).
//
// Why: forge normally downloads a native solc, which cannot happen offline. forge only needs
// `--version` and `--standard-json` (input on stdin, output on stdout), so this wrapper answers
// those through solc-js and reads imports from disk. forge also passes flags that solc-js has no use
// for (`--allow-paths`, `--base-path`, `--include-path`, `--optimize`...): they are accepted and
// ignored, except the paths, which become roots for resolving imports.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(
    `contracts/tools/solc.cjs supports only --version and --standard-json (got: ${args.join(' ')})\n`,
  );
  process.exit(1);
}

const roots = [process.cwd()];
for (const flag of ['--base-path', '--include-path', '--allow-paths']) {
  args.forEach((arg, i) => {
    if (arg === flag && args[i + 1]) roots.push(...args[i + 1].split(','));
  });
}

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((root) => path.resolve(root, importPath));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
