// @ts-check
'use strict';
// Run with `node examples/composition/main.js` (after `npm run build`), e.g. as a cdktf.json app.
const { loadCdk, runExample } = require('../shared');

const { App } = loadCdk();

runExample(() => {
  const { buildCompositionStack } = require('./stack');
  const app = new App();
  buildCompositionStack(app, 'composition');
  app.synth();
});
