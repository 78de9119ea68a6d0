"""Reference values for test/domain/clustering.test.ts and significance.test.ts.
Run: /usr/bin/python3 test/reference/clustering.py  (Debian: python3-sklearn 1.2.1, python3-scipy 1.10.1)
Writes test/fixtures/reference/clustering.json."""
import json, os
import numpy as np
from sklearn.datasets import load_iris
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score, calinski_harabasz_score, davies_bouldin_score, adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from scipy.optimize import linear_sum_assignment
from scipy import stats

iris = load_iris()
X = iris.data
Z = StandardScaler().fit_transform(X)
out = {"iris": X.tolist(), "species": iris.target.tolist()}

for name, data in (("raw", X), ("standardized", Z)):
    init = data[[0, 50, 100]]
    km = KMeans(n_clusters=3, init=init, n_init=1, algorithm="lloyd", tol=1e-4, max_iter=300).fit(data)
    labels = km.labels_
    out[name] = {
        "inertia": float(km.inertia_),
        "labels": labels.tolist(),
        "centres": km.cluster_centers_.tolist(),
        "silhouette": float(silhouette_score(data, labels)),
        "calinski_harabasz": float(calinski_harabasz_score(data, labels)),
        "davies_bouldin": float(davies_bouldin_score(data, labels)),
        "ari_vs_species": float(adjusted_rand_score(iris.target, labels)),
    }
    best = KMeans(n_clusters=3, init="k-means++", n_init=10, random_state=0).fit(data)
    out[name]["best_inertia_10_restarts"] = float(best.inertia_)

rng = np.random.default_rng(7)
cost = rng.integers(0, 100, size=(5, 5)).astype(float)
rect = rng.integers(0, 100, size=(3, 5)).astype(float)
r, c = linear_sum_assignment(cost)
r2, c2 = linear_sum_assignment(rect)
r3, c3 = linear_sum_assignment(rect.T)
out["hungarian"] = {
    "square": cost.tolist(), "square_cost": float(cost[r, c].sum()), "square_assignment": c.tolist(),
    "rect": rect.tolist(), "rect_cost": float(rect[r2, c2].sum()), "rect_t_cost": float(rect.T[r3, c3].sum()),
}
out["ari_examples"] = [
    {"a": [0, 0, 1, 1, 2, 2], "b": [0, 0, 1, 2, 2, 2], "ari": float(adjusted_rand_score([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2]))},
    {"a": [0, 0, 0, 1, 1, 1], "b": [1, 1, 1, 0, 0, 0], "ari": 1.0},
    {"a": [0, 1, 0, 1, 0, 1, 2, 2], "b": [0, 0, 1, 1, 2, 2, 0, 1], "ari": float(adjusted_rand_score([0, 1, 0, 1, 0, 1, 2, 2], [0, 0, 1, 1, 2, 2, 0, 1]))},
]

a = [19.1, 21.4, 18.2, 25.3, 22.0, 20.7, 23.9, 19.8]
b = [24.5, 27.1, 22.9, 30.2, 26.4, 29.8, 25.0, 28.3, 31.1, 23.7, 26.9]
w = stats.ttest_ind(a, b, equal_var=False)
tables = [[[12, 5], [3, 14]], [[20, 15, 10], [5, 18, 30]], [[3, 1], [1, 3]]]
out["welch"] = {"a": a, "b": b, "t": float(w.statistic), "p": float(w.pvalue)}
out["chi2"] = []
for t in tables:
    chi, p, df, exp = stats.chi2_contingency(t, correction=False)
    out["chi2"].append({"table": t, "statistic": float(chi), "p": float(p), "df": int(df)})
out["fisher"] = []
for t in ([[3, 1], [1, 3]], [[8, 2], [1, 5]], [[0, 5], [6, 1]], [[10, 10], [10, 10]]):
    out["fisher"].append({"table": t, "p": float(stats.fisher_exact(t)[1])})
out["t_tail"] = [{"t": t, "df": df, "p": float(2 * stats.t.sf(abs(t), df))} for t, df in ((2.1, 5), (0.3, 30), (4.5, 12.7), (-1.96, 1000))]
out["chi2_tail"] = [{"x": x, "df": df, "p": float(stats.chi2.sf(x, df))} for x, df in ((3.84, 1), (11.07, 5), (0.5, 3), (40.0, 10))]

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "clustering.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)
