;; Hamming distances between bit-packed binary rows (exact MAPA rows on 0/1
;; data, src/mapa/exact/_hamming.ts). Rows of w 64-bit words start at byte 0 of the
;; memory, one after another; `row` writes the distance from row i to each
;; row j in [j0, j1) as an i32 at out, out + 4, ...
;;
;; Pairs of words go through 128-bit SIMD (xor, then a popcount per byte,
;; summed per byte lane: at most 8 bits x 31 pairs fit a byte, so rows up to
;; 62 words, 3968 bits, never overflow; wider rows take the scalar loop), and
;; an odd last word through i64.popcnt.
(module
  (memory (export "mem") 1)
  (func (export "row")
    (param $i i32) (param $j0 i32) (param $j1 i32) (param $w i32) (param $out i32)
    (local $a i32) (local $b i32) (local $end i32) (local $k i32) (local $stride i32)
    (local $pairs i32) (local $h i64) (local $acc v128) (local $wide v128)
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
