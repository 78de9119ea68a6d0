"""Reference figures for the sample study (data/sample-study/), computed from its files alone.
Run: /usr/bin/python3 test/reference/sample_study.py  (Debian: python3-scipy 1.10.1, python3-sklearn 1.2.1)
Writes test/fixtures/reference/sample-study.json, which the app and tool tests compare with."""
import csv, json, os
import numpy as np
from scipy import stats
from scipy.stats.contingency import association
from sklearn.linear_model import LinearRegression

here = os.path.dirname(__file__)
data = os.path.join(here, "..", "..", "data", "sample-study")
people = list(csv.DictReader(open(os.path.join(data, "participants.csv"), encoding="utf-8")))
interviews = json.load(open(os.path.join(data, "interviews.json")))
archetype = json.load(open(os.path.join(data, "ground-truth.json")))["archetypes"]
options = {q["key"]: q.get("options") for q in json.load(open(os.path.join(data, "study.json")))["questions"]}
answers = {i["participant_id"]: {a["question"]: a["value"] for a in i["answers"]} for i in interviews}
status = {i["participant_id"]: i.get("status", "completed") for i in interviews}
out = {"participants": len(people), "interviewed": len(interviews), "completed": sum(s == "completed" for s in status.values())}

# summarize_questions (completed interviews only): the 1-10 importance scale and the yes/no team question.
completed = [p for p, s in status.items() if s == "completed"]
x = np.array([answers[p]["core_value_importance"] for p in completed if "core_value_importance" in answers[p]], float)
out["core_value_importance"] = {"n": len(x), "mean": x.mean(), "median": float(np.median(x)), "sd": x.std(ddof=1),
                                "top2_box": float(np.mean(x >= 9)), "bottom2_box": float(np.mean(x <= 2))}
yes = [answers[p]["team_usage"] for p in completed if "team_usage" in answers[p]]
k = sum(v in (True, "yes") for v in yes)
ci = stats.binomtest(k, len(yes)).proportion_ci(method="wilson")
out["team_usage"] = {"n": len(yes), "yes_count": k, "yes_share": k / len(yes), "ci_low": ci.low, "ci_high": ci.high}

# crosstab: planted archetype x primary use case over the completed interviews (the population rule; the k = 4
# clustering of the completed interviews recovers the archetypes exactly).
rows = ["The Struggler", "The Pragmatist", "The Evaluator", "The Advocate"]
cols = options["primary_use_case"]
table = [[sum(1 for p in completed if archetype[p] == r and answers[p].get("primary_use_case") == c) for c in cols] for r in rows]
chi, p, df, _ = stats.chi2_contingency(table, correction=False)
out["archetype_by_use_case"] = {"rows": rows, "columns": cols, "counts": table, "chi_square": chi, "p": p, "df": int(df),
                                "cramers_v": association(table, method="cramer")}

# driver_analysis: core_value_importance against the default drivers (yes/no answers, number attributes).
attrs = ["mrr", "seats", "tenure_months", "logins_30d", "pricing_page_visits_7d", "evaluation_days"]
by_id = {r["participant_id"]: r for r in people}
def driver(name, pid):
    if name == "answer.team_usage":
        v = answers[pid].get("team_usage")
        return None if v is None else float(v in (True, "yes"))
    return float(by_id[pid][name[5:]])
names = ["answer.team_usage"] + ["attr." + a for a in attrs]
with_outcome = [p for p in completed if "core_value_importance" in answers[p]]
pearson = {}
for n in names:
    pairs = [(driver(n, p), answers[p]["core_value_importance"]) for p in with_outcome if driver(n, p) is not None]
    r, pv = stats.pearsonr([a for a, _ in pairs], [b for _, b in pairs])
    pearson[n] = {"n": len(pairs), "r": float(r), "p": float(pv)}
complete = [p for p in with_outcome if all(driver(n, p) is not None for n in names)]
X = np.array([[driver(n, p) for n in names] for p in complete]); y = np.array([answers[p]["core_value_importance"] for p in complete], float)
R = np.corrcoef(X, rowvar=False); rxy = np.array([np.corrcoef(X[:, j], y)[0, 1] for j in range(len(names))])
lam, V = np.linalg.eigh(R); L = V @ np.diag(np.sqrt(lam)) @ V.T
rw = (L ** 2) @ (np.linalg.solve(L, rxy) ** 2)
out["drivers"] = {"outcome": "answer.core_value_importance", "n_outcome": len(with_outcome), "complete_cases": len(complete),
                  "r_squared": LinearRegression().fit(X, y).score(X, y), "pearson": pearson,
                  "relative_weights": dict(zip(names, rw.tolist()))}

# Per archetype (= segment of the k = 4 clustering of the completed interviews): size, total MRR, mean
# evaluation days; and compare_segments' test of evaluation days, The Evaluator against The Advocate
# (Welch's t, Cohen's d).
def values(name, who):
    return np.array([float(by_id[p][name]) for p in completed if archetype[p] == who])
out["archetypes"] = {r: {"size": sum(1 for p in completed if archetype[p] == r), "mrr_total": values("mrr", r).sum(),
                         "evaluation_days_mean": values("evaluation_days", r).mean()} for r in rows}
a, b = values("evaluation_days", "The Evaluator"), values("evaluation_days", "The Advocate")
t = stats.ttest_ind(a, b, equal_var=False)
pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
out["evaluation_days_evaluator_vs_advocate"] = {"t": t.statistic, "p": t.pvalue, "cohen_d": (a.mean() - b.mean()) / pooled}

path = os.path.join(here, "..", "fixtures", "reference", "sample-study.json")
with open(path, "w") as f:
    json.dump(out, f, default=float, indent=1)
print("wrote", path)
