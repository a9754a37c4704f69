/** kubectl-style columns: left-aligned, two spaces apart, no trailing blanks. */
export function formatTable(rows: string[][], style: (text: string, row: number, column: number) => string = (t) => t): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row, r) =>
      row
        .map((cell, c) => style(c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0), r, c))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
