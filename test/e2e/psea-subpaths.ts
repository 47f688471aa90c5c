/**
 * The package's own subpaths (`psea/receipt`, `psea/client`) mapped to their
 * sources. The examples import them as a user of the package would; the e2e
 * project (vitest.config.ts) and the bundle of an example's entry point
 * resolve them here, so an example runs from a clean checkout, with no build.
 */
const source = (path: string): string => new URL(`../../${path}`, import.meta.url).pathname;

export const PSEA_SUBPATHS: Record<string, string> = {
  'psea/receipt': source('packages/psea/src/receipt/index.ts'),
  'psea/client': source('packages/psea/src/client/index.ts'),
  'psea/evidence': source('packages/psea/src/evidence/index.ts'),
  'psea/offline': source('packages/psea/src/offline/index.ts'),
};
