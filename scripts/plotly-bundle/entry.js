// plotly.js with only the trace types the audit reports draw; scatter is in core.
// Keep this list in step with audit_lib/data/js/README.md and tests/test_plotly_bundle.py.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
  require('plotly.js/lib/bar'),
  require('plotly.js/lib/heatmap'),
  require('plotly.js/lib/histogram'),
  require('plotly.js/lib/choropleth'),
  require('plotly.js/lib/scattergeo'),
  require('plotly.js/lib/pie'),
]);
module.exports = Plotly;
