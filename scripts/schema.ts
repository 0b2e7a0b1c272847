/**
 * Writes `schema/bot-config.schema.json`, the JSON Schema of the bot configuration
 * document, generated from the widget's valibot schema (widget/config/schema.ts)
 * with @valibot/to-json-schema, so editors can autocomplete and check documents
 * (`"$schema": ".../bot-config.schema.json"`). `npm run schema`; a unit test fails
 * when the committed file is stale.
 */
import { writeFileSync } from 'node:fs'
import { toJsonSchema } from '@valibot/to-json-schema'
import { BotConfigSchema } from '../widget/config/schema'

/** The JSON Schema document, as written to disk (2-space JSON, trailing newline). */
export function botConfigJsonSchema(): string {
  const schema = toJsonSchema(BotConfigSchema, { errorMode: 'ignore' })
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...schema,
    $id: 'https://reekolect.example/schema/bot-config.schema.json',
    title: 'Reekolect bot configuration document',
    description:
      'Settings and chat flows of one bot (version 1). Our extension: the platform help centre describes these settings and components as editor screens, not a file format. See README, "Bot configuration document".',
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

if (process.argv[1]?.endsWith('schema.ts')) {
  writeFileSync('schema/bot-config.schema.json', botConfigJsonSchema())
  console.log('wrote schema/bot-config.schema.json')
}
