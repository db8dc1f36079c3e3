// Package report turns a result folder into one self-contained HTML page
// that a policymaker can forward or print: a plain-language summary
// first, then charts (inline SVG drawn by gonum/plot) with the policy
// years shaded, the table of effects with their intervals, costs and
// cost-effectiveness, equity by tier, migrant status and (where the files
// have it) socio-economic status, what each scenario changed, the
// model's caveats quoted from docs/MODEL.md, and the manifest in an
// appendix.
//
// [Load] reads the folder of schoolnet compare or run by column name, so
// that folders with more columns, or columns in another order, read the
// same; [Write] renders it with html/template. Every number the page
// quotes from compare.csv or summary.csv carries its source cell in
// data-* attributes (data-src, data-scenario, data-outcome, data-col,
// data-value), so that it can be checked against the file.
package report
