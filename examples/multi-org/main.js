// @ts-check
'use strict';
// The app of the root cdktf.json: `node examples/multi-org/main.js` (after `npm run build`).
const { loadCdk, runExample } = require('../shared');

const { App } = loadCdk();

runExample(() => {
  const { buildMultiOrgStack, optionsFromEnv } = require('./stack');
  const app = new App();
  buildMultiOrgStack(app, 'multi-org', optionsFromEnv(process.env));
  app.synth();
});
