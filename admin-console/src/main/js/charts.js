// Entry point bundled by esbuild into console/vendor/charts.js: exposes uPlot as window.TouchpointCharts.uPlot for the
// console's per-day charts.
import uPlot from 'uplot';

export { uPlot };
