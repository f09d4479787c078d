// `npm run schema`: writes docs/preflight.schema.json, docs/repo-settings.schema.json and docs/report.schema.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../src/config/json-schema.ts';
import { REPO_SETTINGS_SCHEMA_FILE, repoSettingsJsonSchemaText } from '../src/config/repo-settings.ts';
import { REPORT_SCHEMA_FILE, reportJsonSchemaText } from '../src/report/json.ts';

writeFileSync(JSON_SCHEMA_FILE, configJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
writeFileSync(REPO_SETTINGS_SCHEMA_FILE, repoSettingsJsonSchemaText());
console.log(`wrote ${REPO_SETTINGS_SCHEMA_FILE}`);
writeFileSync(REPORT_SCHEMA_FILE, reportJsonSchemaText());
console.log(`wrote ${REPORT_SCHEMA_FILE}`);
