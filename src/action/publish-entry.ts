import { runPublish } from './publish-main.ts';

await runPublish();
