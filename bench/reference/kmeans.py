"""scikit-learn's Lloyd k-means on the benchmark matrix from the same initial centres.
Usage: /usr/bin/python3 bench/reference/kmeans.py data.bin n d k init.bin threads  → JSON on stdout."""
import os, sys

# Before numpy loads: OpenMP (scikit-learn's Lloyd) and OpenBLAS threads, as well as threadpoolctl below.
os.environ["OMP_NUM_THREADS"] = sys.argv[6]
os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[6]
import json, time
import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

path, n, d, k, init_path, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
X = np.fromfile(path, dtype="<f8").reshape(n, d)
init = np.fromfile(init_path, dtype="<f8").reshape(k, d)
with threadpool_limits(limits=threads):
    t = time.perf_counter()
    km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=300, tol=1e-4).fit(X)
    fit = time.perf_counter() - t
labels = km.labels_.astype(np.int64)
h = 2166136261
# FNV-1a over the labels, as bench/kmeans-fit.mjs computes it (vectorised would differ; loop is fine once).
for v in labels.tolist():
    h = ((h ^ v) * 16777619) & 0xFFFFFFFF
print(json.dumps({"fit_ms": fit * 1000, "iterations": int(km.n_iter_), "inertia": float(km.inertia_), "labels_hash": h}))
