/**
 * The quotes a report shows per theme: each theme's longest distinct evidence texts, the earliest
 * recorded first among equals, each credited to the lowest participant id that gave it. Fed the
 * evidence in recording order (ascending id), it keeps only each theme's best few so far, never
 * every text (a million pieces of evidence held at once were 450 MB): a text's rank is fixed at its
 * first appearance, and a text that ranks below the kept ones then never rises above them later.
 */
export class ThemeQuotePicker {
  private readonly best = new Map<string, { text: string; participant_id: string }[]>();
  private lastId = -Infinity;

  constructor(private readonly perTheme: number) {}

  /** One piece of evidence (non-empty); `id`s must ascend from call to call. */
  add(code: string, id: number, participantId: string, text: string): void {
    if (id <= this.lastId) throw new Error('ThemeQuotePicker: evidence must come in ascending id order');
    this.lastId = id;
    let kept = this.best.get(code);
    if (!kept) this.best.set(code, (kept = []));
    const known = kept.find((q) => q.text === text);
    if (known) {
      if (participantId < known.participant_id) known.participant_id = participantId;
      return;
    }
    // Later than every kept text: it goes after those at least as long.
    let at = 0;
    while (at < kept.length && kept[at]!.text.length >= text.length) at++;
    if (at >= this.perTheme) return;
    kept.splice(at, 0, { text, participant_id: participantId });
    if (kept.length > this.perTheme) kept.pop();
  }

  /** Per theme (in order of first evidence), its quotes, best first. */
  quotes(): Map<string, { participant_id: string; text: string }[]> {
    return new Map([...this.best].map(([code, kept]) => [code, kept.map((q) => ({ participant_id: q.participant_id, text: q.text }))]));
  }
}
