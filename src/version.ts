// Kept in step with package.json by test/version.test.ts.
export const TOOL_VERSION = '1.0.0';
