import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolSchemas } from '../src/schemas.js';

const dir = new URL('../schemas/', import.meta.url);

describe('schemas/', () => {
  it('holds the JSON Schema of every tool input and output, up to date with the zod definitions (npm run schemas)', () => {
    const generated = toolSchemas();
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(onDisk).toEqual(Object.keys(generated).sort());
    for (const [file, schema] of Object.entries(generated)) {
      expect(JSON.parse(readFileSync(new URL(file, dir), 'utf8')), `${file} is out of date: run npm run schemas`).toEqual(schema);
    }
  });
});
