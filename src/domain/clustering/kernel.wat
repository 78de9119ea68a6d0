;; The k-means kernel in WebAssembly with 128-bit SIMD (two f64 lanes). V8 does not vectorise
;; JavaScript loops; this does, and loads each row once for two centres at a time. Lloyd's steps
;; skip the distances that cannot change a label (Hamerly's bounds, kept with room for rounding).
;; Compiled by `npm run kernel` (scripts/build-kernel.mjs, wabt) into kernel-wasm.ts.
;;
;; All pointers are byte offsets into one shared memory: the data (rows × cols f64, row-major),
;; labels (i32 per row), closest (f64 per row: squared distance to the nearest centre, or an
;; upper bound during Lloyd), lower (f64 per row, during Lloyd) and the small regions described in
;; workspace.ts. A function works on rows [start, end) only, so threads
;; can share a memory and split the rows between them.
;;
;; The summation order is fixed (lanes j, j+1 of two accumulators, then lane 0 + lane 1), so a
;; row's distance never depends on which thread or chunk computes it.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Squared distance between the rows at $a and $b: $vec bytes of f64 pairs, then one trailing
  ;; f64 when $odd.
  (func $distance (param $a i32) (param $b i32) (param $vec i32) (param $odd i32) (result f64)
    (local $j i32) (local $s0 v128) (local $s1 v128) (local $d v128) (local $t f64) (local $x f64)
    (block $done
      (loop $pairs
        (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $vec)))
        (local.set $d (f64x2.sub (v128.load (i32.add (local.get $a) (local.get $j))) (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (v128.load offset=16 (i32.add (local.get $a) (local.get $j))) (v128.load offset=16 (i32.add (local.get $b) (local.get $j)))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $pairs)))
    (if (i32.lt_u (local.get $j) (local.get $vec))
      (then
        (local.set $d (f64x2.sub (v128.load (i32.add (local.get $a) (local.get $j))) (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $t (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (if (local.get $odd)
      (then
        (local.set $x (f64.sub (f64.load (i32.add (local.get $a) (local.get $j))) (f64.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $t (f64.add (local.get $t) (f64.mul (local.get $x) (local.get $x))))))
    (local.get $t))

  ;; Distances from the row at $a to the rows at $b and $c, loading $a once. Same arithmetic, in
  ;; the same order, as $distance.
  (func $distance2 (param $a i32) (param $b i32) (param $c i32) (param $vec i32) (param $odd i32) (result f64 f64)
    (local $j i32) (local $x v128) (local $y v128) (local $d v128)
    (local $b0 v128) (local $b1 v128) (local $c0 v128) (local $c1 v128) (local $tb f64) (local $tc f64) (local $xs f64) (local $e f64)
    (block $done
      (loop $pairs
        (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $vec)))
        (local.set $x (v128.load (i32.add (local.get $a) (local.get $j))))
        (local.set $y (v128.load offset=16 (i32.add (local.get $a) (local.get $j))))
        (local.set $d (f64x2.sub (local.get $x) (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $x) (v128.load (i32.add (local.get $c) (local.get $j)))))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $y) (v128.load offset=16 (i32.add (local.get $b) (local.get $j)))))
        (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $y) (v128.load offset=16 (i32.add (local.get $c) (local.get $j)))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $pairs)))
    (if (i32.lt_u (local.get $j) (local.get $vec))
      (then
        (local.set $x (v128.load (i32.add (local.get $a) (local.get $j))))
        (local.set $d (f64x2.sub (local.get $x) (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $x) (v128.load (i32.add (local.get $c) (local.get $j)))))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))))
    (local.set $b0 (f64x2.add (local.get $b0) (local.get $b1)))
    (local.set $c0 (f64x2.add (local.get $c0) (local.get $c1)))
    (local.set $tb (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0))))
    (local.set $tc (f64.add (f64x2.extract_lane 0 (local.get $c0)) (f64x2.extract_lane 1 (local.get $c0))))
    (if (local.get $odd)
      (then
        (local.set $xs (f64.load (i32.add (local.get $a) (local.get $j))))
        (local.set $e (f64.sub (local.get $xs) (f64.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $tb (f64.add (local.get $tb) (f64.mul (local.get $e) (local.get $e))))
        (local.set $e (f64.sub (local.get $xs) (f64.load (i32.add (local.get $c) (local.get $j)))))
        (local.set $tc (f64.add (local.get $tc) (f64.mul (local.get $e) (local.get $e))))))
    (local.get $tb) (local.get $tc))

  ;; The nearest of $k centres to the row at $row by exact distances (ties to the lower index, as
  ;; scikit-learn), with the distance to it and the smallest distance to any other centre.
  (func $nearestTwo (param $row i32) (param $centres i32) (param $k i32) (param $rowBytes i32) (param $vec i32) (param $odd i32) (result i32 f64 f64)
    (local $c i32) (local $centre i32) (local $best i32) (local $d1 f64) (local $d2 f64) (local $d f64) (local $e f64)
    (local.set $d1 (f64.const inf))
    (local.set $d2 (f64.const inf))
    (local.set $centre (local.get $centres))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (i32.add (local.get $c) (i32.const 1)) (local.get $k)))
        (call $distance2 (local.get $row) (local.get $centre) (i32.add (local.get $centre) (local.get $rowBytes)) (local.get $vec) (local.get $odd))
        (local.set $e)
        (local.set $d)
        (if (f64.lt (local.get $d) (local.get $d1))
          (then (local.set $d2 (local.get $d1)) (local.set $d1 (local.get $d)) (local.set $best (local.get $c)))
          (else (local.set $d2 (f64.min (local.get $d2) (local.get $d)))))
        (if (f64.lt (local.get $e) (local.get $d1))
          (then (local.set $d2 (local.get $d1)) (local.set $d1 (local.get $e)) (local.set $best (i32.add (local.get $c) (i32.const 1))))
          (else (local.set $d2 (f64.min (local.get $d2) (local.get $e)))))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (local.set $centre (i32.add (local.get $centre) (i32.shl (local.get $rowBytes) (i32.const 1))))
        (br $pairs)))
    (if (i32.lt_u (local.get $c) (local.get $k))
      (then
        (local.set $d (call $distance (local.get $row) (local.get $centre) (local.get $vec) (local.get $odd)))
        (if (f64.lt (local.get $d) (local.get $d1))
          (then (local.set $d2 (local.get $d1)) (local.set $d1 (local.get $d)) (local.set $best (local.get $c)))
          (else (local.set $d2 (f64.min (local.get $d2) (local.get $d)))))))
    (local.get $best) (local.get $d1) (local.get $d2))

  ;; Nearest of $k centres for rows [start, end). $mode:
  ;;   0  every distance computed; labels, and closest = the distance to the nearest centre;
  ;;   1  (Lloyd's first step) the same, keeping bounds instead: closest ≥ the distance to the
  ;;      nearest centre, lower ≤ the distance to any other (square roots, not squares);
  ;;   2  (Lloyd's next steps) Hamerly's bounds (2010): the centres moved by at most moves[c], so
  ;;      the bounds widen by those moves; a row whose upper bound stays below its lower bound, or
  ;;      below half its centre's distance to the nearest other centre (moves[k + c]), keeps its
  ;;      centre without any distance; otherwise the distance to its centre tightens the upper bound
  ;;      and, if that is not enough, every distance is computed;
  ;;   3  (after Lloyd) as 2 for the label, then closest = the distance to the nearest centre.
  ;; Modes 1 and 2 add each row to its centre's sums and counts (zeroed first, rows in order) and
  ;; return how many labels changed; modes 0 and 3 return the summed closest.
  ;; The bounds are kept with room for rounding: a computed distance d (the $distance order) lies
  ;; within a factor 1 ± γ of the true squared distance (γ = $gamma, from the column count), moves
  ;; and half-distances come from the caller rounded outwards, and every bound step rounds outwards
  ;; (× (1 ± 2⁻⁵⁰)). A row keeps its centre only when its true distance to it is below (1 − 2γ) of
  ;; the true distance to every other centre, so the exact distances would choose it too: labels,
  ;; distances and sums are those of computing every distance, bit for bit.
  (func (export "assign")
    (param $data i32) (param $cols i32) (param $centres i32) (param $k i32) (param $start i32) (param $end i32)
    (param $labels i32) (param $closest i32) (param $lower i32) (param $moves i32) (param $gamma f64) (param $mode i32)
    (param $sums i32) (param $counts i32)
    (result f64)
    (local $i i32) (local $row i32) (local $rowBytes i32) (local $vec i32) (local $odd i32) (local $j i32)
    (local $label i32) (local $best i32) (local $d f64) (local $d1 f64) (local $d2 f64)
    (local $upper f64) (local $low f64) (local $limit f64) (local $settled i32)
    (local $moveMax f64) (local $moveSecond f64) (local $moveArg i32) (local $shrink f64) (local $grow f64) (local $keep f64)
    (local $total f64) (local $target i32) (local $withSums i32) (local $bounded i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $odd (i32.and (local.get $cols) (i32.const 1)))
    (local.set $vec (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (local.set $withSums (i32.or (i32.eq (local.get $mode) (i32.const 1)) (i32.eq (local.get $mode) (i32.const 2))))
    (local.set $bounded (i32.ge_u (local.get $mode) (i32.const 2)))
    ;; Rounding outwards: grow ≥ 1 + 8u, shrink ≤ 1 − 8u; keep = 1 − 2γ for the final test.
    (local.set $grow (f64.const 0x1.0000000000004p+0))
    (local.set $shrink (f64.const 0x1.ffffffffffff8p-1))
    (local.set $keep (f64.sub (f64.const 1) (f64.mul (f64.const 2) (local.get $gamma))))
    (if (local.get $bounded)
      (then
        ;; The largest move, the second largest, and whose: a row's other centres moved at most
        ;; the largest move among them.
        (local.set $moveMax (f64.load (i32.add (local.get $moves) (i32.shl (i32.shl (local.get $k) (i32.const 1)) (i32.const 3)))))
        (local.set $moveSecond (f64.load offset=8 (i32.add (local.get $moves) (i32.shl (i32.shl (local.get $k) (i32.const 1)) (i32.const 3)))))
        (local.set $moveArg (i32.trunc_f64_s (f64.load offset=16 (i32.add (local.get $moves) (i32.shl (i32.shl (local.get $k) (i32.const 1)) (i32.const 3))))))))
    (if (local.get $withSums)
      (then
        (memory.fill (local.get $sums) (i32.const 0) (i32.mul (local.get $k) (local.get $rowBytes)))
        (memory.fill (local.get $counts) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))))
    (local.set $i (local.get $start))
    (local.set $row (i32.add (local.get $data) (i32.mul (local.get $start) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $label (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $settled (i32.const 0))
        (if (local.get $bounded)
          (then
            (local.set $upper (f64.mul (local.get $grow)
              (f64.add (f64.load (i32.add (local.get $closest) (i32.shl (local.get $i) (i32.const 3))))
                (f64.load (i32.add (local.get $moves) (i32.shl (local.get $label) (i32.const 3)))))))
            (local.set $low (f64.mul (local.get $shrink) (f64.sub
              (f64.load (i32.add (local.get $lower) (i32.shl (local.get $i) (i32.const 3))))
              (select (local.get $moveSecond) (local.get $moveMax) (i32.eq (local.get $label) (local.get $moveArg))))))
            (local.set $low (f64.max (local.get $low) (f64.const 0)))
            (local.set $limit (f64.mul (local.get $keep)
              (f64.max (local.get $low) (f64.load (i32.add (local.get $moves) (i32.shl (i32.add (local.get $k) (local.get $label)) (i32.const 3)))))))
            (if (f64.lt (local.get $upper) (local.get $limit))
              (then (local.set $settled (i32.const 1)))
              (else
                ;; Tighten the upper bound with the distance to the row's own centre.
                (local.set $d1 (call $distance (local.get $row) (i32.add (local.get $centres) (i32.mul (local.get $label) (local.get $rowBytes))) (local.get $vec) (local.get $odd)))
                (local.set $upper (f64.mul (local.get $grow) (f64.mul (f64.sqrt (local.get $d1)) (f64.add (f64.const 1) (local.get $gamma)))))
                (if (f64.lt (local.get $upper) (local.get $limit))
                  (then (local.set $settled (i32.const 2))))))))
        (if (local.get $settled)
          (then (local.set $best (local.get $label)))
          (else
            (call $nearestTwo (local.get $row) (local.get $centres) (local.get $k) (local.get $rowBytes) (local.get $vec) (local.get $odd))
            (local.set $d2)
            (local.set $d1)
            (local.set $best)
            (local.set $upper (f64.mul (local.get $grow) (f64.mul (f64.sqrt (local.get $d1)) (f64.add (f64.const 1) (local.get $gamma)))))
            (local.set $low (f64.mul (local.get $shrink) (f64.mul (f64.sqrt (local.get $d2)) (f64.sub (f64.const 1) (local.get $gamma)))))))
        (if (local.get $withSums)
          (then
            (if (i32.ne (local.get $label) (local.get $best))
              (then (local.set $total (f64.add (local.get $total) (f64.const 1)))))
            (i32.store (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))) (local.get $best))
            (f64.store (i32.add (local.get $closest) (i32.shl (local.get $i) (i32.const 3))) (local.get $upper))
            (f64.store (i32.add (local.get $lower) (i32.shl (local.get $i) (i32.const 3))) (local.get $low))
            (local.set $target (i32.add (local.get $sums) (i32.mul (local.get $best) (local.get $rowBytes))))
            (local.set $j (i32.const 0))
            (block $sumDone
              (loop $sum
                (br_if $sumDone (i32.ge_u (local.get $j) (local.get $vec)))
                (v128.store (i32.add (local.get $target) (local.get $j))
                  (f64x2.add (v128.load (i32.add (local.get $target) (local.get $j))) (v128.load (i32.add (local.get $row) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $sum)))
            (if (local.get $odd)
              (then (f64.store (i32.add (local.get $target) (local.get $j))
                (f64.add (f64.load (i32.add (local.get $target) (local.get $j))) (f64.load (i32.add (local.get $row) (local.get $j)))))))
            (local.set $target (i32.add (local.get $counts) (i32.shl (local.get $best) (i32.const 3))))
            (f64.store (local.get $target) (f64.add (f64.load (local.get $target)) (f64.const 1))))
          (else
            ;; The exact distance to the chosen centre (a kept label has not computed it yet).
            (if (i32.eq (local.get $settled) (i32.const 1))
              (then (local.set $d1 (call $distance (local.get $row) (i32.add (local.get $centres) (i32.mul (local.get $best) (local.get $rowBytes))) (local.get $vec) (local.get $odd)))))
            (i32.store (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))) (local.get $best))
            (f64.store (i32.add (local.get $closest) (i32.shl (local.get $i) (i32.const 3))) (local.get $d1))
            (local.set $total (f64.add (local.get $total) (local.get $d1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $rows)))
    (local.get $total))

  ;; k-means++ candidates: for each of the $m candidate rows at $candidates, the potential of rows
  ;; [start, end) if it were added, Σ min(closest, distance to the candidate), into $out (m f64).
  (func (export "potentials")
    (param $data i32) (param $cols i32) (param $candidates i32) (param $m i32) (param $start i32) (param $end i32)
    (param $closest i32) (param $out i32)
    (local $i i32) (local $row i32) (local $rowBytes i32) (local $vec i32) (local $odd i32)
    (local $t i32) (local $candidate i32) (local $d f64) (local $d2 f64) (local $near f64) (local $slot i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $odd (i32.and (local.get $cols) (i32.const 1)))
    (local.set $vec (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $m) (i32.const 3)))
    (local.set $i (local.get $start))
    (local.set $row (i32.add (local.get $data) (i32.mul (local.get $start) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $near (f64.load (i32.add (local.get $closest) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $t (i32.const 0))
        (local.set $candidate (local.get $candidates))
        (local.set $slot (local.get $out))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $t) (i32.const 1)) (local.get $m)))
            (call $distance2 (local.get $row) (local.get $candidate) (i32.add (local.get $candidate) (local.get $rowBytes)) (local.get $vec) (local.get $odd))
            (local.set $d2)
            (local.set $d)
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (f64.min (local.get $near) (local.get $d))))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (f64.min (local.get $near) (local.get $d2))))
            (local.set $t (i32.add (local.get $t) (i32.const 2)))
            (local.set $slot (i32.add (local.get $slot) (i32.const 16)))
            (local.set $candidate (i32.add (local.get $candidate) (i32.shl (local.get $rowBytes) (i32.const 1))))
            (br $pairs)))
        (if (i32.lt_u (local.get $t) (local.get $m))
          (then
            (local.set $d (call $distance (local.get $row) (local.get $candidate) (local.get $vec) (local.get $odd)))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (f64.min (local.get $near) (local.get $d))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $rows))))

  ;; k-means++ after choosing a centre: closest = min(closest, distance to $centre) for rows
  ;; [start, end), or the distance itself when $first. Returns the new summed closest.
  (func (export "closer")
    (param $data i32) (param $cols i32) (param $centre i32) (param $start i32) (param $end i32)
    (param $closest i32) (param $first i32)
    (result f64)
    (local $i i32) (local $row i32) (local $rowBytes i32) (local $vec i32) (local $odd i32)
    (local $d f64) (local $slot i32) (local $total f64)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $odd (i32.and (local.get $cols) (i32.const 1)))
    (local.set $vec (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (local.set $i (local.get $start))
    (local.set $row (i32.add (local.get $data) (i32.mul (local.get $start) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $d (call $distance (local.get $row) (local.get $centre) (local.get $vec) (local.get $odd)))
        (local.set $slot (i32.add (local.get $closest) (i32.shl (local.get $i) (i32.const 3))))
        (if (i32.eqz (local.get $first))
          (then (local.set $d (f64.min (local.get $d) (f64.load (local.get $slot))))))
        (f64.store (local.get $slot) (local.get $d))
        (local.set $total (f64.add (local.get $total) (local.get $d)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $rows)))
    (local.get $total))

)
