/** importParticipants: inline and file CSVs, all or nothing, and which files the server may read. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importParticipants, type ImportRequest } from '../../src/app/import-participants.js';
import { createStudy } from '../../src/app/studies.js';
import { localFiles, tempDir, testStore } from '../helpers/stores.js';

const store = await testStore();
afterAll(() => store.close());
const newStudy = async () => (await createStudy(store, { name: 'Imports', mode: 'hybrid', probing_depth: 2 })).study_id;
const request = (studyId: number, more: Partial<ImportRequest>): ImportRequest => ({ studyId, onDuplicate: 'update', skipInvalid: false, dryRun: false, ...more });

describe('importParticipants', () => {
  it('types columns, writes everyone in one go, and writes nothing when a line is bad', async () => {
    const studyId = await newStudy();
    const r = await importParticipants(store, localFiles(), request(studyId, { csv: 'id;email;mrr;tags\nc1;a@x.example;1234.5;churned\nc2;;0;\n' }));
    expect(r).toMatchObject({ written: true, inserted: 2, delimiter: ';', participants_total: 2 });
    expect((await store.participants.get(studyId, 'c1')).attributes).toEqual({ mrr: 1234.5 });
    const bad = await importParticipants(store, localFiles(), request(studyId, { csv: 'id,mrr\nc3,5\nc4,lots\n' }));
    expect(bad).toMatchObject({ written: false, inserted: 0, errors: [{ line: 3, message: '"lots" in column "mrr" is not a number' }] });
    expect((await store.studies.counts(studyId)).participants).toBe(2);
    const dry = await importParticipants(store, localFiles(), request(studyId, { csv: 'id\nc5\n', dryRun: true }));
    expect([dry.written, dry.inserted, (await store.studies.counts(studyId)).participants]).toEqual([false, 1, 2]);
  });

  it('over HTTP reads files only inside the allowed folder, and a link out of it is refused', async () => {
    const studyId = await newStudy();
    const root = tempDir('seglab-import-root-');
    const outside = tempDir('seglab-import-outside-');
    writeFileSync(join(root, 'ok.csv'), 'id\na\n');
    writeFileSync(join(outside, 'secret.csv'), 'id\nsecret\n');
    symlinkSync(join(outside, 'secret.csv'), join(root, 'link.csv'));
    mkdirSync(join(root, 'folder'));
    const http = { allowAnyPath: false, importRoot: root, outputDir: tempDir() };
    expect((await importParticipants(store, http, request(studyId, { path: 'ok.csv' }))).inserted).toBe(1);
    await expect(importParticipants(store, http, request(studyId, { path: 'link.csv' }))).rejects.toThrow(/"link.csv" is outside the folder this server may read/);
    await expect(importParticipants(store, http, request(studyId, { path: '../secret.csv' }))).rejects.toThrow(/No file at "..\/secret.csv"|outside the folder/);
    await expect(importParticipants(store, http, request(studyId, { path: 'folder' }))).rejects.toThrow('"folder" is not a file.');
    await expect(importParticipants(store, { ...http, importRoot: null }, request(studyId, { path: 'ok.csv' }))).rejects.toThrow(/Reading files is disabled over HTTP/);
    await expect(importParticipants(store, http, request(studyId, {}))).rejects.toThrow(/exactly one of `csv`/);
    expect(await store.participants.find(studyId, 'secret')).toBeUndefined();
  });
});
