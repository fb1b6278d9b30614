import type { Page } from 'playwright-core';

/**
 * Keeps a copy of a chart's canvas as the browser is about to paint it in the frame its host grows
 * wider. The copy is taken in a ResizeObserver callback: observers run in the order they were
 * created, so the chart's own one (created when the chart mounted) has run, and nothing else runs
 * before that frame is painted. The copy sits in a hidden `[role="img"]` labelled `copyLabel`, so
 * `sampleChart` reads it like the chart; its `data-widened` says how many times it was taken.
 */
export async function copyCanvasWhenWidened(page: Page, label: string, copyLabel: string): Promise<void> {
  await page.evaluate(
    ({ label, copyLabel }) => {
      const host = document.querySelector<HTMLElement>(`[role="img"][aria-label="${label}"]`);
      if (!host) throw new Error(`no chart labelled ${label}`);
      const holder = document.createElement('div');
      holder.setAttribute('role', 'img');
      holder.setAttribute('aria-label', copyLabel);
      holder.hidden = true;
      holder.dataset.widened = '0';
      const copy = document.createElement('canvas');
      holder.append(copy);
      document.body.append(holder);
      let width = host.clientWidth;
      new ResizeObserver(() => {
        const canvas = host.querySelector('canvas');
        if (!canvas || host.clientWidth <= width) return;
        width = host.clientWidth;
        copy.width = canvas.width;
        copy.height = canvas.height;
        copy.getContext('2d')!.drawImage(canvas, 0, 0);
        holder.dataset.widened = String(Number(holder.dataset.widened) + 1);
      }).observe(host);
    },
    { label, copyLabel },
  );
}

/** How many times the copy was taken (0 until the host grows wider). */
export const timesWidened = (page: Page, copyLabel: string): Promise<number> =>
  page.evaluate(
    (copyLabel) =>
      Number(
        document.querySelector<HTMLElement>(`[role="img"][aria-label="${copyLabel}"]`)?.dataset.widened ?? 0,
      ),
    copyLabel,
  );
