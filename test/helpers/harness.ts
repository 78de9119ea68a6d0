/** An MCP client connected to a fresh in-memory seglab server: the real protocol, no process. */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { silentLogger, type Logger } from '../../src/log.js';
import { createServer } from '../../src/server.js';
import { openTestStore, postgresTestStore, testPostgresServer, type TestStore } from './stores.js';
import type { ToolDeps } from '../../src/tools/define.js';
import type { Caller } from '../../src/domain/access.js';

export interface Harness {
  client: Client;
  store: TestStore;
  /** Where this server writes reports and exports. */
  outputDir: string;
  /** Calls a tool and expects success; returns structuredContent. */
  ok<T = any>(tool: string, args: Record<string, unknown>): Promise<T>;
  /** Calls a tool and expects an isError result; returns its text. */
  fail(tool: string, args: Record<string, unknown>): Promise<string>;
  /** The raw result. */
  call(tool: string, args: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}


export async function connect(options: { files?: Partial<ToolDeps['files']>; dbPath?: string; log?: Logger } = {}): Promise<Harness> {
  const postgres = testPostgresServer();
  const store = postgres && options.dbPath === undefined ? await postgresTestStore(postgres) : openTestStore(options.dbPath ?? ':memory:');
  const outputDir = options.files?.outputDir ?? mkdtempSync(join(tmpdir(), 'seglab-out-'));
  const server = createServer({ store, log: options.log ?? silentLogger, files: { allowAnyPath: true, importRoot: null, ...options.files, outputDir } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'seglab-test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);

  const call = (tool: string, args: Record<string, unknown>) => client.callTool({ name: tool, arguments: args });
  return {
    client,
    store,
    outputDir,
    call,
    async ok(tool, args) {
      const result: any = await call(tool, args);
      if (result.isError) throw new Error(`${tool} failed: ${result.content?.[0]?.text}`);
      expect(result.structuredContent).toBeDefined();
      expect(result.content[0].type).toBe('text');
      expect(result.content[0].text.length).toBeGreaterThan(0);
      return result.structuredContent;
    },
    async fail(tool, args) {
      const result: any = await call(tool, args);
      expect(result.isError, `${tool} should fail but returned ${JSON.stringify(result.structuredContent)?.slice(0, 300)}`).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      return result.content[0].text as string;
    },
    async close() {
      await client.close();
      await server.close();
      await store.close();
    },
  };
}

/** A second client on the harness's database, signed in as `caller` (e.g. a token limited to some studies), without file access. */
export async function connectAs(h: Harness, caller: Caller): Promise<Client> {
  const server = createServer({ store: h.store, log: silentLogger, files: { allowAnyPath: false, importRoot: null, outputDir: h.outputDir }, caller });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: caller.name, version: '1' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}
