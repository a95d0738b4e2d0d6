// Renders the app icon, stagecraft.svg, to the PNG sizes that electron-builder and the desktop
// environments use, with Debian's Chromium: `node assets/icons/render-icons.mjs`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const folder = dirname(fileURLToPath(import.meta.url));
const SIZES = [256, 512];
const svg = readFileSync(join(folder, 'stagecraft.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const image = svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${image}</body></html>`,
    );
    await page.screenshot({
      path: join(folder, `${size}x${size}.png`),
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    await page.close();
  }
} finally {
  await browser.close();
}
