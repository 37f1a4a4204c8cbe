/**
 * The results table: one row per figure with the OpenLess value, the baseline value, the
 * ratio OpenLess/baseline, the target and whether it is met. Markdown, ready for the README.
 */

const number = (value, digits) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

/**
 * rows: { figure, unit, digits, subject, baseline, ratio?, target: { text, check(subject, baseline, ratio) → bool } | undefined }
 * `ratio` defaults to subject / baseline; run.mjs passes the median of the per-round ratios.
 * `columns` names the two value columns. Returns `{ markdown, failed }`; `failed` lists the
 * figures whose target is not met.
 */
export function renderTable(rows, columns = { subject: 'OpenLess', baseline: 'baseline' }) {
  const lines = [`| figure | ${columns.subject} | ${columns.baseline} | ratio | target | ok |`, '|---|---:|---:|---:|---|---|'];
  const failed = [];
  for (const row of rows) {
    const ratio = row.ratio ?? row.subject / row.baseline;
    let ok = 'info';
    if (row.target) {
      const pass = Number.isFinite(row.subject) && row.target.check(row.subject, row.baseline, ratio);
      ok = pass ? 'PASS' : '**FAIL**';
      if (!pass) failed.push(row.figure);
    }
    const unit = row.unit ? ` ${row.unit}` : '';
    lines.push(
      `| ${row.figure} | ${number(row.subject, row.digits)}${unit} | ${number(row.baseline, row.digits)}${unit} | ${number(ratio, 2)}× | ${row.target?.text ?? '–'} | ${ok} |`,
    );
  }
  return { markdown: lines.join('\n'), failed };
}
