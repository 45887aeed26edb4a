/** Mocha's root hooks (.mocharc.json `require`): what every test file shares is released after the run. */
import { closeChromium } from './chromium';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeChromium();
  },
};
