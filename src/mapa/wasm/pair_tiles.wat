;; The WebAssembly tiles of exact MAPA rows' symmetric pass
;; (src/mapa/exact/_pair_tiles.ts), one instance per scan: bit-packed 0/1 rows
;; (`row`, `tile`; src/mapa/exact/_hamming.ts), D = 2 Gaussian rows (`row2`;
;; src/mapa/exact/_gauss2.ts), and `block`, which runs a whole tile of either kind.
;;
;; `row`: Hamming distances between bit-packed binary rows. Rows of w 64-bit words
;; start at byte 0 of the memory, one after another; `row` writes the distance from
;; row i to each row j in [j0, j1) as an i32 at out, out + 4, ... Pairs of words go
;; through 128-bit SIMD (xor, then a popcount per byte, summed per byte lane: at most
;; 8 bits x 31 pairs fit a byte, so rows up to 62 words, 3968 bits, never overflow;
;; wider rows take the scalar loop), and an odd last word through i64.popcnt.
;; HammingRows pads rows to an even number of words (up to 62), so the pair scan
;; takes the four-row loop.
;;
;; `tile`: one row of a tile on top of `row`, with the same float64 operations in the
;; same order as the pass's float path (#tileD's inner loop on the unpacked 0/1
;; rows), so its results are bit-identical. For row i against rows j in [js, j1) of
;; the J-block starting at j0, with h the Hamming distance:
;;   v = table[h] ; si += v ; col[j - j0] += v
;;   if (h <= wi || h <= worst[j]) append (j, h) to the pending lists
;; Returns the number pending; si goes to the f64 at $siOut.
;;
;; `row2`: one row of a D = 2 Gaussian tile, two pairs at a time in 128-bit SIMD,
;; with the same float64 operations in the same order as the pass's #tile2 and
;; `expNonPositive` (src/mapa/fast_exp.ts): wasm has no fused multiply-add, so each
;; lane's result is bit-identical, and the row sum is still added pair by pair in
;; j order. For row i against rows j in [js, j1) of the J-block starting at j0:
;;   d2 = (x_j - x_i)^2 + (y_j - y_i)^2 ; v = expNonPositive(negScale * d2)
;;   si += v ; col[j - j0] += v
;;   if (d2 <= wi || d2 <= worst[j]) append (j, d2) to the pending lists
;; Returns the number pending; si goes to the f64 at $siOut. Tables at $tab: 2^-k
;; for k = 0..1099 (8800 bytes, unused: built from bits), then 2^(m/64) for
;; m = 0..63 (512 bytes), then expNonPositive's constants as JavaScript computed
;; them: INV_STEP, ROUND, STEP_HI, STEP_LO, 1/6, 1/24, 1/120.
;;
;; `block`: a whole tile, `tile` or `row2` for each row (by `setup` and
;; `setupGauss2`), then the exact limb sums (_exact_sum.ts) and the heap offers
;; (PairScan's #offer and siftRoot) that the JavaScript pass runs, on the partial
;; held in this memory. One call per tile instead of a JavaScript call per row.
(module
  (memory (export "mem") 1)
  ;; Where `block` finds its state (byte addresses), set once by `setup`.
  (global $w (mut i32) (i32.const 0))
  (global $dist (mut i32) (i32.const 0))
  (global $table (mut i32) (i32.const 0))
  (global $worst (mut i32) (i32.const 0))
  (global $col (mut i32) (i32.const 0))
  (global $pend (mut i32) (i32.const 0))
  (global $pendD (mut i32) (i32.const 0))
  (global $siOut (mut i32) (i32.const 0))
  (global $sums (mut i32) (i32.const 0))
  (global $heapD (mut i32) (i32.const 0))
  (global $heapI (mut i32) (i32.const 0))
  (global $k1 (mut i32) (i32.const 0))
  ;; 0: bit-packed rows (`tile`); 1: D = 2 Gaussian rows (`row2`), with these three.
  (global $mode (mut i32) (i32.const 0))
  (global $data (mut i32) (i32.const 0))
  (global $tab (mut i32) (i32.const 0))
  (global $negScale (mut f64) (f64.const 0))
  (func (export "setup")
    (param $w i32) (param $dist i32) (param $table i32) (param $worst i32) (param $col i32)
    (param $pend i32) (param $pendD i32) (param $siOut i32) (param $sums i32)
    (param $heapD i32) (param $heapI i32) (param $k1 i32)
    (global.set $w (local.get $w))
    (global.set $dist (local.get $dist))
    (global.set $table (local.get $table))
    (global.set $worst (local.get $worst))
    (global.set $col (local.get $col))
    (global.set $pend (local.get $pend))
    (global.set $pendD (local.get $pendD))
    (global.set $siOut (local.get $siOut))
    (global.set $sums (local.get $sums))
    (global.set $heapD (local.get $heapD))
    (global.set $heapI (local.get $heapI))
    (global.set $k1 (local.get $k1)))
  ;; Switches `block` to D = 2 Gaussian rows: the points at $data (N x 2 f64), the
  ;; exp tables at $tab, and -scale.
  (func (export "setupGauss2") (param $data i32) (param $tab i32) (param $negScale f64)
    (global.set $mode (i32.const 1))
    (global.set $data (local.get $data))
    (global.set $tab (local.get $tab))
    (global.set $negScale (local.get $negScale)))
  ;; One whole tile of the symmetric pass (src/mapa/exact/_pair_tiles.ts, PairScan.tile
  ;; and #offer): rows i in [i0, i1) against the J-block [j0, j1), only j > i when
  ;; diag; per row `tile`, then addExact of the row's sum and the offer of its pending
  ;; pairs to both heaps; then addExact of every column sum. The same float64
  ;; operations in the same order as the JavaScript, so the partials are the same bits.
  (func (export "block")
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $diag i32)
    (local $i i32) (local $js i32) (local $np i32) (local $si f64) (local $j i32)
    (local.set $j (local.get $j0))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_s (local.get $j) (local.get $j1)))
        (f64.store
          (i32.add (global.get $col) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3)))
          (f64.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zero)))
    (local.set $i (local.get $i0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $js
          (select (i32.add (local.get $i) (i32.const 1)) (local.get $j0) (local.get $diag)))
        (local.set $si (f64.const 0))
        (local.set $np (i32.const 0))
        (if (i32.lt_s (local.get $js) (local.get $j1))
          (then
            (local.set $np
              (if (result i32) (global.get $mode)
                (then
                  (call $row2 (local.get $i) (local.get $js) (local.get $j1) (local.get $j0)
                    (global.get $negScale)
                    (f64.load (i32.add (global.get $worst) (i32.shl (local.get $i) (i32.const 3))))
                    (global.get $data) (global.get $worst) (global.get $col) (global.get $pend)
                    (global.get $pendD) (global.get $tab) (global.get $siOut)))
                (else
                  (call $tile (local.get $i) (local.get $js) (local.get $j1) (local.get $j0)
                    (global.get $w) (global.get $dist) (global.get $table)
                    (f64.load (i32.add (global.get $worst) (i32.shl (local.get $i) (i32.const 3))))
                    (global.get $worst) (global.get $col) (global.get $pend) (global.get $pendD)
                    (global.get $siOut)))))
            (local.set $si (f64.load (global.get $siOut)))))
        (call $addExact (local.get $i) (local.get $si))
        (if (i32.gt_s (local.get $np) (i32.const 0))
          (then (call $offer (local.get $i) (local.get $np))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (local.set $j (local.get $j0))
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_s (local.get $j) (local.get $j1)))
        (call $addExact (local.get $j)
          (f64.load
            (i32.add (global.get $col) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols))))
  ;; _exact_sum.ts addExact: part v of row r split exactly into three limbs on the
  ;; grids 2^-26, 2^-52 and 2^-78, each added to the row's running limb.
  (func $addExact (param $r i32) (param $v f64)
    (local $a f64) (local $rest f64) (local $b f64) (local $c f64) (local $p i32)
    (local.set $a (f64.sub (f64.add (local.get $v) (f64.const 0x1.8p+26)) (f64.const 0x1.8p+26)))
    (local.set $rest (f64.sub (local.get $v) (local.get $a)))
    (local.set $b (f64.sub (f64.add (local.get $rest) (f64.const 1.5)) (f64.const 1.5)))
    (local.set $c
      (f64.sub
        (f64.add (f64.sub (local.get $rest) (local.get $b)) (f64.const 0x1.8p-26))
        (f64.const 0x1.8p-26)))
    (local.set $p (i32.add (global.get $sums) (i32.mul (local.get $r) (i32.const 24))))
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $a)))
    (f64.store offset=8 (local.get $p) (f64.add (f64.load offset=8 (local.get $p)) (local.get $b)))
    (f64.store offset=16 (local.get $p) (f64.add (f64.load offset=16 (local.get $p)) (local.get $c))))
  ;; _pair_tiles.ts #offer: each pending pair (i, j) to both rows' heaps, which keep the
  ;; K - 1 nearest by (distance, index); ties on distance go to the lower index.
  (func $offer (param $i i32) (param $np i32)
    (local $q i32) (local $j i32) (local $d2 f64) (local $wr f64) (local $at i32)
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_s (local.get $q) (local.get $np)))
        (local.set $j (i32.load (i32.add (global.get $pend) (i32.shl (local.get $q) (i32.const 2)))))
        (local.set $d2 (f64.load (i32.add (global.get $pendD) (i32.shl (local.get $q) (i32.const 3)))))
        (local.set $at (i32.add (global.get $worst) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $wr (f64.load (local.get $at)))
        (if (call $beats (local.get $d2) (local.get $j) (local.get $wr) (local.get $i))
          (then
            (f64.store (local.get $at) (call $sift (local.get $i) (local.get $d2) (local.get $j)))))
        (local.set $at (i32.add (global.get $worst) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $wr (f64.load (local.get $at)))
        (if (call $beats (local.get $d2) (local.get $i) (local.get $wr) (local.get $j))
          (then
            (f64.store (local.get $at) (call $sift (local.get $j) (local.get $d2) (local.get $i)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $pairs))))
  ;; Whether (d2, j) beats row r's heap root (distance wr): d2 < wr, or d2 = wr and j
  ;; below the root's index. The index is read only on a tie (never when K = 1).
  (func $beats (param $d2 f64) (param $j i32) (param $wr f64) (param $r i32) (result i32)
    (if (result i32) (f64.lt (local.get $d2) (local.get $wr))
      (then (i32.const 1))
      (else
        (if (result i32) (f64.eq (local.get $d2) (local.get $wr))
          (then
            (i32.lt_s (local.get $j)
              (i32.load
                (i32.add (global.get $heapI)
                  (i32.shl (i32.mul (local.get $r) (global.get $k1)) (i32.const 2))))))
          (else (i32.const 0))))))
  ;; _pair_tiles.ts siftRoot: replaces the root of row r's full max-heap (by distance,
  ;; then index) with (dist, j), sifts it down and returns the new root distance.
  (func $sift (param $r i32) (param $dist f64) (param $j i32) (result f64)
    (local $hd i32) (local $hi i32) (local $size i32) (local $i i32) (local $l i32)
    (local $c i32) (local $dl f64) (local $dr f64) (local $dc f64)
    (local.set $size (global.get $k1))
    (local.set $hd (i32.add (global.get $heapD) (i32.shl (i32.mul (local.get $r) (local.get $size)) (i32.const 3))))
    (local.set $hi (i32.add (global.get $heapI) (i32.shl (i32.mul (local.get $r) (local.get $size)) (i32.const 2))))
    (block $placed
      (loop $down
        (local.set $l (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)))
        (br_if $placed (i32.ge_s (local.get $l) (local.get $size)))
        (local.set $c (local.get $l))
        (if (i32.lt_s (i32.add (local.get $l) (i32.const 1)) (local.get $size))
          (then
            (local.set $dl (f64.load (i32.add (local.get $hd) (i32.shl (local.get $l) (i32.const 3)))))
            (local.set $dr (f64.load offset=8 (i32.add (local.get $hd) (i32.shl (local.get $l) (i32.const 3)))))
            (if
              (if (result i32) (f64.gt (local.get $dr) (local.get $dl))
                (then (i32.const 1))
                (else
                  (if (result i32) (f64.eq (local.get $dr) (local.get $dl))
                    (then
                      (i32.gt_s
                        (i32.load offset=4 (i32.add (local.get $hi) (i32.shl (local.get $l) (i32.const 2))))
                        (i32.load (i32.add (local.get $hi) (i32.shl (local.get $l) (i32.const 2))))))
                    (else (i32.const 0)))))
              (then (local.set $c (i32.add (local.get $l) (i32.const 1)))))))
        (local.set $dc (f64.load (i32.add (local.get $hd) (i32.shl (local.get $c) (i32.const 3)))))
        (br_if $placed (f64.lt (local.get $dc) (local.get $dist)))
        (br_if $placed
          (i32.and (f64.eq (local.get $dc) (local.get $dist))
            (i32.lt_s
              (i32.load (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2))))
              (local.get $j))))
        (f64.store (i32.add (local.get $hd) (i32.shl (local.get $i) (i32.const 3))) (local.get $dc))
        (i32.store (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 2)))
          (i32.load (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $i (local.get $c))
        (br $down)))
    (f64.store (i32.add (local.get $hd) (i32.shl (local.get $i) (i32.const 3))) (local.get $dist))
    (i32.store (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 2))) (local.get $j))
    (f64.load (local.get $hd)))
  (func $tile (export "tile")
    (param $i i32) (param $js i32) (param $j1 i32) (param $j0 i32) (param $w i32)
    (param $dist i32) (param $table i32) (param $wi f64) (param $worst i32) (param $col i32)
    (param $pend i32) (param $pendD i32) (param $siOut i32)
    (result i32)
    (local $j i32) (local $np i32) (local $si f64) (local $v f64) (local $d2 f64)
    (local $c i32) (local $at i32)
    (call $row (local.get $i) (local.get $js) (local.get $j1) (local.get $w) (local.get $dist))
    (local.set $j (local.get $js))
    (local.set $at (local.get $dist))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $d2 (f64.convert_i32_u (i32.load (local.get $at))))
        (local.set $v
          (f64.load (i32.add (local.get $table) (i32.shl (i32.load (local.get $at)) (i32.const 3)))))
        (local.set $si (f64.add (local.get $si) (local.get $v)))
        (local.set $c (i32.add (local.get $col) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3))))
        (f64.store (local.get $c) (f64.add (f64.load (local.get $c)) (local.get $v)))
        (if (i32.or
              (f64.le (local.get $d2) (local.get $wi))
              (f64.le (local.get $d2)
                (f64.load (i32.add (local.get $worst) (i32.shl (local.get $j) (i32.const 3))))))
          (then
            (f64.store (i32.add (local.get $pendD) (i32.shl (local.get $np) (i32.const 3))) (local.get $d2))
            (i32.store (i32.add (local.get $pend) (i32.shl (local.get $np) (i32.const 2))) (local.get $j))
            (local.set $np (i32.add (local.get $np) (i32.const 1)))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pairs)))
    (f64.store (local.get $siOut) (local.get $si))
    (local.get $np))
  (func $row (export "row")
    (param $i i32) (param $j0 i32) (param $j1 i32) (param $w i32) (param $out i32)
    (local $a i32) (local $b i32) (local $end i32) (local $k i32) (local $stride i32)
    (local $pairs i32) (local $h i64) (local $acc v128) (local $wide v128)
    (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $av v128)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $stride4 i32)
    (local.set $stride (i32.shl (local.get $w) (i32.const 3)))
    (local.set $a (i32.mul (local.get $i) (local.get $stride)))
    (local.set $b (i32.mul (local.get $j0) (local.get $stride)))
    (local.set $end (i32.mul (local.get $j1) (local.get $stride)))
    ;; Bytes covered by whole 16-byte pairs of words; 0 when rows are too wide for byte lanes.
    (local.set $pairs
      (select
        (i32.and (local.get $stride) (i32.const -16))
        (i32.const 0)
        (i32.le_u (local.get $w) (i32.const 62))))
    ;; Rows of an even number of words: four j rows at a time share each load of
    ;; row i's words, and their four byte-lane sums are reduced together (two
    ;; rounds of interleave-and-add) and stored as one vector.
    (if (i32.eq (local.get $pairs) (local.get $stride))
      (then
        (local.set $stride4 (i32.shl (local.get $stride) (i32.const 2)))
        (block $four_done
          (loop $four
            (br_if $four_done
              (i32.gt_u (i32.add (local.get $b) (local.get $stride4)) (local.get $end)))
            (local.set $acc (v128.const i64x2 0 0))
            (local.set $acc1 (v128.const i64x2 0 0))
            (local.set $acc2 (v128.const i64x2 0 0))
            (local.set $acc3 (v128.const i64x2 0 0))
            (local.set $k (i32.const 0))
            (local.set $b1 (i32.add (local.get $b) (local.get $stride)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $stride)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $stride)))
            (block $k_done
              (loop $k_loop
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $stride)))
                (local.set $av (v128.load (i32.add (local.get $a) (local.get $k))))
                (local.set $acc (i8x16.add (local.get $acc) (i8x16.popcnt (v128.xor (local.get $av)
                  (v128.load (i32.add (local.get $b) (local.get $k)))))))
                (local.set $acc1 (i8x16.add (local.get $acc1) (i8x16.popcnt (v128.xor (local.get $av)
                  (v128.load (i32.add (local.get $b1) (local.get $k)))))))
                (local.set $acc2 (i8x16.add (local.get $acc2) (i8x16.popcnt (v128.xor (local.get $av)
                  (v128.load (i32.add (local.get $b2) (local.get $k)))))))
                (local.set $acc3 (i8x16.add (local.get $acc3) (i8x16.popcnt (v128.xor (local.get $av)
                  (v128.load (i32.add (local.get $b3) (local.get $k)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k_loop)))
            ;; s_r: four i32 partial sums of row r; t01 = [s0.0+s0.2, s1.0+s1.2, s0.1+s0.3, s1.1+s1.3]
            (local.set $acc (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
            (local.set $acc1 (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc1))))
            (local.set $acc2 (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc2))))
            (local.set $acc3 (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc3))))
            (local.set $acc
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc) (local.get $acc1))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc) (local.get $acc1))))
            (local.set $acc2
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc2) (local.get $acc3))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc2) (local.get $acc3))))
            (v128.store (local.get $out)
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $acc) (local.get $acc2))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $acc) (local.get $acc2))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (local.get $stride4)))
            (br $four)))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $simd_done
          (loop $simd
            (br_if $simd_done (i32.ge_u (local.get $k) (local.get $pairs)))
            (local.set $acc
              (i8x16.add
                (local.get $acc)
                (i8x16.popcnt
                  (v128.xor
                    (v128.load (i32.add (local.get $a) (local.get $k)))
                    (v128.load (i32.add (local.get $b) (local.get $k)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $simd)))
        (local.set $wide
          (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (local.set $h
          (i64.extend_i32_u
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $wide)) (i32x4.extract_lane 1 (local.get $wide)))
              (i32.add (i32x4.extract_lane 2 (local.get $wide)) (i32x4.extract_lane 3 (local.get $wide))))))
        (block $scalar_done
          (loop $scalar
            (br_if $scalar_done (i32.ge_u (local.get $k) (local.get $stride)))
            (local.set $h
              (i64.add
                (local.get $h)
                (i64.popcnt
                  (i64.xor
                    (i64.load (i32.add (local.get $a) (local.get $k)))
                    (i64.load (i32.add (local.get $b) (local.get $k)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $scalar)))
        (i32.store (local.get $out) (i32.wrap_i64 (local.get $h)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (local.get $stride)))
        (br $rows))))
  (func $row2 (export "row2")
    (param $i i32) (param $js i32) (param $j1 i32) (param $j0 i32)
    (param $negScale f64) (param $wi f64)
    (param $data i32) (param $worst i32) (param $col i32) (param $pend i32) (param $pendD i32)
    (param $tab i32) (param $siOut i32)
    (result i32)
    (local $j i32) (local $np i32) (local $si f64) (local $a0 v128) (local $a1 v128)
    (local $p0 v128) (local $p1 v128) (local $e0 v128) (local $e1 v128) (local $d2 v128)
    (local $v v128) (local $c i32) (local $ns v128) (local $wv v128) (local $cand v128)
    (local $inv v128) (local $round v128) (local $hi v128) (local $lo v128)
    (local $c6 v128) (local $c24 v128) (local $c120 v128)
    (local $x v128) (local $t v128) (local $r v128) (local $n v128) (local $p v128)
    (local $a i32) (local $b i32) (local $k v128) (local $k1 v128) (local $pn v128) (local $pf v128)
    (local.set $a0 (f64x2.splat (f64.load (i32.add (local.get $data) (i32.shl (local.get $i) (i32.const 4))))))
    (local.set $a1 (f64x2.splat (f64.load offset=8 (i32.add (local.get $data) (i32.shl (local.get $i) (i32.const 4))))))
    (local.set $ns (f64x2.splat (local.get $negScale)))
    (local.set $wv (f64x2.splat (local.get $wi)))
    (local.set $inv (v128.load64_splat offset=9312 (local.get $tab)))
    (local.set $round (v128.load64_splat offset=9320 (local.get $tab)))
    (local.set $hi (v128.load64_splat offset=9328 (local.get $tab)))
    (local.set $lo (v128.load64_splat offset=9336 (local.get $tab)))
    (local.set $c6 (v128.load64_splat offset=9344 (local.get $tab)))
    (local.set $c24 (v128.load64_splat offset=9352 (local.get $tab)))
    (local.set $c120 (v128.load64_splat offset=9360 (local.get $tab)))
    (local.set $j (local.get $js))
    (block $done
      (loop $pairs
        ;; one j at a time when a single row is left (lane 1 then computes garbage, ignored)
        (br_if $done (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $p0 (v128.load (i32.add (local.get $data) (i32.shl (local.get $j) (i32.const 4)))))
        (local.set $p1
          (select
            (v128.load offset=16 (i32.add (local.get $data) (i32.shl (local.get $j) (i32.const 4))))
            (local.get $p0)
            (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $j1))))
        ;; e0 = [x_j, x_j+1] - x_i ; e1 = [y_j, y_j+1] - y_i
        (local.set $e0 (f64x2.sub
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p0) (local.get $p1))
          (local.get $a0)))
        (local.set $e1 (f64x2.sub
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p0) (local.get $p1))
          (local.get $a1)))
        (local.set $d2 (f64x2.add (f64x2.mul (local.get $e0) (local.get $e0))
                                  (f64x2.mul (local.get $e1) (local.get $e1))))
        ;; v = expNonPositive(negScale * d2), inlined (fast_exp.ts)
        (local.set $x (f64x2.mul (local.get $ns) (local.get $d2)))
        ;; t = (x * INV_STEP + ROUND) - ROUND
        (local.set $t
          (f64x2.sub
            (f64x2.add
              (f64x2.mul (local.get $x) (local.get $inv))
              (local.get $round))
            (local.get $round)))
        ;; r = (x - t * STEP_HI) - t * STEP_LO
        (local.set $r
          (f64x2.sub
            (f64x2.sub
              (local.get $x)
              (f64x2.mul (local.get $t) (local.get $hi)))
            (f64x2.mul (local.get $t) (local.get $lo))))
        ;; p = 1 + r * (1 + r * (0.5 + r * (1/6 + r * (1/24 + r * (1/120 + r * (1/720))))))
        ;; (1/720 as JavaScript rounds it: 0x1.6c16c16c16c17p-10)
        (local.set $p
          (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r)
          (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r)
          (f64x2.add (local.get $c6) (f64x2.mul (local.get $r)
          (f64x2.add (local.get $c24) (f64x2.mul (local.get $r)
          (f64x2.add (local.get $c120)
            (f64x2.mul (local.get $r) (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10))))))))))))))
        (local.set $n (i32x4.trunc_sat_f64x2_s_zero (local.get $t)))
        ;; 2^-k with k = -(n >> 6), and 2^((n & 63) / 64), per lane from the tables
        (local.set $a (i32x4.extract_lane 0 (local.get $n)))
        (local.set $b (i32x4.extract_lane 1 (local.get $n)))
        ;; 2^-k, k = -(n >> 6), as 2^-k1 * 2^-k2 with k1 = min(k, 1022): both factors are
        ;; normal powers of two built from exponent bits, and their product is the
        ;; table's 2^-k exactly (a subnormal, or 0 from k = 1075 on). Lanes whose k is
        ;; out of range are zeroed by the final mask.
        (local.set $k (i64x2.neg (i64x2.shr_s (i64x2.extend_low_i32x4_s (local.get $n)) (i32.const 6))))
        (local.set $k1 (v128.bitselect
          (v128.const i64x2 1022 1022)
          (local.get $k)
          (i64x2.gt_s (local.get $k) (v128.const i64x2 1022 1022))))
        (local.set $pn
          (f64x2.mul
            (i64x2.shl (i64x2.sub (v128.const i64x2 1023 1023) (local.get $k1)) (i32.const 52))
            (i64x2.shl
              (i64x2.sub (v128.const i64x2 1023 1023) (i64x2.sub (local.get $k) (local.get $k1)))
              (i32.const 52))))
        (local.set $pf
          (f64x2.replace_lane 1
            (f64x2.splat
              (f64.load offset=8800 (i32.add (local.get $tab)
                (i32.shl (i32.and (local.get $a) (i32.const 63)) (i32.const 3)))))
            (f64.load offset=8800 (i32.add (local.get $tab)
              (i32.shl (i32.and (local.get $b) (i32.const 63)) (i32.const 3))))))
        (local.set $v
          (v128.and
          (f64x2.mul (f64x2.mul (local.get $pn) (local.get $pf)) (local.get $p))
          (f64x2.gt (local.get $x) (v128.const f64x2 -745.2 -745.2))))
        (local.set $c (i32.add (local.get $col) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3))))
        ;; Both lanes' column sums at once (lane by lane the same adds). With one
        ;; row left, lane 1 lands in the slot after the block's last, which the
        ;; column array pads and nothing reads.
        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $v)))
        ;; Neither lane a candidate (the common case once the heaps fill): skip both.
        (local.set $cand
          (v128.or
            (f64x2.le (local.get $d2) (local.get $wv))
            (f64x2.le (local.get $d2)
              (v128.load (i32.add (local.get $worst) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $si (f64.add (local.get $si) (f64x2.extract_lane 0 (local.get $v))))
        (if (i32x4.extract_lane 0 (local.get $cand))
          (then
            (f64.store (i32.add (local.get $pendD) (i32.shl (local.get $np) (i32.const 3)))
              (f64x2.extract_lane 0 (local.get $d2)))
            (i32.store (i32.add (local.get $pend) (i32.shl (local.get $np) (i32.const 2))) (local.get $j))
            (local.set $np (i32.add (local.get $np) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $si (f64.add (local.get $si) (f64x2.extract_lane 1 (local.get $v))))
        (if (i32x4.extract_lane 2 (local.get $cand))
          (then
            (f64.store (i32.add (local.get $pendD) (i32.shl (local.get $np) (i32.const 3)))
              (f64x2.extract_lane 1 (local.get $d2)))
            (i32.store (i32.add (local.get $pend) (i32.shl (local.get $np) (i32.const 2))) (local.get $j))
            (local.set $np (i32.add (local.get $np) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pairs)))
    (f64.store (local.get $siOut) (local.get $si))
    (local.get $np))
)
