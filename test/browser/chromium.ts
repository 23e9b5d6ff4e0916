import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, or MANDATE_CHROMIUM. */
export const chromiumPath = process.env.MANDATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for a browser suite; without it the suite fails (never skips) with the command
 * that installs it.
 *
 * @example
 * const browser = await launchChromium();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: the browser suites need it. Install it with\n` +
        '  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n' +
        'or point MANDATE_CHROMIUM at a Chromium executable.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Collects what a page must never do: console errors and warnings (CSP violations among them), uncaught
 * errors, and failed requests.
 *
 * @example
 * const problems = watchProblems(page); ... expect(problems).toEqual([]);
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A stream the page closes on purpose (navigation, EventSource on unload) is aborted, not failed.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return problems;
}

/** The bits of a page's HTMLCanvasElement the chart checks read (the project's tsconfig has no DOM lib). */
type PageCanvas = {
  width: number;
  height: number;
  getContext(
    kind: '2d',
    options?: { willReadFrequently: boolean },
  ): { drawImage(source: PageCanvas, x: number, y: number): void; getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
};
type PageElement = { dataset: Record<string, string | undefined>; querySelectorAll(selector: string): ArrayLike<unknown> };
type PageDocument = { createElement(tag: 'canvas'): PageCanvas };

/**
 * For each `[data-chart]` element under `selector`, how many pixels of its canvases are near each colour
 * (anti-aliased lines, so near within a small distance), and its canvases' widest width.
 *
 * @example
 * const painted = await chartPixels(page, '[data-chart]', { equity: [31, 111, 235] });
 */
export async function chartPixels(page: Page, selector: string, colours: Record<string, readonly [number, number, number]>) {
  return page.$$eval(
    selector,
    (elements, targets) =>
      (elements as unknown as PageElement[]).map((element) => {
        const counts: Record<string, number> = {};
        for (const name of Object.keys(targets)) counts[name] = 0;
        let width = 0;
        for (const canvas of Array.from(element.querySelectorAll('canvas')) as PageCanvas[]) {
          width = Math.max(width, canvas.width);
          if (canvas.width === 0 || canvas.height === 0) continue;
          // Read a copy: reading the chart's own canvases back makes Chromium warn about readback speed.
          const copy = (globalThis as unknown as { document: PageDocument }).document.createElement('canvas');
          copy.width = canvas.width;
          copy.height = canvas.height;
          const context = copy.getContext('2d', { willReadFrequently: true })!;
          context.drawImage(canvas, 0, 0);
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! === 0) continue;
            for (const [name, [r, g, b]] of Object.entries(targets)) {
              if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) <= 24) counts[name]! += 1;
            }
          }
        }
        return { chart: element.dataset.chart!, width, counts };
      }),
    colours,
  );
}
