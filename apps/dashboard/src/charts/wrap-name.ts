/**
 * Event, step and page names are identifiers (`upload_complete`, `/checkout/payment`) with no
 * spaces, so ECharts' word wrapping cannot break them and a narrow axis would cut them off. This
 * breaks a name into lines of at most `maxChars`, after `_`, `-`, `/`, `.` or a space where it
 * can (inside a word only when a part is longer than a line), so a phone shows the whole name.
 * With `maxLines`, what does not fit ends in "…" (for charts where the tooltip has the full name).
 * The result is canvas text, never HTML.
 */
export function wrapName(name: string, maxChars: number, maxLines = Number.POSITIVE_INFINITY): string {
  const parts = name.split(/(?<=[_\-/. ])/).flatMap((part) => chunks(part, maxChars));
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + part.length <= maxChars) lines[last] += part;
    else lines.push(part);
  }
  if (lines.length <= maxLines) return lines.join('\n');
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, Math.max(0, maxChars - 1))}…`;
  return kept.join('\n');
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
