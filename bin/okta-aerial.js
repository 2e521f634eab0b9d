#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in lib/cli (built from src/cli). Kept tiny so hook start-up stays fast.
require('../lib/cli/main.js').main(process.argv.slice(2));
