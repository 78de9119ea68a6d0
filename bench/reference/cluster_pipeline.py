"""cluster_participants' pipeline in scikit-learn, on the same benchmark study, for bench/cluster.mjs.

Does what the tool does with its defaults (features: every structured question and every number
attribute; k = "auto"; 10 restarts; 20 bootstraps):
  read    the catalogue and the answers from the study's SQLite file; the attributes from the CRM
          CSV they were imported from (Debian's SQLite 3.40 cannot read the JSONB column).
  encode  scale → number; yes/no → 0/1; single choice → one-hot; multiple choice → multi-hot;
          ranking → points m − rank + 1; number attributes as numbers, log1p when non-negative with
          skewness > 1; participants missing more than half the features left out; SimpleImputer
          (median for numbers, mean for 0/1 columns), StandardScaler, constant columns dropped,
          each column × weight / √(columns of its feature).
  choose  for k = 2 … min(8, n / 10): KMeans(k-means++, n_init=10, lloyd); silhouette on a sample
          of 2,000 above 4,000 rows; Calinski–Harabasz; Davies–Bouldin; bootstrap stability
          (Hennig: 20 resamples with replacement of a 10,000-row subsample above 10,000 rows,
          KMeans n_init=3, the distinct drawn rows labelled by the re-fit's centres, ARI and the
          best Jaccard per segment); the tool's recommendation rule.
  describe each segment against the rest: Welch's t (numbers, rank points) or Pearson's χ²
          (0/1 columns), Cohen's d / h, Benjamini–Hochberg over all of them; the three members
          nearest the centre; distinctive words of the members' open answers and quotes (log-odds
          with an informative Dirichlet prior, CountVectorizer counts).
Usage: /usr/bin/python3 bench/reference/cluster_pipeline.py study.db crm.csv threads  → JSON on stdout.
"""
import os
import sys

threads = sys.argv[3]
# Before numpy loads: OpenMP (scikit-learn's k-means) and OpenBLAS (distances, silhouette) threads.
os.environ["OMP_NUM_THREADS"] = threads
os.environ["OPENBLAS_NUM_THREADS"] = threads

import csv
import json
import sqlite3
import time

import numpy as np
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

SEED = 42
RESTARTS = 10
BOOTSTRAPS = 20
BOOTSTRAP_RESTARTS = 3
STABILITY_ROWS = 10_000
SILHOUETTE_EXACT_LIMIT = 4000
SILHOUETTE_SAMPLE = 2000
DISSOLVED = 0.6
SILHOUETTE_TIE = 0.03


def read(db_path, csv_path):
    db = sqlite3.connect(db_path)
    questions = db.execute("SELECT id, key, type, options FROM questions WHERE study_id = 1 ORDER BY position").fetchall()
    number_attributes = [r[0] for r in db.execute("SELECT name FROM study_attributes WHERE study_id = 1 AND type = 'number' ORDER BY position, name")]
    ids = np.array(json.loads(db.execute("SELECT json_group_array(id) FROM participants WHERE study_id = 1 ORDER BY id").fetchone()[0]))
    ids.sort()
    answers = {}
    for qid, key, qtype, options in questions:
        if qtype == "open_ended":
            continue
        who, values = db.execute("SELECT json_group_array(participant_id), json_group_array(value) FROM answers WHERE question_id = ?", (qid,)).fetchone()
        answers[key] = (qtype, json.loads(options) if options else [], np.searchsorted(ids, json.loads(who)), json.loads(values))
    texts = {}
    for (qid,) in db.execute("SELECT id FROM questions WHERE study_id = 1 AND type = 'open_ended'").fetchall():
        who, values = db.execute("SELECT json_group_array(participant_id), json_group_array(value) FROM answers WHERE question_id = ?", (qid,)).fetchone()
        texts[qid] = (np.searchsorted(ids, json.loads(who)), json.loads(values))
    who, values = db.execute("SELECT json_group_array(participant_id), json_group_array(text) FROM quotes").fetchone()
    texts["quotes"] = (np.searchsorted(ids, json.loads(who)), json.loads(values))
    n = len(ids)
    attributes = {name: np.full(n, np.nan) for name in number_attributes}
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        where = [(header.index(name), attributes[name]) for name in number_attributes]
        for i, row in enumerate(reader):
            for j, column in where:
                cell = row[j]
                if cell != "":
                    column[i] = float(cell)
    return n, questions, answers, attributes, texts


def heavy_tailed(x):
    x = x[~np.isnan(x)]
    if len(x) < 8 or (x < 0).any():
        return False
    d = x - x.mean()
    m2 = (d**2).mean()
    return m2 > 0 and (d**3).mean() / m2**1.5 > 1


def raw_features(n, questions, answers, attributes):
    """Per feature: its name, whether its columns are 0/1, and its raw columns (n × c, NaN = missing)."""
    features = []
    for _, key, qtype, _ in questions:
        if qtype == "open_ended":
            continue
        qtype, options, rows, values = answers[key]
        if qtype in ("scale", "yes_no"):
            x = np.full((n, 1), np.nan)
            x[rows, 0] = values
        else:
            x = np.full((n, len(options)), np.nan)
            x[rows] = 0
            index = {o: j for j, o in enumerate(options)}
            for r, v in zip(rows, values):
                if qtype == "single_choice":
                    if v in index:
                        x[r, index[v]] = 1
                elif qtype == "multiple_choice":
                    for o in json.loads(v):
                        if o in index:
                            x[r, index[o]] = 1
                else:  # ranking: m − rank + 1 points, unranked 0
                    for rank, o in enumerate(json.loads(v)):
                        if o in index:
                            x[r, index[o]] = len(options) - rank
        features.append((f"answer.{key}", qtype not in ("scale", "ranking"), x))
    for name, values in attributes.items():
        features.append((f"attr.{name}", False, values.reshape(-1, 1)))
    return features


def encode(features):
    """Transform, leave out, impute, standardize and weight: the matrix and the rows kept."""
    features = [(f, b, np.log1p(np.maximum(x, 0)) if f.startswith("attr.") and heavy_tailed(x[:, 0]) else x) for f, b, x in features]
    missing = np.sum([np.isnan(x).all(axis=1) for _, _, x in features], axis=0)
    included = missing <= 0.5 * len(features)
    blocks = []
    for _, binary, x in features:
        x = x[included]
        x = x[:, ~np.isnan(x).all(axis=0)]  # no values at all: left out
        if x.shape[1] == 0:
            continue
        x = SimpleImputer(strategy="mean" if binary else "median").fit_transform(x)
        scaler = StandardScaler().fit(x)
        keep = np.sqrt(scaler.var_) > 1e-12  # scale_ is 1 for a constant column
        if not keep.any():
            continue
        blocks.append((scaler.transform(x)[:, keep]) / np.sqrt(keep.sum()))
    return np.ascontiguousarray(np.hstack(blocks)), np.flatnonzero(included)


def stability(X, labels, k, rng):
    if len(X) > STABILITY_ROWS:
        picked = np.sort(rng.choice(len(X), STABILITY_ROWS, replace=False))
        X, labels = X[picked], labels[picked]
    m = len(X)
    jaccard = np.zeros(k)
    ari = 0.0
    for b in range(BOOTSTRAPS):
        drawn = rng.integers(0, m, m)
        fit = KMeans(n_clusters=k, n_init=BOOTSTRAP_RESTARTS, random_state=SEED + 2000 + b, algorithm="lloyd").fit(X[drawn])
        distinct = np.unique(drawn)
        original = labels[distinct]
        resampled = fit.predict(X[distinct])
        ari += adjusted_rand_score(original, resampled)
        both = np.zeros((k, k))
        np.add.at(both, (original, resampled), 1)
        sizes_a = both.sum(axis=1, keepdims=True)
        sizes_b = both.sum(axis=0, keepdims=True)
        union = sizes_a + sizes_b - both
        with np.errstate(invalid="ignore", divide="ignore"):
            best = np.where(union > 0, both / union, 0).max(axis=1)
        jaccard += np.where(sizes_a[:, 0] > 0, best, 0)
    return jaccard / BOOTSTRAPS, ari / BOOTSTRAPS


def recommend(runs, n):
    min_size = max(3, int(np.ceil(0.05 * n)))
    qualifies = [r for r in runs if r["min_jaccard"] >= DISSOLVED and r["smallest"] >= min_size]
    pool = qualifies or runs
    best = max(r["silhouette"] for r in pool)
    tied = [r for r in pool if r["silhouette"] >= best - SILHOUETTE_TIE]
    chosen = tied[0]
    for r in tied[1:]:
        if r["stability"] > chosen["stability"]:
            chosen = r
    return chosen


def describe(X, labels, k, raw, texts, included):
    """Each segment against the rest: tests on the raw columns, BH, representatives, distinctive words."""
    p_values = []
    effects = []
    for c in range(k):
        inside = labels == c
        for binary, x in raw:
            for j in range(x.shape[1]):
                a, b = x[inside, j], x[~inside, j]
                a, b = a[~np.isnan(a)], b[~np.isnan(b)]
                if binary:
                    table = np.array([[np.sum(a == 1), np.sum(a != 1)], [np.sum(b == 1), np.sum(b != 1)]])
                    p = stats.chi2_contingency(table, correction=False)[1] if (table.sum(axis=0) > 0).all() else np.nan
                    effects.append(2 * np.arcsin(np.sqrt(a.mean())) - 2 * np.arcsin(np.sqrt(b.mean())))
                else:
                    p = stats.ttest_ind(a, b, equal_var=False).pvalue
                    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
                    effects.append((a.mean() - b.mean()) / pooled if pooled > 0 else np.nan)
                p_values.append(p)
    p = np.array(p_values)
    order = np.argsort(p)[::-1]
    m = np.sum(~np.isnan(p))
    q = np.empty_like(p)
    q[order] = np.minimum.accumulate(np.minimum(1, p[order] * m / np.arange(len(p), 0, -1)))
    centres = np.array([X[labels == c].mean(axis=0) for c in range(k)])
    representatives = [np.argsort(((X[labels == c] - centres[c]) ** 2).sum(axis=1))[:3] for c in range(k)]
    # Distinctive words: counts per participant, summed per segment, log-odds against the rest.
    row_of = np.full(included.max() + 1 if len(included) else 0, -1)
    row_of[included] = np.arange(len(included))
    who = np.concatenate([w for w, _ in texts.values()])
    docs = [t for _, values in texts.values() for t in values]
    keep = row_of[who] >= 0
    counts = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b[^\W\d_][\w-]{2,}").fit_transform([d for d, kept in zip(docs, keep) if kept])
    segment_of_doc = labels[row_of[who[keep]]]
    per_segment = np.vstack([np.asarray(counts[segment_of_doc == c].sum(axis=0)).ravel() for c in range(k)])
    total = per_segment.sum(axis=0)
    words = []
    for c in range(k):
        ya, yb = per_segment[c], total - per_segment[c]
        na, nb = ya.sum(), yb.sum()
        alpha, a0 = total, na + nb
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((ya + alpha) / (na + a0 - ya - alpha)) - np.log((yb + alpha) / (nb + a0 - yb - alpha))
            z = delta / np.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))
        words.append(np.argsort(-np.nan_to_num(z, nan=-np.inf))[:8])
    return {"significant": int(np.sum(q < 0.05)), "representatives": [r.tolist() for r in representatives], "words": len(words)}


def main():
    db_path, csv_path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    with threadpool_limits(limits=int(threads)):
        n_all, questions, answers, attributes, texts = read(db_path, csv_path)
        features = raw_features(n_all, questions, answers, attributes)
        X, included = encode(features)
        n = len(X)
        runs = []
        for k in range(2, max(2, min(8, n // 10)) + 1):
            fit = KMeans(n_clusters=k, n_init=RESTARTS, random_state=SEED, algorithm="lloyd").fit(X)
            # Canonical order, as the tool numbers segments: largest first.
            sizes = np.bincount(fit.labels_, minlength=k)
            order = np.argsort(-sizes, kind="stable")
            labels = np.argsort(order)[fit.labels_]
            jaccard, ari = stability(X, labels, k, np.random.default_rng(SEED))
            sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_EXACT_LIMIT else None
            runs.append({
                "k": k,
                "labels": labels,
                "inertia": float(fit.inertia_),
                "silhouette": float(silhouette_score(X, labels, sample_size=sample, random_state=SEED)),
                "calinski_harabasz": float(calinski_harabasz_score(X, labels)),
                "davies_bouldin": float(davies_bouldin_score(X, labels)),
                "stability": float(ari),
                "min_jaccard": float(jaccard.min()),
                "smallest": int(sizes.min()),
            })
        chosen = recommend(runs, n)
        # Tests on the original units (imputed values never enter), as the tool describes segments.
        raw_columns = [(binary, x[included]) for _, binary, x in features]
        described = describe(X, chosen["labels"], chosen["k"], raw_columns, texts, included)
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "ms": elapsed * 1000,
        "k": chosen["k"],
        "participants": n,
        "columns": X.shape[1],
        "threads": int(threads),
        "sizes": np.bincount(chosen["labels"]).tolist(),
        "diagnostics": [{key: v for key, v in r.items() if key != "labels"} for r in runs],
        "significant": described["significant"],
    }))


if __name__ == "__main__":
    main()
