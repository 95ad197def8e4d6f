;; One row of a D = 2 tile of the symmetric pass (src/mapa/exact/_pair_tiles.ts,
;; #tile2) for the Gaussian kernel, two pairs at a time in 128-bit SIMD. It
;; performs the same float64 operations in the same order as the JavaScript
;; loop and `expNonPositive` (src/mapa/fast_exp.ts): wasm has no fused
;; multiply-add, so each lane's result is bit-identical, and the row sum is
;; still added pair by pair in j order.
;;
;; For row i against rows j in [js, j1) of the J-block starting at j0:
;;   d2 = (x_j - x_i)^2 + (y_j - y_i)^2 ; v = expNonPositive(negScale * d2)
;;   si += v ; col[j - j0] += v
;;   if (d2 <= wi || d2 <= worst[j]) append (j, d2) to the pending lists
;; Returns the number pending; si goes to the f64 at $siOut.
;; Tables at $tab: 2^-k for k = 0..1099 (8800 bytes, unused: built from bits), then 2^(m/64) for
;; m = 0..63 (512 bytes), then expNonPositive's constants as JavaScript
;; computed them: INV_STEP, ROUND, STEP_HI, STEP_LO, 1/6, 1/24, 1/120.
(module
  (memory (export "mem") 1)
  (func (export "row2")
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
