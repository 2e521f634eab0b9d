// @ts-check
'use strict';
// The app of the root cdktf.json: `node examples/multi-org/main.js` (after `npm run build`).
const { App } = require('cdktf');
const { runExample } = require('../shared');

runExample(() => {
  const { buildMultiOrgStack, optionsFromEnv } = require('./stack');
  const app = new App();
  buildMultiOrgStack(app, 'multi-org', optionsFromEnv(process.env));
  app.synth();
});
