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
    expect(reportsDirectory('/data/seglab/seglab.db', { SEGLAB_REPORTS: '${DOCUMENTS}/seglab/reports' })).toBe('/data/seglab/reports');
    expect(reportsDirectory('/data/seglab/seglab.db', { SEGLAB_REPORTS: '/srv/reports' })).toBe('/srv/reports');
  });

  it('writes reports beside the database unless SEGLAB_REPORTS says where', () => {
    expect(reportsDirectory('/data/seglab/seglab.db', {})).toBe('/data/seglab/reports');
    expect(reportsDirectory('/data/seglab/seglab.db', { SEGLAB_REPORTS: '/out' })).toBe('/out');
  });
});
