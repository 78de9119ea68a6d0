/** shiftedListFacts: list_studies' kept counts adjusted by a write's change, or left to be counted again. */
import { describe, expect, it } from 'vitest';
import { interviewCountsChange, LISTED_TAGS, newParticipantChange, removedParticipantChange, shiftedListFacts, type ListFacts } from '../../src/store/studies.js';

const facts: ListFacts = {
  version: 7,
  counts: { participants: 10, interviews_completed: 4, interviews_partial: 2, not_interviewed: 4 },
  tags: [
    { tag: 'churned', count: 5 },
    { tag: 'expanded', count: 3 },
    { tag: 'new', count: 1 },
  ],
};

describe('shiftedListFacts', () => {
  it('moves an interview between statuses and stamps the new version', () => {
    expect(shiftedListFacts(facts, interviewCountsChange(null, 'completed'), 8)).toEqual({ ...facts, version: 8, counts: { participants: 10, interviews_completed: 5, interviews_partial: 2, not_interviewed: 3 } });
    expect(shiftedListFacts(facts, interviewCountsChange('partial', 'completed'), 8)!.counts).toEqual({ participants: 10, interviews_completed: 5, interviews_partial: 1, not_interviewed: 4 });
    expect(shiftedListFacts(facts, interviewCountsChange('completed', 'completed'), 8)!.counts).toEqual(facts.counts);
  });

  it('adds a new participant with its tags, re-sorted by count then tag, and drops a tag nobody has any more', () => {
    const added = shiftedListFacts(facts, newParticipantChange(['expanded', 'alpha']), 8)!;
    expect(added.counts).toEqual({ participants: 11, interviews_completed: 4, interviews_partial: 2, not_interviewed: 5 });
    expect(added.tags).toEqual([
      { tag: 'churned', count: 5 },
      { tag: 'expanded', count: 4 },
      { tag: 'alpha', count: 1 },
      { tag: 'new', count: 1 },
    ]);
    const removed = shiftedListFacts(facts, removedParticipantChange('partial', ['new', 'churned']), 8)!;
    expect(removed.counts).toEqual({ participants: 9, interviews_completed: 4, interviews_partial: 1, not_interviewed: 4 });
    expect(removed.tags).toEqual([
      { tag: 'churned', count: 4 },
      { tag: 'expanded', count: 3 },
    ]);
    expect(shiftedListFacts(facts, removedParticipantChange(null, []), 8)!.counts).toEqual({ participants: 9, interviews_completed: 4, interviews_partial: 2, not_interviewed: 3 });
  });

  it('gives up (null: count again) on a tag it cannot know once the kept tags are cut at LISTED_TAGS', () => {
    const full: ListFacts = { ...facts, tags: Array.from({ length: LISTED_TAGS }, (_, i) => ({ tag: `t${String(i).padStart(2, '0')}`, count: 100 - i })) };
    expect(shiftedListFacts(full, newParticipantChange(['outside']), 8)).toBeNull();
    expect(shiftedListFacts(full, removedParticipantChange(null, ['t00']), 8)).toBeNull();
    expect(shiftedListFacts(full, newParticipantChange(['t10']), 8)!.tags.find((t) => t.tag === 't10')).toEqual({ tag: 't10', count: 91 });
    expect(shiftedListFacts(full, interviewCountsChange(null, 'partial'), 8)!.tags).toEqual(full.tags);
  });
});
