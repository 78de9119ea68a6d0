;; The k-means kernel in WebAssembly with 128-bit SIMD (two f64 lanes). V8 does not vectorise
;; JavaScript loops; this does, and loads each row once for two centres at a time.
;; Compiled by `npm run kernel` (scripts/build-kernel.mjs, wabt) into kernel-wasm.ts.
;;
;; All pointers are byte offsets into one shared memory: the data (rows × cols f64, row-major),
;; labels (i32 per row), closest (f64 per row: squared distance to the nearest centre) and the
;; small regions described in kernel.ts. A function works on rows [start, end) only, so threads
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

  ;; The nearest centre of the row at $row by exact distances (the order of $distance), ties to the
  ;; lower index: the reference the screened assignment falls back on.
  (func $exactNearest (param $row i32) (param $centres i32) (param $k i32) (param $rowBytes i32) (param $vec i32) (param $odd i32) (result i32 f64)
    (local $c i32) (local $centre i32) (local $best i32) (local $bestD f64) (local $d f64) (local $d2 f64)
    (local.set $bestD (f64.const inf))
    (local.set $centre (local.get $centres))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (i32.add (local.get $c) (i32.const 1)) (local.get $k)))
        (call $distance2 (local.get $row) (local.get $centre) (i32.add (local.get $centre) (local.get $rowBytes)) (local.get $vec) (local.get $odd))
        (local.set $d2)
        (local.set $d)
        (if (f64.lt (local.get $d) (local.get $bestD))
          (then (local.set $bestD (local.get $d)) (local.set $best (local.get $c))))
        (if (f64.lt (local.get $d2) (local.get $bestD))
          (then (local.set $bestD (local.get $d2)) (local.set $best (i32.add (local.get $c) (i32.const 1)))))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (local.set $centre (i32.add (local.get $centre) (i32.shl (local.get $rowBytes) (i32.const 1))))
        (br $pairs)))
    (if (i32.lt_u (local.get $c) (local.get $k))
      (then
        (local.set $d (call $distance (local.get $row) (local.get $centre) (local.get $vec) (local.get $odd)))
        (if (f64.lt (local.get $d) (local.get $bestD))
          (then (local.set $bestD (local.get $d)) (local.set $best (local.get $c))))))
    (local.get $best) (local.get $bestD))

  ;; Nearest of $k centres for rows [start, end), screened by dot products: with the centres'
  ;; squared norms n_c, the distance is |x|² + e_c where e_c = n_c − 2 x·c, and x·c costs a
  ;; multiply and an add per column where (x − c)² costs three operations. The computed e_c and the
  ;; exact distance (the $distance order) both lie within κ(|x|² + max n_c) / 2 of |x|² + e_c, with
  ;; κ = 16 (cols + 4) 2⁻⁵³ (rounding-error bounds of dot products and sums, with a factor 2 to
  ;; spare), so when the second-smallest e_c exceeds the smallest by more than κ(|x|² + max n_c) the
  ;; smallest is the exact nearest centre; otherwise (near-ties, or anything not finite) the row is
  ;; assigned by exact distances. Labels are therefore those of exact distances, bit for bit.
  ;; Two rows at a time against four centres at a time (eight accumulators), so each loaded value
  ;; serves two or four products.
  ;; Writes labels; with $withSums the per-centre sums and counts (zeroed first) and returns the
  ;; number of labels that changed; without, the exact distance to the nearest centre into closest
  ;; and returns their sum.
  (func (export "assign")
    (param $data i32) (param $cols i32) (param $centres i32) (param $norms i32) (param $k i32) (param $start i32) (param $end i32)
    (param $labels i32) (param $closest i32) (param $withSums i32) (param $sums i32) (param $counts i32)
    (result f64)
    (local $i i32) (local $r0 i32) (local $r1 i32) (local $two i32) (local $rowBytes i32) (local $vec i32) (local $odd i32)
    (local $c i32) (local $p i32) (local $j i32) (local $q i32)
    (local $x0 v128) (local $x1 v128) (local $t v128)
    (local $a00 v128) (local $a01 v128) (local $a02 v128) (local $a03 v128)
    (local $a10 v128) (local $a11 v128) (local $a12 v128) (local $a13 v128)
    (local $s0 f64) (local $s1 f64) (local $cs f64) (local $e f64) (local $lt i32)
    (local $m1a f64) (local $m2a f64) (local $ba i32) (local $m1b f64) (local $m2b f64) (local $bb i32)
    (local $xxa f64) (local $xxb f64) (local $ncMax f64) (local $kappa f64) (local $n f64)
    (local $row i32) (local $best i32) (local $bestD f64) (local $m1 f64) (local $m2 f64) (local $xx f64) (local $which i32)
    (local $total f64) (local $target i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $odd (i32.and (local.get $cols) (i32.const 1)))
    (local.set $vec (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (local.set $kappa (f64.mul (f64.convert_i32_u (i32.add (local.get $cols) (i32.const 4))) (f64.const 0x1p-49)))
    ;; Squared norms of the centres (any order: only the screen reads them), and their largest.
    (local.set $p (local.get $centres))
    (local.set $c (i32.const 0))
    (block $normsDone
      (loop $normLoop
        (br_if $normsDone (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $n (f64.const 0))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $cs (f64.load (i32.add (local.get $p) (local.get $j))))
            (local.set $n (f64.add (local.get $n) (f64.mul (local.get $cs) (local.get $cs))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $colLoop)))
        (f64.store (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 3))) (local.get $n))
        ;; NaN-safe: a NaN norm makes ncMax NaN, and every screen fails over to exact distances.
        (local.set $ncMax (f64.max (local.get $ncMax) (local.get $n)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $normLoop)))
    (if (local.get $withSums)
      (then
        (memory.fill (local.get $sums) (i32.const 0) (i32.mul (local.get $k) (local.get $rowBytes)))
        (memory.fill (local.get $counts) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))))
    (local.set $i (local.get $start))
    (local.set $r0 (i32.add (local.get $data) (i32.mul (local.get $start) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        ;; The second row of the pair; an odd last row is paired with itself and written once.
        (local.set $two (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
        (local.set $r1 (select (i32.add (local.get $r0) (local.get $rowBytes)) (local.get $r0) (local.get $two)))
        ;; |x|² of both rows.
        (local.set $a00 (v128.const i64x2 0 0))
        (local.set $a10 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $xxDone
          (loop $xxLoop
            (br_if $xxDone (i32.ge_u (local.get $j) (local.get $vec)))
            (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $j))))
            (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $j))))
            (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $x0) (local.get $x0))))
            (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $x1) (local.get $x1))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $xxLoop)))
        (local.set $xxa (f64.add (f64x2.extract_lane 0 (local.get $a00)) (f64x2.extract_lane 1 (local.get $a00))))
        (local.set $xxb (f64.add (f64x2.extract_lane 0 (local.get $a10)) (f64x2.extract_lane 1 (local.get $a10))))
        (if (local.get $odd)
          (then
            (local.set $s0 (f64.load (i32.add (local.get $r0) (local.get $vec))))
            (local.set $s1 (f64.load (i32.add (local.get $r1) (local.get $vec))))
            (local.set $xxa (f64.add (local.get $xxa) (f64.mul (local.get $s0) (local.get $s0))))
            (local.set $xxb (f64.add (local.get $xxb) (f64.mul (local.get $s1) (local.get $s1))))))
        (local.set $m1a (f64.const inf)) (local.set $m2a (f64.const inf)) (local.set $ba (i32.const 0))
        (local.set $m1b (f64.const inf)) (local.set $m2b (f64.const inf)) (local.set $bb (i32.const 0))
        (local.set $c (i32.const 0))
        (local.set $p (local.get $centres))
        ;; Four centres at a time.
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $k)))
            (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0)) (local.set $a02 (v128.const i64x2 0 0)) (local.set $a03 (v128.const i64x2 0 0))
            (local.set $a10 (v128.const i64x2 0 0)) (local.set $a11 (v128.const i64x2 0 0)) (local.set $a12 (v128.const i64x2 0 0)) (local.set $a13 (v128.const i64x2 0 0))
            (local.set $j (i32.const 0))
            (local.set $q (i32.add (local.get $p) (local.get $rowBytes)))
            (block $dotsDone
              (loop $dots
                (br_if $dotsDone (i32.ge_u (local.get $j) (local.get $vec)))
                (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $j))))
                (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $j))))
                (local.set $t (v128.load (i32.add (local.get $p) (local.get $j))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $x0) (local.get $t))))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $x1) (local.get $t))))
                (local.set $t (v128.load (i32.add (local.get $q) (local.get $j))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $x0) (local.get $t))))
                (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $x1) (local.get $t))))
                (local.set $t (v128.load (i32.add (i32.add (local.get $q) (local.get $rowBytes)) (local.get $j))))
                (local.set $a02 (f64x2.add (local.get $a02) (f64x2.mul (local.get $x0) (local.get $t))))
                (local.set $a12 (f64x2.add (local.get $a12) (f64x2.mul (local.get $x1) (local.get $t))))
                (local.set $t (v128.load (i32.add (i32.add (local.get $q) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $j))))
                (local.set $a03 (f64x2.add (local.get $a03) (f64x2.mul (local.get $x0) (local.get $t))))
                (local.set $a13 (f64x2.add (local.get $a13) (f64x2.mul (local.get $x1) (local.get $t))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $dots)))
            (if (local.get $odd)
              (then
                (local.set $s0 (f64.load (i32.add (local.get $r0) (local.get $vec))))
                (local.set $s1 (f64.load (i32.add (local.get $r1) (local.get $vec))))
                ;; The odd column's products go into lane 0 (the sum's order is free: see above).
                (local.set $cs (f64.load (i32.add (local.get $p) (local.get $vec))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s0) (local.get $cs)))))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s1) (local.get $cs)))))
                (local.set $cs (f64.load (i32.add (local.get $q) (local.get $vec))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s0) (local.get $cs)))))
                (local.set $a11 (f64x2.add (local.get $a11) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s1) (local.get $cs)))))
                (local.set $cs (f64.load (i32.add (i32.add (local.get $q) (local.get $rowBytes)) (local.get $vec))))
                (local.set $a02 (f64x2.add (local.get $a02) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s0) (local.get $cs)))))
                (local.set $a12 (f64x2.add (local.get $a12) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s1) (local.get $cs)))))
                (local.set $cs (f64.load (i32.add (i32.add (local.get $q) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $vec))))
                (local.set $a03 (f64x2.add (local.get $a03) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s0) (local.get $cs)))))
                (local.set $a13 (f64x2.add (local.get $a13) (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.mul (local.get $s1) (local.get $cs)))))))
            ;; e = n_c − 2 x·c, then the running smallest and second smallest of each row.
            (local.set $q (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 3))))
            ;; centre c
            (local.set $cs (f64.load (local.get $q)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a00)) (f64x2.extract_lane 1 (local.get $a00))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1a)))
            (local.set $m2a (select (local.get $m1a) (select (local.get $e) (local.get $m2a) (f64.lt (local.get $e) (local.get $m2a))) (local.get $lt)))
            (local.set $ba (select (local.get $c) (local.get $ba) (local.get $lt)))
            (local.set $m1a (select (local.get $e) (local.get $m1a) (local.get $lt)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a10)) (f64x2.extract_lane 1 (local.get $a10))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1b)))
            (local.set $m2b (select (local.get $m1b) (select (local.get $e) (local.get $m2b) (f64.lt (local.get $e) (local.get $m2b))) (local.get $lt)))
            (local.set $bb (select (local.get $c) (local.get $bb) (local.get $lt)))
            (local.set $m1b (select (local.get $e) (local.get $m1b) (local.get $lt)))
            ;; centre c + 1
            (local.set $cs (f64.load offset=8 (local.get $q)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a01)) (f64x2.extract_lane 1 (local.get $a01))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1a)))
            (local.set $m2a (select (local.get $m1a) (select (local.get $e) (local.get $m2a) (f64.lt (local.get $e) (local.get $m2a))) (local.get $lt)))
            (local.set $ba (select (i32.add (local.get $c) (i32.const 1)) (local.get $ba) (local.get $lt)))
            (local.set $m1a (select (local.get $e) (local.get $m1a) (local.get $lt)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a11)) (f64x2.extract_lane 1 (local.get $a11))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1b)))
            (local.set $m2b (select (local.get $m1b) (select (local.get $e) (local.get $m2b) (f64.lt (local.get $e) (local.get $m2b))) (local.get $lt)))
            (local.set $bb (select (i32.add (local.get $c) (i32.const 1)) (local.get $bb) (local.get $lt)))
            (local.set $m1b (select (local.get $e) (local.get $m1b) (local.get $lt)))
            ;; centre c + 2
            (local.set $cs (f64.load offset=16 (local.get $q)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a02)) (f64x2.extract_lane 1 (local.get $a02))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1a)))
            (local.set $m2a (select (local.get $m1a) (select (local.get $e) (local.get $m2a) (f64.lt (local.get $e) (local.get $m2a))) (local.get $lt)))
            (local.set $ba (select (i32.add (local.get $c) (i32.const 2)) (local.get $ba) (local.get $lt)))
            (local.set $m1a (select (local.get $e) (local.get $m1a) (local.get $lt)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a12)) (f64x2.extract_lane 1 (local.get $a12))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1b)))
            (local.set $m2b (select (local.get $m1b) (select (local.get $e) (local.get $m2b) (f64.lt (local.get $e) (local.get $m2b))) (local.get $lt)))
            (local.set $bb (select (i32.add (local.get $c) (i32.const 2)) (local.get $bb) (local.get $lt)))
            (local.set $m1b (select (local.get $e) (local.get $m1b) (local.get $lt)))
            ;; centre c + 3
            (local.set $cs (f64.load offset=24 (local.get $q)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a03)) (f64x2.extract_lane 1 (local.get $a03))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1a)))
            (local.set $m2a (select (local.get $m1a) (select (local.get $e) (local.get $m2a) (f64.lt (local.get $e) (local.get $m2a))) (local.get $lt)))
            (local.set $ba (select (i32.add (local.get $c) (i32.const 3)) (local.get $ba) (local.get $lt)))
            (local.set $m1a (select (local.get $e) (local.get $m1a) (local.get $lt)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (f64.add (f64x2.extract_lane 0 (local.get $a13)) (f64x2.extract_lane 1 (local.get $a13))))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1b)))
            (local.set $m2b (select (local.get $m1b) (select (local.get $e) (local.get $m2b) (f64.lt (local.get $e) (local.get $m2b))) (local.get $lt)))
            (local.set $bb (select (i32.add (local.get $c) (i32.const 3)) (local.get $bb) (local.get $lt)))
            (local.set $m1b (select (local.get $e) (local.get $m1b) (local.get $lt)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $rowBytes) (i32.const 2))))
            (br $quads)))
        ;; The remaining centres one at a time.
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $a00 (v128.const i64x2 0 0))
            (local.set $a10 (v128.const i64x2 0 0))
            (local.set $j (i32.const 0))
            (block $dotDone
              (loop $dot
                (br_if $dotDone (i32.ge_u (local.get $j) (local.get $vec)))
                (local.set $t (v128.load (i32.add (local.get $p) (local.get $j))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (v128.load (i32.add (local.get $r0) (local.get $j))) (local.get $t))))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (v128.load (i32.add (local.get $r1) (local.get $j))) (local.get $t))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $dot)))
            (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a00)) (f64x2.extract_lane 1 (local.get $a00))))
            (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $a10)) (f64x2.extract_lane 1 (local.get $a10))))
            (if (local.get $odd)
              (then
                (local.set $cs (f64.load (i32.add (local.get $p) (local.get $vec))))
                (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $r0) (local.get $vec))) (local.get $cs))))
                (local.set $s1 (f64.add (local.get $s1) (f64.mul (f64.load (i32.add (local.get $r1) (local.get $vec))) (local.get $cs))))))
            (local.set $cs (f64.load (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 3)))))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (local.get $s0))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1a)))
            (local.set $m2a (select (local.get $m1a) (select (local.get $e) (local.get $m2a) (f64.lt (local.get $e) (local.get $m2a))) (local.get $lt)))
            (local.set $ba (select (local.get $c) (local.get $ba) (local.get $lt)))
            (local.set $m1a (select (local.get $e) (local.get $m1a) (local.get $lt)))
            (local.set $e (f64.sub (local.get $cs) (f64.mul (f64.const 2) (local.get $s1))))
            (local.set $lt (f64.lt (local.get $e) (local.get $m1b)))
            (local.set $m2b (select (local.get $m1b) (select (local.get $e) (local.get $m2b) (f64.lt (local.get $e) (local.get $m2b))) (local.get $lt)))
            (local.set $bb (select (local.get $c) (local.get $bb) (local.get $lt)))
            (local.set $m1b (select (local.get $e) (local.get $m1b) (local.get $lt)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $singles)))
        ;; Settle each row of the pair: the screen's answer or exact distances; then write it.
        (local.set $which (i32.const 0))
        (block $pairDone
          (loop $settle
            (local.set $row (select (local.get $r0) (local.get $r1) (i32.eqz (local.get $which))))
            (local.set $best (select (local.get $ba) (local.get $bb) (i32.eqz (local.get $which))))
            (local.set $m1 (select (local.get $m1a) (local.get $m1b) (i32.eqz (local.get $which))))
            (local.set $m2 (select (local.get $m2a) (local.get $m2b) (i32.eqz (local.get $which))))
            (local.set $xx (select (local.get $xxa) (local.get $xxb) (i32.eqz (local.get $which))))
            (if (f64.gt (local.get $m2) (f64.add (local.get $m1) (f64.mul (local.get $kappa) (f64.add (local.get $xx) (local.get $ncMax)))))
              (then
                (if (i32.eqz (local.get $withSums))
                  (then (local.set $bestD (call $distance (local.get $row) (i32.add (local.get $centres) (i32.mul (local.get $best) (local.get $rowBytes))) (local.get $vec) (local.get $odd))))))
              (else
                (call $exactNearest (local.get $row) (local.get $centres) (local.get $k) (local.get $rowBytes) (local.get $vec) (local.get $odd))
                (local.set $bestD)
                (local.set $best)))
            (local.set $target (i32.add (local.get $labels) (i32.shl (i32.add (local.get $i) (local.get $which)) (i32.const 2))))
            (if (local.get $withSums)
              (then
                (if (i32.ne (i32.load (local.get $target)) (local.get $best))
                  (then (local.set $total (f64.add (local.get $total) (f64.const 1)))))
                (i32.store (local.get $target) (local.get $best))
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
                (i32.store (local.get $target) (local.get $best))
                (f64.store (i32.add (local.get $closest) (i32.shl (i32.add (local.get $i) (local.get $which)) (i32.const 3))) (local.get $bestD))
                (local.set $total (f64.add (local.get $total) (local.get $bestD)))))
            (local.set $which (i32.add (local.get $which) (i32.const 1)))
            (br_if $settle (i32.and (local.get $two) (i32.eq (local.get $which) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (local.set $r0 (i32.add (local.get $r1) (local.get $rowBytes)))
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
