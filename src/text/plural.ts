/** "1 Job", "2 Jobs": a count with its noun, for messages. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
