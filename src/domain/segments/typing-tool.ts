/**
 * The "typing tool": a shallow classification tree (CART, Gini impurity; Breiman et al. 1984)
 * that reproduces segment membership, written as conditions in the query_participants grammar so a
 * CRM (or segment_by_rules) can find the segment again. Missing values fail a split's test and
 * follow its "no" branch. With `crm: true` it splits on CRM attributes and tags only (never
 * answers): the CRM typing model, which places participants who were never interviewed.
 */
import { childSeed, sampleIndices, seededRandom } from '../random.js';
import type { ParticipantFacts, StudyCatalog } from './facts.js';

export interface RuleCondition {
  field: string;
  op: 'eq' | 'neq' | 'lte' | 'gt' | 'contains';
  value: string | number | boolean;
}

interface Variable {
  field: string;
  /** The participant's value (missing → undefined). */
  get(f: ParticipantFacts): unknown;
  /** Candidate tests over the values the tree is grown on: a condition and a predicate on a value (missing → false). */
  tests(values: unknown[]): Candidate[];
}

interface Candidate {
  condition: RuleCondition;
  negation: RuleCondition;
  accepts: (x: unknown) => boolean;
  /** For `x <= threshold` tests: lets the tree evaluate them over a typed array without a call per value. */
  threshold?: number;
}

/** A category attribute is split on its most common values only: rare values make rules no CRM user can read. */
const SPLIT_CATEGORIES = 12;

/** Tags split on: the most common ones (a CRM's lifecycle or list tags). */
const SPLIT_TAGS = 12;

/** Variables the tree may split on: number, boolean and category attributes, tags (crm) or structured answers (not crm). */
export function typingVariables(catalog: StudyCatalog, options: { crm?: boolean } = {}): Variable[] {
  const vars: Variable[] = [];
  const numeric = (field: string, get: (f: ParticipantFacts) => unknown): Variable => ({
    field,
    get,
    tests(all) {
      const values = [...new Set(all.filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
      // Every threshold up to 64 distinct values; above, ~32 evenly spaced ones keep CRM-scale searches cheap.
      const step = values.length <= 64 ? 1 : Math.ceil(values.length / 32);
      const out = [];
      for (let i = 0; i < values.length - 1; i += step) {
        // Midway between neighbouring values, as CART implementations (scikit-learn) split.
        const v = (values[i]! + values[i + 1]!) / 2;
        out.push({ condition: { field, op: 'lte' as const, value: v }, negation: { field, op: 'gt' as const, value: v }, accepts: (x: unknown) => typeof x === 'number' && x <= v, threshold: v });
      }
      return out;
    },
  });
  const equalityTests = (field: string, values: (string | number | boolean)[], op: 'eq' | 'contains' = 'eq') =>
    values.map((v) => ({
      condition: { field, op, value: v },
      negation: { field, op: 'neq' as const, value: v },
      accepts: (x: unknown) => (Array.isArray(x) ? x.includes(v) : x === v),
    }));
  const equality = (field: string, values: (string | number | boolean)[], get: (f: ParticipantFacts) => unknown, op: 'eq' | 'contains' = 'eq'): Variable => ({
    field,
    get,
    tests: () => equalityTests(field, values, op),
  });
  for (const a of catalog.attributes) {
    const field = `attr.${a.name}`;
    const get = (f: ParticipantFacts) => f.attribute(a.name);
    if (a.type === 'number') vars.push(numeric(field, get));
    else if (a.type === 'boolean') vars.push(equality(field, [true], get));
    else if (a.type === 'category') {
      vars.push({
        field,
        get,
        tests(values) {
          const counts = new Map<string, number>();
          for (const v of values) if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
          const top = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, SPLIT_CATEGORIES).map(([v]) => v);
          return equalityTests(field, top);
        },
      });
    }
  }
  if (options.crm) {
    vars.push({
      field: 'tag',
      get: (f) => f.tags,
      tests(values) {
        const counts = new Map<string, number>();
        for (const v of values) for (const t of v as string[]) counts.set(t, (counts.get(t) ?? 0) + 1);
        const top = [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, SPLIT_TAGS).map(([t]) => t);
        return top.map((t) => ({ condition: { field: 'tag', op: 'eq' as const, value: t }, negation: { field: 'tag', op: 'neq' as const, value: t }, accepts: (x: unknown) => Array.isArray(x) && x.includes(t) }));
      },
    });
    return vars;
  }
  for (const q of catalog.questions) {
    const field = `answer.${q.key}`;
    const get = (f: ParticipantFacts) => f.answer(q.key);
    if (q.type === 'scale') vars.push(numeric(field, get));
    else if (q.type === 'yes_no') vars.push({ field, get, tests: () => [{ condition: { field, op: 'eq', value: 'yes' }, negation: { field, op: 'neq', value: 'yes' }, accepts: (x) => x === 1 }] });
    else if (q.type === 'single_choice') vars.push(equality(field, q.options ?? [], get));
    else if (q.type === 'multiple_choice') vars.push(equality(field, q.options ?? [], get, 'contains'));
    else if (q.type === 'ranking') {
      // "ranks X first" is the readable test; the query grammar's eq on a ranking means first choice.
      vars.push({
        field,
        get,
        tests: () =>
          (q.options ?? []).map((o) => ({
            condition: { field, op: 'eq' as const, value: o },
            negation: { field, op: 'neq' as const, value: o },
            accepts: (x: unknown) => Array.isArray(x) && x[0] === o,
          })),
      });
    }
  }
  return vars;
}

export type TreeNode =
  | { leaf: true; label: number; n: number; purity: number }
  | { leaf: false; condition: RuleCondition; negation: RuleCondition; test: (f: ParticipantFacts) => boolean; yes: TreeNode; no: TreeNode; n: number };

export function growTree(facts: ParticipantFacts[], labels: number[], variables: Variable[], options: { maxDepth?: number; minLeaf?: number } = {}): TreeNode {
  const maxDepth = options.maxDepth ?? 3;
  const minLeaf = options.minLeaf ?? Math.max(2, Math.ceil(facts.length * 0.03));
  // Each variable is read once per participant and each test run once per value up front
  // (hundreds of tests × thousands of rows), not again at every node: the search only counts labels.
  const candidates: { condition: RuleCondition; negation: RuleCondition; test: (f: ParticipantFacts) => boolean }[] = [];
  const passes: Uint8Array[] = [];
  for (const v of variables) {
    const values = facts.map((f) => v.get(f));
    let numbers: Float64Array | null = null;
    for (const { condition, negation, accepts, threshold } of v.tests(values)) {
      candidates.push({ condition, negation, test: (f) => accepts(v.get(f)) });
      if (threshold === undefined) {
        passes.push(Uint8Array.from(values, (x) => (accepts(x) ? 1 : 0)));
        continue;
      }
      // Missing values as NaN, which fails every comparison, as accepts() fails them.
      numbers ??= Float64Array.from(values, (x) => (typeof x === 'number' ? x : NaN));
      const pass = new Uint8Array(numbers.length);
      for (let i = 0; i < numbers.length; i++) pass[i] = numbers[i]! <= threshold ? 1 : 0;
      passes.push(pass);
    }
  }
  const labelCount = labels.reduce((m, l) => Math.max(m, l), -1) + 1;
  const yesCounts = new Float64Array(labelCount);
  const allCounts = new Float64Array(labelCount);
  const giniOf = (counts: Float64Array, n: number) => {
    let s = 1;
    for (const c of counts) s -= (c / n) ** 2;
    return s;
  };
  const grow = (rows: number[], depth: number): TreeNode => {
    allCounts.fill(0);
    for (const r of rows) allCounts[labels[r]!]!++;
    // The majority label (the lowest on a tie) and its share.
    let label = -1;
    let most = 0;
    allCounts.forEach((count, l) => {
      if (count > most) [label, most] = [l, count];
    });
    const purity = rows.length ? most / rows.length : 0;
    if (depth >= maxDepth || purity === 1 || rows.length < 2 * minLeaf) return { leaf: true, label, n: rows.length, purity };
    const parent = giniOf(allCounts, rows.length);
    const noCounts = new Float64Array(labelCount);
    let best: { gain: number; index: number } | null = null;
    passes.forEach((pass, index) => {
      yesCounts.fill(0);
      let yes = 0;
      for (const r of rows) {
        if (pass[r] === 1) {
          yesCounts[labels[r]!]!++;
          yes++;
        }
      }
      const no = rows.length - yes;
      if (yes < minLeaf || no < minLeaf) return;
      for (let l = 0; l < labelCount; l++) noCounts[l] = allCounts[l]! - yesCounts[l]!;
      const impurity = (yes * giniOf(yesCounts, yes) + no * giniOf(noCounts, no)) / rows.length;
      const gain = parent - impurity;
      if (gain > 1e-12 && (!best || gain > best.gain + 1e-12)) best = { gain, index };
    });
    if (!best) return { leaf: true, label, n: rows.length, purity };
    const { index } = best as { index: number };
    const chosen = candidates[index]!;
    const pass = passes[index]!;
    const yes = rows.filter((r) => pass[r] === 1);
    const no = rows.filter((r) => pass[r] === 0);
    return { leaf: false, condition: chosen.condition, negation: chosen.negation, test: chosen.test, yes: grow(yes, depth + 1), no: grow(no, depth + 1), n: rows.length };
  };
  return grow(facts.map((_, i) => i), 0);
}

export function predict(tree: TreeNode, f: ParticipantFacts): number {
  let node = tree;
  while (!node.leaf) node = node.test(f) ? node.yes : node.no;
  return node.label;
}

/** Each leaf as a conjunction of conditions, grouped by the segment it predicts. */
export function treeRules(tree: TreeNode): { label: number; conditions: RuleCondition[]; n: number; purity: number }[] {
  const out: { label: number; conditions: RuleCondition[]; n: number; purity: number }[] = [];
  const walk = (node: TreeNode, path: RuleCondition[]) => {
    if (node.leaf) out.push({ label: node.label, conditions: path, n: node.n, purity: node.purity });
    else {
      walk(node.yes, [...path, node.condition]);
      walk(node.no, [...path, node.negation]);
    }
  };
  walk(tree, []);
  return out;
}

/** Above this many participants the tree is grown (and cross-validated) on a seeded sample of this size. */
export const TYPING_SAMPLE = 4000;
/** Cross-validation folds. */
export const CV_FOLDS = 5;
/** Below this many participants there is no cross-validation (folds of 3 prove nothing). */
const MIN_CV = 20;
/**
 * A model whose cross-validated accuracy beats always guessing the largest segment by less than
 * this cannot tell the segments apart; by less than twice this it tells them apart weakly.
 */
export const MIN_LIFT = 0.1;

export interface TypingTool {
  rules: { label: number; conditions: RuleCondition[]; n: number; purity: number }[];
  /** Share of participants the tree places in their own segment (training data). */
  accuracy: number;
  /** 5-fold cross-validated accuracy (seeded folds), null below 20 participants. */
  cross_validated_accuracy: number | null;
  per_segment: { label: number; precision: number; recall: number; cross_validated_recall: number | null }[];
  /** confusion[actual][predicted], over the held-out folds (null without cross-validation). */
  confusion: number[][] | null;
  /** Share of the largest segment: the accuracy of always guessing it. */
  majority_share: number;
  /** distinguishes: CV accuracy ≥ majority + 2·MIN_LIFT; weak: ≥ majority + MIN_LIFT; cannot_tell: below (or untested). */
  verdict: 'distinguishes' | 'weak' | 'cannot_tell';
  /** Participants the tree was grown on, when a sample (accuracy is still measured on everyone). */
  sample: number | null;
  tree: TreeNode;
}

/** The segment a tree predicts and its confidence: the share of the leaf's training members in that segment. */
export function predictWithConfidence(tree: TreeNode, f: ParticipantFacts): { label: number; confidence: number } {
  let node = tree;
  while (!node.leaf) node = node.test(f) ? node.yes : node.no;
  return { label: node.label, confidence: node.purity };
}

export function typingTool(allFacts: ParticipantFacts[], allLabels: number[], k: number, catalog: StudyCatalog, options: { maxDepth?: number; minLeaf?: number; seed?: number; crm?: boolean } = {}): TypingTool {
  const variables = typingVariables(catalog, { crm: options.crm });
  // A depth-3 tree needs no more than a few thousand rows; the search cost grows with every row.
  let facts = allFacts;
  let labels = allLabels;
  if (allFacts.length > TYPING_SAMPLE) {
    const picked = Array.from(sampleIndices(allFacts.length, TYPING_SAMPLE, seededRandom(childSeed(options.seed ?? 0, 55))));
    facts = picked.map((i) => allFacts[i]!);
    labels = picked.map((i) => allLabels[i]!);
  }
  const tree = growTree(facts, labels, variables, options);
  const predicted = allFacts.map((f) => predict(tree, f));
  const accuracy = predicted.filter((p, i) => p === allLabels[i]).length / allFacts.length;
  const sizes = Array.from({ length: k }, (_, label) => allLabels.filter((l) => l === label).length);
  const majority_share = allFacts.length ? Math.max(...sizes) / allFacts.length : 0;
  let cross_validated_accuracy: number | null = null;
  let confusion: number[][] | null = null;
  if (facts.length >= MIN_CV) {
    const random = seededRandom(childSeed(options.seed ?? 0, 77));
    const fold = facts.map(() => Math.floor(random() * CV_FOLDS));
    confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let correct = 0;
    for (let f = 0; f < CV_FOLDS; f++) {
      const train = facts.map((_, i) => i).filter((i) => fold[i] !== f);
      const test = facts.map((_, i) => i).filter((i) => fold[i] === f);
      if (test.length === 0 || train.length === 0) continue;
      const t = growTree(train.map((i) => facts[i]!), train.map((i) => labels[i]!), variables, options);
      for (const i of test) {
        const p = predict(t, facts[i]!);
        if (p >= 0) confusion[labels[i]!]![p]!++;
        if (p === labels[i]) correct++;
      }
    }
    cross_validated_accuracy = correct / facts.length;
  }
  const per_segment = Array.from({ length: k }, (_, label) => {
    const tp = predicted.filter((p, i) => p === label && allLabels[i] === label).length;
    const predictedCount = predicted.filter((p) => p === label).length;
    const actual = sizes[label]!;
    const held = confusion?.[label]?.reduce((s, x) => s + x, 0) ?? 0;
    return { label, precision: predictedCount ? tp / predictedCount : 0, recall: actual ? tp / actual : 0, cross_validated_recall: confusion && held ? confusion[label]![label]! / held : null };
  });
  const lift = cross_validated_accuracy === null ? -1 : cross_validated_accuracy - majority_share;
  const verdict = lift >= 2 * MIN_LIFT ? 'distinguishes' : lift >= MIN_LIFT ? 'weak' : 'cannot_tell';
  return { rules: treeRules(tree), accuracy, cross_validated_accuracy, per_segment, confusion, majority_share, verdict, sample: facts.length < allFacts.length ? facts.length : null, tree };
}
