/**
 * The PostgreSQL engine's ported parts answer as SQLite's do: the same app use cases on both
 * engines give the same results (ids and times aside), and transactions roll back whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addQuestions, createStudy, listStudies } from '../../src/app/studies.js';
import { createToken, revokeToken } from '../../src/app/tokens.js';
import { importParticipants } from '../../src/app/import-participants.js';
import { codeThemes } from '../../src/app/interviews.js';
import { updateSegment } from '../../src/app/segment-naming.js';
import { clusterParticipants } from '../../src/app/clustering.js';
import { queryParticipants } from '../../src/app/participants.js';
import { summarizeQuestions } from '../../src/app/summaries.js';
import { crosstab } from '../../src/app/crosstab.js';
import { driverAnalysis } from '../../src/app/drivers.js';
import type { Store } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres/engine.js';
import { expectClose } from '../helpers/engines.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { toFtsQuery } from '../../src/domain/fields.js';
import { toTsQuery } from '../../src/store/postgres/text-query.js';
import pg from 'pg';
import { sampleStudy, tinyCsv, tinyQuestions } from '../helpers/fixtures.js';
import { localFiles, seedSampleSegmentation, seedSampleStore, tempStore } from '../helpers/stores.js';

let server: PostgresServer;
let postgres: Store;
let postgresUrl: string;
const sqlite = tempStore();
beforeAll(async () => {
  server = await startPostgres();
  postgresUrl = server.createDatabase('engine');
  postgres = await openPostgresStore(postgresUrl);
}, 60_000);
afterAll(async () => {
  await postgres?.close();
  await sqlite.close();
  server?.stop();
});

const withoutTimes = (value: unknown) => JSON.parse(JSON.stringify(value, (key, v) => (/_at$/.test(key) ? '<time>' : v)));
const withoutIds = (value: unknown) => JSON.parse(JSON.stringify(withoutTimes(value), (key, v) => (['id', 'study_id', 'segmentation_id'].includes(key) ? '<id>' : typeof v === 'string' ? v.replace(/segmentation \d+/g, 'segmentation <id>') : v)));

async function studyWork(store: Store) {
  const created = await createStudy(store, { mode: 'hybrid', probing_depth: 2, ...sampleStudy.study } as Parameters<typeof createStudy>[1]);
  const questions = await addQuestions(store, created.study_id, tinyQuestions as Parameters<typeof addQuestions>[2]);
  await store.studies.saveAttributes(created.study_id, [
    { name: 'plan', type: 'category' },
    { name: 'mrr', type: 'number', format: { unit: 'USD' } },
  ]);
  await store.studies.saveAttributes(created.study_id, [{ name: 'plan', type: 'text' }]);
  return {
    created,
    questions,
    stored: await store.studies.questions(created.study_id),
    attributes: await store.studies.attributes(created.study_id),
    counts: await store.studies.counts(created.study_id),
    page: await listStudies(store, { limit: 5 }),
    completions: await store.studies.completeStudyIds(String(created.study_id)),
  };
}

describe('PostgreSQL engine: the same answers as SQLite', () => {
  it('creates studies and questions with the same results as SQLite', async () => {
    const [onSqlite, onPostgres] = [await studyWork(sqlite), await studyWork(postgres)];
    expect(withoutTimes(onPostgres)).toEqual(withoutTimes(onSqlite));
    expect(onPostgres.stored.length).toBe(tinyQuestions.length);
    expect(onPostgres.attributes).toEqual([
      { name: 'plan', type: 'text', format: {} },
      { name: 'mrr', type: 'number', format: { unit: 'USD' } },
    ]);
  });

  it('refuses a second active token of one name, verifies by secret and revokes, as SQLite does', async () => {
    const results = [];
    for (const store of [sqlite, postgres]) {
      const { token, secret } = await createToken(store, { name: 'alice', role: 'editor', studies: [1] });
      const duplicate = await createToken(store, { name: 'alice', role: 'viewer', studies: null }).catch((e: Error) => e.message);
      const verified = await store.tokens.verify(secret);
      await revokeToken(store, 'alice');
      results.push({ token, duplicate, verified, afterRevoke: await store.tokens.verify(secret), active: await store.tokens.isActive(token.id), list: await store.tokens.list() });
    }
    expect(withoutTimes(results[1])).toEqual(withoutTimes(results[0]));
    expect(results[1]!.duplicate).toMatch(/A token named "alice" already exists/);
    expect(results[1]!.verified).toMatchObject({ name: 'alice', role: 'editor', studies: [1] });
  });

  it('rolls a failed transaction back whole, and keeps a failed savepoint to itself', async () => {
    const before = await postgres.studies.countAll();
    await expect(
      postgres.transaction(async (tx) => {
        await tx.studies.create({ name: 'undone', mode: 'hybrid', probing_depth: 2 });
        throw new Error('fails');
      }),
    ).rejects.toThrow('fails');
    expect(await postgres.studies.countAll()).toBe(before);
    await postgres.transaction(async (tx) => {
      await tx.studies.create({ name: 'kept', mode: 'hybrid', probing_depth: 2 });
      await expect(tx.transaction(async (inner) => inner.studies.get(999_999))).rejects.toThrow(/No study with id 999999/);
    });
    expect(await postgres.studies.countAll()).toBe(before + 1);
  });

  it('imports a CRM export with COPY, merges a second one, and refuses a bad one whole, with the same results as SQLite', async () => {
    const importOptions = { onDuplicate: 'update', skipInvalid: false, dryRun: false } as const;
    const results = [];
    for (const store of [sqlite, postgres]) {
      const { study_id: studyId } = await createStudy(store, { name: 'Import', mode: 'hybrid', probing_depth: 2 });
      const first = await importParticipants(store, localFiles(), { studyId, path: sampleStudy.participantsCsv, ...importOptions });
      const again = await importParticipants(store, localFiles(), { studyId, csv: tinyCsv, ...importOptions });
      const merged = await importParticipants(store, localFiles(), { studyId, csv: tinyCsv.replace('Pro', 'Enterprise'), ...importOptions });
      const refused = await importParticipants(store, localFiles(), { studyId, csv: `${tinyCsv}p1,dup@example.com,Dup,Pro,1,2026-01-01,lead,new\n`, ...importOptions, onDuplicate: 'error' }).catch((e: Error) => e.message);
      const ids = [...(await store.participants.externalIds(studyId))].sort();
      const people = [];
      for (const id of ids) {
        const person = await store.participants.get(studyId, id);
        people.push({ ...person, tags: await store.participants.tags(person.id) });
      }
      results.push({ first, again, merged, refused, people, attributes: await store.studies.attributes(studyId), counts: await store.studies.counts(studyId) });
    }
    expect(withoutIds(results[1])).toEqual(withoutIds(results[0]));
    expect(results[1]!.first).toMatchObject({ inserted: 48 });
    expect(results[1]!.merged).toMatchObject({ inserted: 0 });
    expect(results[1]!.refused).toMatchObject({ written: false, inserted: 0, updated: 0 });
  });

  it('reports the writing pass\'s progress while an import streams to PostgreSQL, and a cancellation then saves nothing', async () => {
    const importOptions = { onDuplicate: 'update', skipInvalid: false, dryRun: false } as const;
    const rows = 12_000;
    const lines = ['Record ID,Email,Plan,MRR,Create Date,Tags'];
    for (let i = 0; i < rows; i++) lines.push(`${5000 + i},user${i}@example.com,${['Starter', 'Pro'][i % 2]},"$${(i % 900) + 0.5}",${1 + (i % 12)}/${1 + (i % 28)}/2024,${i % 3 ? 'new' : 'churned;at-risk'}`);
    const csv = lines.join('\n') + '\n';
    const { study_id: studyId } = await createStudy(postgres, { name: 'Progress', mode: 'hybrid', probing_depth: 2 });
    const reports: { done: number; total: number; message: string }[] = [];
    const progress = async (done: number, total: number, message: string) => void reports.push({ done, total, message });
    const result = await importParticipants(postgres, localFiles(), { studyId, csv, ...importOptions }, { progress });
    expect(result).toMatchObject({ written: true, inserted: rows, participants_total: rows });
    // Pass 1 checks (total unknown), pass 2 writes: progress counts both passes' records.
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const report of reports) {
      expect(report).toMatchObject({ total: 2 * rows, message: 'writing participants' });
      expect(report.done).toBeGreaterThan(rows);
      expect(report.done).toBeLessThan(2 * rows);
    }

    const { study_id: cancelledId } = await createStudy(postgres, { name: 'Cancelled', mode: 'hybrid', probing_depth: 2 });
    const controller = new AbortController();
    const cancelled = await importParticipants(postgres, localFiles(), { studyId: cancelledId, csv, ...importOptions }, { signal: controller.signal, progress: async () => controller.abort() }).catch((e: Error) => e);
    expect(cancelled).toBeInstanceOf(Error);
    expect((cancelled as Error).name).toBe('CancelledError');
    expect((await postgres.studies.counts(cancelledId)).participants).toBe(0);
  });

  it('records the sample study\'s interviews and codes themes with the same stored answers, quotes, themes and evidence as SQLite', async () => {
    const results = [];
    for (const store of [sqlite, postgres]) {
      const studyId = await seedSampleStore(store);
      const coded = await codeThemes(store, studyId, [
        { participant_id: 'C1001', theme: 'Pricing concern', quote: 'not in the transcript at all' },
        { participant_id: 'C1002', theme: 'pricing_concern' },
      ]);
      const people = [];
      for (const id of [...(await store.participants.externalIds(studyId))].sort()) {
        const person = await store.participants.get(studyId, id);
        people.push({
          id,
          interview: await store.interviews.get(person.id),
          answers: await store.interviews.answers(person.id),
          quotes: await store.interviews.quotes(person.id, 50),
          themes: await store.interviews.themes(person.id),
          said: await store.interviews.saidText(person.id),
        });
      }
      results.push({ coded, people, themeCounts: await store.studies.themeCounts(studyId, 100), themeQuotes: [...(await store.interviews.themeQuotes(studyId, 2))].sort(([a], [b]) => (a < b ? -1 : 1)) });
    }
    expect(withoutIds(results[1])).toEqual(withoutIds(results[0]));
    expect(results[1]!.people.filter((p) => p.interview !== undefined).length).toBeGreaterThan(40);
    expect(results[1]!.coded.warnings[0]).toMatch(/codes\[0\]: the quote is not in C1001's transcript/);
  });

  it('full-text search finds the same things as FTS5 for the documented syntax: stemmed words, "phrases", OR, NOT, prefix*', async () => {
    // The sample study was recorded on both engines by the test above.
    const queries = ['pricing', 'priced', '"pricing page"', 'onboarding OR integration', 'team NOT price', 'integrat*', 'the', 'Café', 'cafe', 'seats budget', '"too expensive" OR cheaper', 'renew*', '42'];
    const raw = new pg.Client({ connectionString: postgresUrl });
    await raw.connect();
    const found = new Map<string, number>();
    try {
      for (const query of queries) {
        const onSqlite = (sqlite.db.prepare(`SELECT p.external_id || ' ' || s.kind AS hit FROM said s JOIN participants p ON p.id = s.participant_id WHERE said MATCH ? AND p.study_id = (SELECT max(id) FROM studies WHERE name = ?)`).pluck().all(toFtsQuery(query), sampleStudy.study.name) as string[]).sort();
        const onPostgres = (await raw.query(`SELECT p.external_id || ' ' || s.kind AS hit FROM said s JOIN participants p ON p.id = s.participant_id WHERE s.document @@ to_tsquery('seglab', $1) AND p.study_id = (SELECT max(id) FROM studies WHERE name = $2)`, [toTsQuery(query), sampleStudy.study.name])).rows.map((r) => r.hit as string).sort();
        expect(onPostgres, query).toEqual(onSqlite);
        found.set(query, onPostgres.length);
      }
    } finally {
      await raw.end();
    }
    // Not equal by finding nothing: stems, phrases, OR and prefixes match on both.
    for (const query of ['priced', '"too expensive" OR cheaper', 'renew*', 'the']) expect(found.get(query), query).toBeGreaterThan(0);
    expect(found.get('team NOT price')).toBeLessThan(found.get('the')!);
  });

  it('stores a segmentation made on SQLite and reads back the same segments, members, predictions and names', async () => {
    // Clustering reads facts, not ported yet: the sample study is clustered on SQLite and stored on both.
    const { studyId, segmentationId } = await seedSampleSegmentation(sqlite);
    const onPostgresStudy = await seedSampleStore(postgres);
    const source = await sqlite.segmentations.get(segmentationId);
    const members = await sqlite.segmentations.members(segmentationId);
    const pgIds = new Map<string, number>();
    for (const id of await postgres.participants.externalIds(onPostgresStudy)) pgIds.set(id, (await postgres.participants.get(onPostgresStudy, id)).id);
    const made = {
      method: source.method,
      k: source.k,
      overlapping: source.overlapping,
      parameters: source.parameters,
      encoding: source.encoding,
      diagnostics: source.diagnostics,
      summary: source.summary,
      segments: (await sqlite.segmentations.segments(segmentationId)).map(({ segment_id, name, description, definition, profile }) => ({ segment_id, name, description, definition, profile })),
    };
    const pgSegmentation = await postgres.segmentations.create({ ...made, studyId: onPostgresStudy, members: members.map((m) => ({ participant: pgIds.get(m.participant_id)!, segment_id: m.segment_id, distance: m.distance, detail: m.detail })) });
    const copy = await sqlite.segmentations.create({ ...made, studyId, members: members.map((m) => ({ participant: m.id, segment_id: m.segment_id, distance: m.distance, detail: m.detail })) });
    const results: Awaited<ReturnType<typeof readBack>>[] = [];
    const readBack = async (store: Store, id: number, study: number) => {
      const everyone = await store.segmentations.members(id);
      return {
        row: await store.segmentations.get(id),
        list: (await store.segmentations.list(study)).slice(0, 1),
        segments: await store.segmentations.segments(id),
        members: await store.segmentations.members(id, { limit: 1000 }),
        page: await store.segmentations.members(id, { segmentId: 2, after: { participant: everyone[3]!.id, segment: 0 }, limit: 3 }),
        memberships: (await store.segmentations.memberships(id)).length,
        count: await store.segmentations.memberCount(id, 2),
        predictions: await store.segmentations.predictions(id),
        of: (await store.segmentations.segmentsOf(everyone[0]!.id)).filter((o) => o.segmentation_id === id),
        // Export pages (observed members, and with predictions the CRM model's others) and their totals.
        exported: [await store.segmentations.exportTotals(id), await store.segmentations.exportTotals(id, true), await store.segmentations.hasPredictions(id)],
        exportPages: [await store.segmentations.exportPage(id, 0, 7), await store.segmentations.exportPage(id, everyone[3]!.id, 5, true), await store.segmentations.exportPage(id, 0, 1000, true)],
        vocabulary: await store.studies.vocabularySizes(study),
        quotes: await store.interviews.quoteCount(everyone[0]!.id),
      };
    };
    for (const [store, id, study] of [[sqlite, copy, studyId], [postgres, pgSegmentation, onPostgresStudy]] as const) {
      await updateSegment(store, { segmentationId: id, segment: 1, name: 'The Pragmatist', playbook: { product: 'Ship the basics' } });
      const everyone = await store.segmentations.members(id);
      const outside = (await store.participants.externalIds(study)).size - new Set(everyone.map((m) => m.id)).size;
      expect(outside).toBeGreaterThan(0);
      const others = [];
      for (const external of [...(await store.participants.externalIds(study))].sort()) {
        const p = await store.participants.get(study, external);
        if (!everyone.some((m) => m.id === p.id)) others.push(p.id);
      }
      await store.segmentations.savePredictions(id, [...everyone.slice(0, 5).map((m) => m.id), ...others.slice(0, 4)].map((participant, i) => ({ participant, segment_id: (i % 3) + 1, confidence: 0.5 + i / 20 })), true);
      await store.segmentations.assign(id, everyone.slice(0, 2).map((m) => ({ participant: m.id, segment_id: 2, distance: 1.25, detail: null })));
      results.push(await readBack(store, id, study));
    }
    const comparable = (r: (typeof results)[number]): unknown => withoutIds({ ...r, members: r.members.map(({ id: _id, ...m }) => m), page: r.page.map(({ id: _id, ...m }) => m), predictions: r.predictions.map(({ id: _id, ...p }) => p), of: r.of.map(({ segmentation_id: _s, ...o }) => o) });
    expect(comparable(results[1]!)).toEqual(comparable(results[0]!));
    // Numbers through json come back exactly (distances, centres, diagnostics).
    expect(results[1]!.members.map((m) => m.distance)).toEqual(results[0]!.members.map((m) => m.distance));
    expect(results[1]!.segments[0]).toMatchObject({ name: 'The Pragmatist', playbook: { product: 'Ship the basics' } });
    // The export holds predicted participants besides the members, and pages stop at their limit.
    expect(results[1]!.exportPages[2]!.some((row) => row.source === 'predicted')).toBe(true);
    expect(results[1]!.exportPages[0]).toHaveLength(7);
    expect((results[1]!.exported[1] as { participants: number }).participants).toBeGreaterThan((results[1]!.exported[0] as { participants: number }).participants);
  });

  it('clusters the sample study into the same segments with the same members, centres and diagnostics (1e-9) as SQLite, also on a worker thread', async () => {
    const results = [];
    let postgresStudy = 0;
    for (const store of [sqlite, postgres]) {
      const studyId = await seedSampleStore(store);
      const facts = await store.facts.facts(studyId);
      const catalog = await store.facts.catalog(studyId);
      // Each participant's facts read through the table's view: every attribute, structured answer, theme and tag.
      const view = facts.map((f) => ({
        participant_id: f.participant_id,
        email: f.email,
        name: f.name,
        status: f.status,
        tags: f.tags,
        attributes: Object.fromEntries(catalog.attributes.map((a) => [a.name, f.attribute(a.name) ?? null])),
        answers: Object.fromEntries(catalog.questions.map((q) => [q.key, f.answer(q.key) ?? null])),
        themes: catalog.themes.filter((code) => f.hasTheme(code)),
      }));
      // The size check that sends a large study's clustering to a worker counts up to its bound only.
      expect([await store.facts.participantCount(studyId, 10), await store.facts.participantCount(studyId, 1000)]).toEqual([10, await store.facts.participantCount(studyId)]);
      const made = await clusterParticipants(store, { studyId, k: 4, bootstraps: 5 });
      const members = await store.segmentations.members(made.segmentation_id, { limit: 1000 });
      results.push({ facts: view, made, members: members.map(({ id: _id, ...m }) => m), segments: await store.segmentations.segments(made.segmentation_id) });
      postgresStudy = studyId;
    }
    // On PostgreSQL, a large study's clustering runs on a worker thread with a pool of its own (forced here): the same result.
    const onWorker = await clusterParticipants(postgres, { studyId: postgresStudy, k: 4, bootstraps: 5 }, { workerFrom: 0 });
    expect(onWorker.segmentation_id).toBeGreaterThan(results[1]!.made.segmentation_id);
    results.push({ facts: results[1]!.facts, made: onWorker, members: (await postgres.segmentations.members(onWorker.segmentation_id, { limit: 1000 })).map(({ id: _id, ...m }) => m), segments: await postgres.segmentations.segments(onWorker.segmentation_id) });
    expect(withoutIds(results[1]!.facts)).toEqual(withoutIds(results[0]!.facts));
    expect(results[1]!.members.map((m) => [m.participant_id, m.segment_id])).toEqual(results[0]!.members.map((m) => [m.participant_id, m.segment_id]));
    const untimed = (value: unknown) => JSON.parse(JSON.stringify(value, (key, v) => (/_ms$/.test(key) ? undefined : v)));
    for (const other of results.slice(1)) expectClose(untimed(withoutIds({ made: results[0]!.made, members: results[0]!.members, segments: results[0]!.segments })), untimed(withoutIds({ made: other.made, members: other.members, segments: other.segments })), 'result');
  });

  it('query_participants finds the same participants with the same values for every kind of condition', async () => {
    const searches: { where: { field: string; op: string; value?: unknown }[]; text?: string; include?: string[] }[] = [
      { where: [{ field: 'attr.plan', op: 'eq', value: 'team' }], include: ['attr.mrr', 'attr.signup_date'] },
      { where: [{ field: 'attr.mrr', op: 'gt', value: 100 }, { field: 'attr.signup_date', op: 'gte', value: '2026-06-01' }] },
      { where: [{ field: 'attr.plan', op: 'in', value: ['Team', 'Business'] }, { field: 'attr.industry', op: 'neq', value: 'retail' }] },
      { where: [{ field: 'tag', op: 'eq', value: 'new' }, { field: 'status', op: 'eq', value: 'completed' }] },
      { where: [{ field: 'answer.core_value_importance', op: 'gte', value: 8 }], include: ['answer.primary_use_case', 'answer.buying_factors', 'answer.team_usage'] },
      { where: [{ field: 'answer.primary_use_case', op: 'eq', value: 'churn analysis' }] },
      { where: [{ field: 'answer.buying_factors:Price', op: 'lte', value: 2 }], include: ['answer.buying_factors:Trust'] },
      { where: [{ field: 'answer.buying_factors', op: 'in', value: ['Price', 'Trust'] }] },
      { where: [{ field: 'answer.buying_factors', op: 'contains', value: 'Support' }] },
      { where: [{ field: 'answer.team_usage', op: 'eq', value: 'yes' }, { field: 'answer.discovery_context', op: 'contains', value: 'team' }] },
      { where: [{ field: 'segment', op: 'eq', value: 2 }], include: ['segment'] },
      { where: [{ field: 'theme', op: 'exists' }, { field: 'name', op: 'contains', value: 'an' }] },
      { where: [{ field: 'theme', op: 'exists', value: false }, { field: 'attr.tenure_months', op: 'exists' }] },
      { where: [], text: 'pricing OR integration' },
      { where: [{ field: 'status', op: 'neq', value: 'not_interviewed' }], text: '"too expensive" OR cheap*' },
    ];
    const results = [];
    for (const store of [sqlite, postgres]) {
      const studyId = await seedSampleStore(store);
      await clusterParticipants(store, { studyId, k: 4, bootstraps: 2 });
      const answers = [];
      for (const search of searches) {
        const page = await queryParticipants(store, { studyId, where: search.where as never, text: search.text, include: search.include ?? [], limit: 100 });
        answers.push({ ...page, participants: page.participants.map(({ snippets, ...p }) => ({ ...p, snippets: snippets.length })), next_cursor: page.next_cursor !== null });
      }
      results.push(answers);
    }
    for (const [i, search] of searches.entries()) {
      expect(withoutIds(results[1]![i]), JSON.stringify(search)).toEqual(withoutIds(results[0]![i]));
    }
    expect(results[1]!.every((page) => (page as { total: number }).total > 0)).toBe(true);
  });

  it('summarize_questions gives the same statistics on both engines (1e-9), overall and by every kind of group', async () => {
    const bys = [undefined, 'segment', 'attr.plan', 'attr.mrr', 'attr.signup_date', 'tag', 'theme', 'status', 'answer.primary_use_case', 'answer.team_usage', 'answer.core_value_importance', 'answer.buying_factors'];
    const results = [];
    for (const store of [sqlite, postgres]) {
      const studyId = await seedSampleStore(store);
      await clusterParticipants(store, { studyId, k: 4, bootstraps: 2 });
      const answers = [];
      for (const by of bys) answers.push(await summarizeQuestions(store, { studyId, by, includePartial: by === 'status' }));
      // Dates by the unit asked for; a grouping of more values than shown folds the rest into "Other"; a page of two questions.
      for (const dateUnit of ['quarter', 'year'] as const) answers.push(await summarizeQuestions(store, { studyId, by: 'attr.signup_date', dateUnit, includePartial: false }));
      answers.push(await summarizeQuestions(store, { studyId, by: 'attr.company', includePartial: false }));
      const first = await summarizeQuestions(store, { studyId, questions: ['primary_use_case', 'team_usage', 'buying_factors'], by: 'segment', includePartial: false });
      answers.push(first);
      results.push(answers);
    }
    for (const [i, by] of bys.entries()) expectClose(withoutIds(results[0]![i]), withoutIds(results[1]![i]), `by ${by}`);
    for (let i = bys.length; i < results[0]!.length; i++) expectClose(withoutIds(results[0]![i]), withoutIds(results[1]![i]), `summary ${i}`);
    const folded = results[1]![bys.length + 2] as { by: { groups: unknown[]; groups_total: number; note: string } };
    expect(folded.by.groups_total).toBeGreaterThan(folded.by.groups.length);
    expect(folded.by.note).toMatch(/the rest in "Other/);
    expect((results[1]![bys.length] as { by: { date_unit: string } }).by.date_unit).toBe('quarter');
    expect(results[1]![0]!.questions.find((q) => q.key === 'core_value_importance')!.n).toBeGreaterThan(30);
  });

  it('crosstabs and driver analyses are equal on both engines (1e-9): tables, tests, residuals, correlations, relative weights', async () => {
    const tables = [
      ['segment', 'answer.primary_use_case'],
      ['attr.plan', 'answer.team_usage'],
      ['attr.mrr', 'answer.core_value_importance'],
      ['tag', 'answer.buying_factors'],
      ['theme', 'attr.industry'],
      ['status', 'attr.company_size'],
      ['answer.buying_factors:Price', 'attr.signup_date'],
    ] as const;
    const driverSets = [
      { outcome: 'answer.core_value_importance' },
      { outcome: 'answer.core_value_importance', drivers: ['attr.mrr', 'attr.seats', 'attr.signup_date', 'answer.team_usage', 'answer.primary_use_case', 'answer.buying_factors', 'theme'] },
      { outcome: 'attr.mrr', drivers: ['attr.seats', 'attr.logins_30d', 'answer.buying_factors:Price'] },
    ];
    const results = [];
    for (const store of [sqlite, postgres]) {
      const studyId = await seedSampleStore(store);
      const { segmentation_id: segmentationId } = await clusterParticipants(store, { studyId, k: 4, bootstraps: 2 });
      const answers: unknown[] = [];
      for (const [rows, columns] of tables) answers.push(await crosstab(store, { studyId, rows, columns, includePartial: rows === 'status' }));
      answers.push(await crosstab(store, { studyId, rows: 'attr.signup_date', columns: 'attr.plan', dateUnit: 'quarter' }));
      answers.push(await crosstab(store, { studyId, rows: 'attr.company', columns: 'attr.industry' }));
      for (const set of driverSets) answers.push(await driverAnalysis(store, { studyId, ...set, segmentationId }));
      results.push(answers);
    }
    for (const [i, answer] of results[0]!.entries()) expectClose(withoutIds(answer), withoutIds(results[1]![i]), `analysis ${i}`);
    expect((results[1]![0] as { n: number }).n).toBeGreaterThan(30);
    expect((results[1]![tables.length + 3] as { overall: { drivers: unknown[] } }).overall.drivers.length).toBeGreaterThan(5);
    expect((results[1]![tables.length] as { rows: { date_unit: string } }).rows.date_unit).toBe('quarter');
  });
});
