/**
 * Words one group uses distinctively compared with another: the log-odds ratio with an
 * informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 22), using
 * both groups' pooled counts as the prior. z > 1.96 is a word the group really leans on.
 */
const STOPWORDS = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours also get got one really like just lot much even still yeah well thing things going go want know think make made us dont im its thats weve were theyre ive didnt cant wont isnt').split(/\s+/),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().replace(/['’]/g, '').match(/\p{L}[\p{L}\p{N}-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));
}

/** How often each word occurs in the texts. */
export function wordCounts(texts: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) for (const w of tokenize(t)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** `total` minus `part`, word by word (the counts of everyone else, without tokenizing them again). */
export function subtractCounts(total: ReadonlyMap<string, number>, part: ReadonlyMap<string, number>): Map<string, number> {
  const rest = new Map(total);
  for (const [w, c] of part) {
    const left = (rest.get(w) ?? 0) - c;
    if (left > 0) rest.set(w, left);
    else rest.delete(w);
  }
  return rest;
}

export interface DistinctiveWord {
  word: string;
  z: number;
  count: number;
}

/** Words ranked by how much more group a uses them than group b (z-scores; both directions returned). */
export function distinctiveWords(a: readonly string[], b: readonly string[], max = 8): { a: DistinctiveWord[]; b: DistinctiveWord[] } {
  return distinctiveWordCounts(wordCounts(a), wordCounts(b), max);
}

/** distinctiveWords from word counts already made (describing many segments tokenizes each text once). */
export function distinctiveWordCounts(ca: ReadonlyMap<string, number>, cb: ReadonlyMap<string, number>, max = 8): { a: DistinctiveWord[]; b: DistinctiveWord[] } {
  const prior = new Map<string, number>();
  for (const [w, c] of ca) prior.set(w, c);
  for (const [w, c] of cb) prior.set(w, (prior.get(w) ?? 0) + c);
  const na = [...ca.values()].reduce((s, c) => s + c, 0);
  const nb = [...cb.values()].reduce((s, c) => s + c, 0);
  const a0 = na + nb;
  const scored: DistinctiveWord[] = [];
  for (const [w, alpha] of prior) {
    const ya = ca.get(w) ?? 0;
    const yb = cb.get(w) ?? 0;
    const delta = Math.log((ya + alpha) / (na + a0 - ya - alpha)) - Math.log((yb + alpha) / (nb + a0 - yb - alpha));
    const variance = 1 / (ya + alpha) + 1 / (yb + alpha);
    scored.push({ word: w, z: delta / Math.sqrt(variance), count: ya - yb });
  }
  const forA = scored.filter((s) => s.z > 1.96).sort((x, y) => y.z - x.z).slice(0, max).map((s) => ({ ...s, count: ca.get(s.word) ?? 0 }));
  const forB = scored.filter((s) => s.z < -1.96).sort((x, y) => x.z - y.z).slice(0, max).map((s) => ({ ...s, z: -s.z, count: cb.get(s.word) ?? 0 }));
  return { a: forA, b: forB };
}

/** How telling a quote is for a group: the summed z of the distinctive words it contains. */
export function quoteScore(text: string, words: readonly DistinctiveWord[]): number {
  const z = new Map(words.map((w) => [w.word, w.z]));
  let score = 0;
  for (const w of new Set(tokenize(text))) score += z.get(w) ?? 0;
  return score;
}
