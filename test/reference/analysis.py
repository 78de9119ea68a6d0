"""Reference values for test/domain/crosstab.test.ts and drivers.test.ts.
Run: /usr/bin/python3 test/reference/analysis.py  (Debian: python3-sklearn 1.2.1, python3-scipy 1.10.1)
Writes test/fixtures/reference/analysis.json."""
import json, os
import numpy as np
from scipy import stats
from scipy.stats.contingency import association
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

out = {}

def adjusted_residuals(t):
    t = np.asarray(t, float)
    n = t.sum(); r = t.sum(1, keepdims=True); c = t.sum(0, keepdims=True)
    e = r @ c / n
    return ((t - e) / np.sqrt(e * (1 - r / n) * (1 - c / n))).tolist()

tables = {
    # Agresti (2007), Table 2.5: party identification by gender (GSS); rows female, male.
    "agresti_party_gender": [[762, 327, 468], [484, 239, 477]],
    "three_by_three": [[20, 15, 5], [10, 25, 15], [5, 10, 30]],
    "small_2x2": [[3, 1], [1, 4]],
}
out["tables"] = {}
for name, t in tables.items():
    chi, p, df, e = stats.chi2_contingency(t, correction=False)
    g, gp, _, _ = stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")
    entry = {"table": t, "chi_square": chi, "p": p, "df": int(df), "g_squared": g, "g_p": gp,
             "cramers_v": association(t, method="cramer"), "residuals": adjusted_residuals(t)}
    if np.asarray(t).shape == (2, 2):
        entry["fisher_p"] = stats.fisher_exact(t)[1]
    out["tables"][name] = entry

# Key drivers on the diabetes data of Efron et al. (2004), bundled with scikit-learn.
d = load_diabetes()
names = list(d.feature_names)
X = d.data; y = d.target
cols = ["bmi", "bp", "s3", "s5", "s6"]
Xs = X[:, [names.index(c) for c in cols]]
R = np.corrcoef(Xs, rowvar=False)
rxy = np.array([np.corrcoef(Xs[:, j], y)[0, 1] for j in range(len(cols))])
# Johnson (2000): Λ = V diag(√λ) Vᵀ, β = Λ⁻¹ rxy, weight_j = Σ_k Λ_jk² β_k².
lam, V = np.linalg.eigh(R)
L = V @ np.diag(np.sqrt(lam)) @ V.T
beta = np.linalg.solve(L, rxy)
rw = (L ** 2) @ (beta ** 2)
r2 = LinearRegression().fit(Xs, y).score(Xs, y)
out["drivers"] = {
    "columns": cols, "X": Xs.tolist(), "y": y.tolist(),
    "relative_weights": rw.tolist(), "r_squared_sklearn": r2,
    "pearson": [[float(v) for v in stats.pearsonr(Xs[:, j], y)] for j in range(len(cols))],
    "spearman": [[float(v) for v in stats.spearmanr(Xs[:, j], y)] for j in range(len(cols))],
}
ties_x = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7]
ties_y = [2, 1, 3, 3, 5, 4, 6, 6, 8, 7]
out["spearman_ties"] = {"x": ties_x, "y": ties_y, "rho": float(stats.spearmanr(ties_x, ties_y)[0]), "p": float(stats.spearmanr(ties_x, ties_y)[1])}

# A study recorded through the tools (test/tools/exact-numbers.test.ts): 24 completed interviews,
# 2 partial, 2 never interviewed. Statistics over the completed ones (the default population) and
# over completed + partial (include_partial), at full precision.
plans = ["starter", "pro", "enterprise"]
choices = ["Price", "Speed", "Support"]
people = []
for i in range(28):
    status = "completed" if i < 24 else "partial" if i < 26 else "not_interviewed"
    people.append({"id": f"c{i + 1:02d}", "plan": plans[(i * 7) % 3 if i % 4 else i % 3],
                   "recommend": [10, 9, 9, 8, 7, 7, 6, 6, 5, 3, 2, 0, 10, 9, 8, 6, 4, 3, 9, 10, 1, 7, 8, 5, 2, 4, None, None][i],
                   "choice": choices[(i * i + i // 5) % 3], "status": status})
def population(statuses):
    return [p for p in people if p["status"] in statuses]
def scale_stats(group):
    x = np.array([p["recommend"] for p in group], float)
    n = len(x)
    prom = int((x >= 9).sum()); det = int((x <= 6).sum())
    return {"n": n, "mean": float(x.mean()), "sd": float(x.std(ddof=1)), "median": float(np.median(x)),
            "nps": (prom - det) / n * 100, "promoters": prom / n, "detractors": det / n}
completed = population({"completed"})
t = [[sum(1 for p in completed if p["plan"] == pl and p["choice"] == ch) for ch in choices] for pl in plans]
chi, p, df, _ = stats.chi2_contingency(t, correction=False)
g, gp, _, _ = stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")
yes = sum(1 for q in completed if q["recommend"] >= 9)
low, high = stats.binomtest(yes, len(completed)).proportion_ci(method="wilson")
out["exact"] = {
    "people": people, "plans": plans, "choices": choices,
    "completed": scale_stats(completed),
    "with_partial": scale_stats(population({"completed", "partial"})),
    "crosstab": {"rows": plans, "columns": choices, "counts": t, "chi_square": chi, "p": p, "df": int(df), "g_squared": g, "g_p": gp,
                 "cramers_v": association(t, method="cramer")},
    "wilson_promoters": {"yes": yes, "n": len(completed), "low": low, "high": high},
}

# The typing tool's CART against scikit-learn's DecisionTreeClassifier (Gini, depth 3, min_samples_leaf 5)
# on Fisher's iris data: predictions of the tree grown on all 150 rows, and of the trees grown for each
# of 5 folds (row i in fold i % 5) on the held-out rows, i.e. the cross-validated accuracy.
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
iris = load_iris()
Xi, yi = iris.data, iris.target
def cart():
    return DecisionTreeClassifier(criterion="gini", max_depth=3, min_samples_leaf=5, random_state=0)
full = cart().fit(Xi, yi)
fold = np.arange(len(yi)) % 5
cv_pred = np.empty(len(yi), int)
for f in range(5):
    model = cart().fit(Xi[fold != f], yi[fold != f])
    cv_pred[fold == f] = model.predict(Xi[fold == f])
out["cart_iris"] = {
    "features": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    "X": Xi.tolist(), "y": yi.tolist(),
    "train_predictions": full.predict(Xi).tolist(), "train_accuracy": float(full.score(Xi, yi)),
    "cv_predictions": cv_pred.tolist(), "cv_accuracy": float((cv_pred == yi).mean()),
}

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "analysis.json")
with open(path, "w") as f:
    json.dump(out, f, default=float)
print("wrote", path, "RW", rw, "sum", rw.sum(), "R2", r2)
print(out["tables"]["agresti_party_gender"]["chi_square"], out["tables"]["agresti_party_gender"]["g_squared"], out["tables"]["agresti_party_gender"]["residuals"])
