import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, reportsDirectory } from '../src/config.js';

describe('defaultDatabasePath', () => {
  it('prefers SEGLAB_DB, then a per-user data folder', () => {
    expect(defaultDatabasePath({ SEGLAB_DB: '/tmp/x.db' }, 'linux')).toBe('/tmp/x.db');
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/seglab/seglab.db');
    expect(defaultDatabasePath({}, 'linux')).toMatch(/\.local\/share\/seglab\/seglab\.db$/);
    expect(defaultDatabasePath({}, 'darwin')).toMatch(/Library\/Application Support\/seglab\/seglab\.db$/);
  });

  it('ignores a ${...} template a host left unfilled (an MCP bundle setting nobody set)', () => {
    expect(defaultDatabasePath({ SEGLAB_DB: '${user_config.data_folder}/seglab.db', XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/seglab/seglab.db');
    expect(reportsDirectory('/data/seglab/seglab.db', '3f2a9c1e0b7d', undefined, { SEGLAB_REPORTS: '${DOCUMENTS}/seglab/reports' })).toBe('/data/seglab/reports/seglab-3f2a9c1e0b7d');
    expect(reportsDirectory('/data/seglab/seglab.db', '3f2a9c1e0b7d', undefined, { SEGLAB_REPORTS: '/srv/reports' })).toBe('/srv/reports/seglab-3f2a9c1e0b7d');
  });

  it('writes reports in a folder of the database\'s own: beside it, under --reports or SEGLAB_REPORTS; a private one for :memory:', () => {
    expect(reportsDirectory('/data/client-a.db', '3f2a9c1e0b7d', undefined, {})).toBe('/data/reports/client-a-3f2a9c1e0b7d');
    expect(reportsDirectory('/data/client-a.db', '3f2a9c1e0b7d', '/shared', { SEGLAB_REPORTS: '/env' })).toBe('/shared/client-a-3f2a9c1e0b7d');
    expect(reportsDirectory('/data/client-a.db', '3f2a9c1e0b7d', undefined, { SEGLAB_REPORTS: '/env' })).toBe('/env/client-a-3f2a9c1e0b7d');
    expect(reportsDirectory(':memory:', '3f2a9c1e0b7d', undefined, {})).toMatch(/seglab-reports-/);
    expect(reportsDirectory(':memory:', '3f2a9c1e0b7d', '/shared', {})).toBe('/shared/memory-3f2a9c1e0b7d');
  });
});
