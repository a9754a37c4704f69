/**
 * An integer's decimal digits, as String(n) writes them, made without V8's number-to-string
 * cache.
 *
 * String(n), `${n}` and n.toString() keep their result in a table of recent conversions.
 * The table lives in the old generation, so each string it holds survives the young
 * generation's collections; a million distinct row indexes keep it refilled, every
 * collection copies the strings it holds, and V8 answers survivors by doubling its young
 * generation until its maximum (a million rows of the style benchmark's block-if peaked at
 * 146 MiB with String, 110–113 MiB with this). Digits joined from two tables of
 * precomputed pieces make a new short string that dies with its row.
 */
const SMALL = Array.from({ length: 1000 }, (_, n) => String(n));
const PADDED = SMALL.map((digits) => digits.padStart(3, "0"));

export function decimal(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) >= 1e9) return String(n);
  if (n < 0) return `-${decimal(-n)}`;
  if (n < 1000) return SMALL[n] as string;
  if (n < 1e6) return (SMALL[Math.floor(n / 1000)] as string) + (PADDED[n % 1000] as string);
  const rest = n % 1e6;
  return (SMALL[Math.floor(n / 1e6)] as string) + (PADDED[Math.floor(rest / 1000)] as string) + (PADDED[rest % 1000] as string);
}
