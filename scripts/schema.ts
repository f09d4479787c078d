// `npm run schema`: writes docs/preflight.schema.json from the config's zod schema.
import { writeFileSync } from 'node:fs';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../src/config/json-schema.ts';

writeFileSync(JSON_SCHEMA_FILE, configJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
