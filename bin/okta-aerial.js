#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in lib/cli (built from src/cli). A hook, which Terraform runs once per
// resource, first takes the thin path (lib/hook/thin-hook.js: the deploy agent runs it), loading next to nothing.
const argv = process.argv.slice(2);
const cli = () => require('../lib/cli/main.js').main(argv);
if (argv[0] === 'hook') require('../lib/hook/thin-hook.js').hookMain(argv, cli);
else cli();
