;; Hamming distances between bit-packed binary rows (exact MAPA rows on 0/1
;; data, src/mapa/exact/_hamming.ts). Rows of w 64-bit words start at byte 0 of the
;; memory, one after another; `row` writes the distance from row i to each
;; row j in [j0, j1) as an i32 at out, out + 4, ...
;;
;; Pairs of words go through 128-bit SIMD (xor, then a popcount per byte,
;; summed per byte lane: at most 8 bits x 31 pairs fit a byte, so rows up to
;; 62 words, 3968 bits, never overflow; wider rows take the scalar loop), and
;; an odd last word through i64.popcnt. HammingRows pads rows to an even
;; number of words (up to 62), so the pair scan takes the four-row loop.
;;
;; `tile` is one row of a tile of the symmetric pass (src/mapa/exact/_pair_tiles.ts,
;; #tileBits) on top of `row`: the same float64 operations in the same order as
;; that JavaScript loop, so its results are bit-identical. For row i against rows
;; j in [js, j1) of the J-block starting at j0, with h the Hamming distance:
;;   v = table[h] ; si += v ; col[j - j0] += v
;;   if (h <= wi || h <= worst[j]) append (j, h) to the pending lists
;; Returns the number pending; si goes to the f64 at $siOut.
(module
  (memory (export "mem") 1)
  (func (export "tile")
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
)
