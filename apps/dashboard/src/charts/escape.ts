/**
 * ECharts renders tooltips as HTML. Event names and properties come from whoever can send events
 * (the public key is in web pages), so every text that goes into a tooltip formatter passes here.
 * Axis and node labels are drawn on the canvas and need no escaping.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: unknown): string => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A tooltip body: a bold (escaped) title and escaped `label: value` rows. */
export function tooltipHtml(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const body = rows
    .map(
      ([label, value]) =>
        `<div class="tt-row"><span>${escapeHtml(label)}</span><b>${escapeHtml(value)}</b></div>`,
    )
    .join('');
  return `<div class="tt"><div class="tt-title">${escapeHtml(title)}</div>${body}</div>`;
}
