/** update_segment: a segment's name, description, persona narrative and playbook. */
import { demographicName } from '../domain/segments/validation.js';
import { clipJson } from '../domain/budget.js';
import { UserError } from '../errors.js';

/** The longest saved text echoed back whole; longer ones come back as a preview. */
const ECHO_CHARS = 1200;
import type { Store } from '../store/index.js';
import type { Playbook } from '../store/segmentation-json.js';
import { resolveSegment } from './segmentations.js';

export interface SegmentUpdate {
  segmentationId: number;
  segment: number | string;
  name?: string | undefined;
  description?: string | undefined;
  persona?: string | undefined;
  /** Merged into the segment's playbook. */
  playbook?: Playbook | undefined;
}

export async function updateSegment(store: Store, args: SegmentUpdate) {
  await store.segmentations.get(args.segmentationId);
  const segments = await store.segmentations.segments(args.segmentationId);
  const segment = resolveSegment(segments, args.segment);
  const updated = (['name', 'description', 'persona', 'playbook'] as const).filter((k) => args[k] !== undefined);
  if (updated.length === 0) throw new UserError('Nothing to update: give name, description, persona or playbook.');
  const warnings: string[] = [];
  if (args.name !== undefined) {
    const clash = segments.find((s) => s !== segment && s.name?.toLowerCase() === args.name!.toLowerCase());
    if (clash) throw new UserError(`name: segment ${clash.segment_id} is already called "${clash.name}"; names must differ within a segmentation.`);
    if (demographicName(args.name)) warnings.push(`"${args.name}" reads as a demographic bucket; names that describe behaviour or motivation ("The Pragmatist", "The Risk-Averse Buyer") are easier for teams to act on.`);
  }
  const playbook = args.playbook ? { ...(segment.playbook ?? {}), ...args.playbook } : undefined;
  await store.transaction(async (tx) => await tx.segmentations.updateSegment(args.segmentationId, segment.segment_id, { name: args.name, description: args.description, persona: args.persona, playbook }));
  const after = (await store.segmentations.segments(args.segmentationId)).find((s) => s.segment_id === segment.segment_id)!;
  // The saved texts come back as previews (the caller just sent them; get_segmentation shows them).
  const preview = (text: string | null) => (text === null ? null : clipJson(text, ECHO_CHARS));
  const playbookPreview = after.playbook === null ? null : Object.fromEntries(Object.entries(after.playbook).map(([k, v]) => [k, typeof v === 'string' ? clipJson(v, ECHO_CHARS) : v]));
  return { segmentation_id: args.segmentationId, segment_id: after.segment_id, name: after.name, description: preview(after.description), persona: preview(after.persona), playbook: playbookPreview, updated, warnings };
  }
