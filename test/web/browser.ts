import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

// Debian's headless chromium, driven by playwright-core (no browser download). Under CI=true a missing
// chromium is a failure, not a skip: CI installs it with apt.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.tmp/screenshots');

export function requireChromium(): void {
  if (!HAVE_CHROMIUM && process.env.CI === 'true')
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser tests.`,
    );
}

/** Debian's chromium, headless, without the background networking this machine's closed network refuses. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export const screenshotPath = (name: string): string => resolve(SCREENSHOT_DIR, `${name}.png`);
