/**
 * The one plain-text table renderer of tools/ (bench, cost, validate; pure): columns padded to
 * their widest cell, numbers right-aligned.
 */

export type Cell = string | number;

export interface TableSection {
  /** Printed on its own line above the table. */
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Printed below the table, one line each, indented. */
  readonly notes?: readonly string[];
}

/** A cell is numeric when it looks like an amount with an optional unit (`1.23 s`, `512 MiB`, `2.1x`, `-$1,234.56`), or is `n/a` or `-`. */
function isNumeric(cell: string): boolean {
  return /^(?:[-+]?\$?[\d,]+(?:\.\d+)?(?:\s?[a-zA-Z/%]+)?|n\/a|-)$/.test(cell.trim());
}

/**
 * Renders one table with a header rule. Rows shorter than the header are padded with empty cells.
 * A column (other than the first) is right-aligned when every non-empty cell in it is numeric.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, i) => (row[i] === undefined ? '' : String(row[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => row[i].length)));
  const rightAligned = headers.map((_, i) => {
    const cells = text.map((row) => row[i]).filter((c) => c !== '');
    return i > 0 && cells.length > 0 && cells.every(isNumeric);
  });
  const line = (cells: readonly string[], header: boolean): string =>
    cells
      .map((cell, i) => (rightAligned[i] && !header ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers, true), rule, ...text.map((row) => line(row, false))].join('\n');
}

/** Renders several titled tables separated by blank lines. */
export function renderSections(sections: readonly TableSection[]): string {
  return sections.map((s) => [s.title, renderTable(s.headers, s.rows), ...(s.notes ?? []).map((n) => `  ${n}`)].join('\n')).join('\n\n');
}
