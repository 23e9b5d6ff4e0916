/** The backtest's HTML report. `mandate backtest --report` loads `writeReport` from here. */
export { writeReport, type WriteReportReturnType } from './write-report.js';
export { renderReport, type ReportInput, type RenderReportOptions } from './render-report.js';
export { escapeHtml, scriptJson } from './escape-html.js';
