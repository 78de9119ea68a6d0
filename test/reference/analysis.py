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

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "analysis.json")
with open(path, "w") as f:
    json.dump(out, f, default=float)
print("wrote", path, "RW", rw, "sum", rw.sum(), "R2", r2)
print(out["tables"]["agresti_party_gender"]["chi_square"], out["tables"]["agresti_party_gender"]["g_squared"], out["tables"]["agresti_party_gender"]["residuals"])
