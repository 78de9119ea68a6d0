/** get_segmentation: a stored segmentation's segments with profiles and data-built personas, and a page of members. */
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { segmentName } from '../domain/segments/labels.js';
import { personaCard } from '../domain/segments/persona.js';
import type { Store } from '../store/index.js';
import { definitionText, loadSegmentation, resolveSegment, type LoadedSegmentation } from './segmentations.js';

export interface SegmentationViewRequest {
  segmentationId: number;
  /** One segment (number or name); all when omitted. */
  segment?: number | string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The segments of a loaded segmentation as get_segmentation and the report describe them. */
export function segmentViews(store: Store, loaded: LoadedSegmentation, focus: number | null = null) {
  const { segmentation } = loaded;
  const stability = segmentation.diagnostics?.stability ?? null;
  const memberIds = loaded.facts.map((f) => f.id);
  const evidence = store.facts.themeEvidence(segmentation.study_id, memberIds);
  const texts = store.facts.texts(segmentation.study_id, memberIds);
  return loaded.segments
    .map((s, g) => ({ s, g }))
    .filter(({ s }) => focus === null || s.segment_id === focus)
    .map(({ s, g }) => {
      const inSegment = new Set(loaded.groups[g]);
      const stored = s.profile;
      return {
        segment_id: s.segment_id,
        name: s.name,
        description: s.description,
        size: s.size,
        share: s.size / loaded.population,
        stability: stability?.[g] ?? null,
        definition: definitionText(segmentation.method, s.definition),
        profile: stored.profile,
        distinguishing: stored.distinguishing,
        representatives: stored.representatives,
        quotes: stored.quotes,
        distinctive_words: stored.distinctive_words,
        playbook: s.playbook,
        persona: personaCard({
          name: segmentName(s),
          narrative: s.persona,
          members: loaded.groups[g]!.map((i) => loaded.facts[i]!),
          rest: loaded.facts.filter((_, i) => !inSegment.has(i)),
          catalog: loaded.catalog,
          distinguishing: stored.distinguishing,
          evidence,
          texts,
          quote: stored.quotes[0] ?? null,
        }),
      };
    });
}

export function segmentationView(store: Store, request: SegmentationViewRequest) {
  const loaded = loadSegmentation(store, request.segmentationId);
  const { segmentation } = loaded;
  const focus = request.segment === undefined ? null : resolveSegment(loaded.segments, request.segment);
  const after = request.cursor ? decodeCursor(request.cursor, 'member') : 0;
  const rows = store.segmentations.members(request.segmentationId, { segmentId: focus?.segment_id, after: { participant: Math.floor(after / 100), segment: after % 100 }, limit: request.limit + 1 });
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    segmentation_id: request.segmentationId,
    study_id: segmentation.study_id,
    method: segmentation.method,
    k: segmentation.k,
    overlapping: segmentation.overlapping,
    created_at: segmentation.created_at,
    parameters: segmentation.parameters,
    warnings: segmentation.summary.warnings,
    segments: segmentViews(store, loaded, focus?.segment_id ?? null),
    members: {
      total: store.segmentations.memberCount(request.segmentationId, focus?.segment_id),
      participants: page.map((m) => ({ participant_id: m.participant_id, name: m.name, email: m.email, segment_id: m.segment_id, distance: m.distance, assigned_by: m.assigned_by })),
      next_cursor: rows.length > request.limit && last ? encodeCursor('member', last.id * 100 + last.segment_id) : null,
    },
  };
}
