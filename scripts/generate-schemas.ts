/**
 * Writes the producer contract as JSON Schema (draft 2020-12), derived from the zod schemas in
 * shared/commands.ts, for producers written in other languages:
 *   schemas/update-command.schema.json — one update command
 *   schemas/update-message.schema.json — one MNS message body: a command or an array of up to 100
 * Run `npx tsx scripts/generate-schemas.ts` after changing shared/commands.ts or shared/ice/schemas.ts;
 * a unit test fails while the committed files differ from what this produces.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UpdateCommand, UpdateMessage } from '../shared/commands.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SCHEMA_FILES = {
  'schemas/update-command.schema.json': UpdateCommand,
  'schemas/update-message.schema.json': UpdateMessage,
} as const;
export type SchemaFile = keyof typeof SCHEMA_FILES;

export function jsonSchemaOf(file: SchemaFile): Record<string, unknown> {
  return z.toJSONSchema(SCHEMA_FILES[file], { target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** Formats as Biome would, so `npm run lint` accepts the committed files as they are generated. */
function formatJson(file: string, json: unknown): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'format', `--stdin-file-path=${file}`], {
    cwd: ROOT,
    input: `${JSON.stringify(json, null, 2)}\n`,
    encoding: 'utf8',
  });
}

/** The file contents the generator writes, by path relative to the repository root. */
export function renderSchemas(): Record<SchemaFile, string> {
  const files = Object.keys(SCHEMA_FILES) as SchemaFile[];
  return Object.fromEntries(files.map((file) => [file, formatJson(file, jsonSchemaOf(file))])) as Record<
    SchemaFile,
    string
  >;
}

export function writeSchemas(root = ROOT): string[] {
  const rendered = renderSchemas();
  return Object.entries(rendered).map(([file, text]) => {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return file;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of writeSchemas()) console.log(`wrote ${file}`);
}
