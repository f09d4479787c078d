// Renders an HTML report to a full-page PNG in headless Chromium, offline (for docs/images/report.png).
//
//   node --import tsx scripts/screenshot-report.ts report.html docs/images/report.png [--dark] [--width 1280] [--max-height PIXELS]
//
// --max-height keeps only the top of a long page (a README picture need not hold every section).
//
// Chromium comes from the @sparticuz/chromium dev dependency (scripts/chromium.ts); CHROMIUM_PATH picks another binary.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.ts';

const USAGE = 'usage: screenshot-report.ts INPUT.html OUTPUT.png [--dark] [--width PIXELS] [--max-height PIXELS]';

interface Options {
  input: string;
  output: string;
  dark: boolean;
  width: number;
  maxHeight?: number;
}

function parseArgs(argv: string[]): Options | string {
  const positional: string[] = [];
  let dark = false;
  let width = 1280;
  let maxHeight: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dark') dark = true;
    else if (arg === '--width') {
      width = Number(argv[++i]);
      if (!Number.isInteger(width) || width < 320 || width > 4000) return `--width expects a whole number of pixels from 320 to 4000. ${USAGE}`;
    } else if (arg === '--max-height') {
      maxHeight = Number(argv[++i]);
      if (!Number.isInteger(maxHeight) || maxHeight < 100) return `--max-height expects a whole number of pixels, at least 100. ${USAGE}`;
    } else if (arg.startsWith('--')) return `unknown option ${arg}. ${USAGE}`;
    else positional.push(arg);
  }
  if (positional.length !== 2) return USAGE;
  return { input: path.resolve(positional[0]), output: path.resolve(positional[1]), dark, width, maxHeight };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  if (!existsSync(options.input)) {
    console.error(`No such file: ${options.input}`);
    return 2;
  }
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: options.width, height: 900 },
      colorScheme: options.dark ? 'dark' : 'light',
      offline: true,
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(options.input).href, { waitUntil: 'load' });
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    const height = Math.min(pageHeight, options.maxHeight ?? pageHeight);
    await page.screenshot({ path: options.output, fullPage: true, clip: { x: 0, y: 0, width: options.width, height } });
    console.log(`wrote ${options.output}`);
    return 0;
  } finally {
    await browser.close();
  }
}

process.exitCode = await main();
