/**
 * server.json for the MCP registry, validated against the registry's schema 2025-12-11 (checked in:
 * test/fixtures/registry/server.schema.2025-12-11.json, the registry's own copy of
 * https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json), plus the rules
 * the registry adds at publish time that can be checked offline.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8'));
const schema = read('../fixtures/registry/server.schema.2025-12-11.json');
const server = read('../../server.json');
const pkg = read('../../package.json');

// The schema uses OpenAPI's "example" keyword, which strict mode would refuse as unknown.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

describe('server.json', () => {
  it('validates against the registry schema it names', () => {
    expect(server.$schema).toBe(schema.$id);
    const valid = validate(server);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check does fail on what the registry refuses', () => {
    expect(validate({ ...server, name: 'seglab' })).toBe(false);
    expect(validate({ ...server, description: 'x'.repeat(101) })).toBe(false);
    expect(validate({ ...server, packages: [{ ...server.packages[0], version: 'latest' }] })).toBe(false);
    expect(validate({ ...server, remotes: [{ type: 'streamable-http', url: 'not a url' }] })).toBe(false);
  });

  it('describes the npm package that package.json publishes, as the registry requires', () => {
    expect(pkg.private).toBeUndefined();
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    const [npm] = server.packages;
    expect(npm).toMatchObject({ registryType: 'npm', registryBaseUrl: 'https://registry.npmjs.org', identifier: pkg.name, version: pkg.version, transport: { type: 'stdio' } });
    expect(npm.packageArguments).toEqual([{ type: 'positional', value: 'serve' }]);
    expect(npm.environmentVariables.map((v: { name: string }) => v.name)).toEqual(['SEGLAB_DB', 'SEGLAB_REPORTS', 'SEGLAB_LOG']);
  });

  it('the HTTP remote: streamable HTTP over TLS, every URL variable defined, no localhost', () => {
    for (const remote of server.remotes) {
      expect(remote.type).toBe('streamable-http');
      expect(remote.url).toMatch(/^https:\/\/.*\/mcp$/);
      const variables = [...(remote.url as string).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(variables.length).toBeGreaterThan(0);
      for (const variable of variables) expect(remote.variables?.[variable!]?.description).toBeTruthy();
      expect(new URL(remote.url.replace(/\{[^}]+\}/g, 'placeholder')).hostname).not.toMatch(/^(localhost|127\.)/);
    }
  });
});
