;; The fusion kernels, in WebAssembly text with SIMD. `npm run build` compiles and validates this
;; file with wabt (scripts/build-kernels.ts) into kernels.wasm beside the built JavaScript;
;; simd-module.ts loads that binary. A kernel that does not parse or validate fails the build.
;;
;; The kernels work on float32 rows in the module's own memory, imported as env.memory so that
;; each SimdWorkspace gives it its own (the caller copies inputs in): all pointers are byte
;; offsets, counts are in floats. Four lanes at a time, then a scalar tail for a row length that
;; is not a multiple of 4.
;;
;; Every kernel walks rows the same way: $o runs over the bytes of all rows, $rowEnd ends the row
;; and $vecEnd its whole vectors ($rowBytes and $vecBytes are set once per call); each loop is
;; `block $X_done (loop $next_X (br_if $X_done (i32.ge_s counter end)) … (br $next_X))`.
;;
;; The combine kernels come in 16 written-out variants (1 to 4 models, assign or add, with or
;; without the statistics) rather than one with a loop over models, so that each keeps every
;; source pointer and weight in a local. The Stats variants inline rowMax's statistics.
(module
  (import "env" "memory" (memory 1))

  ;; rowMax(src, rows, classes, maxOut, argmaxOut, checkOut): per row the maximum, its first
  ;; index, and the sum of the row, which is NaN or +Infinity iff some element is (the fault check).
  ;; Each lane keeps its own best (vmax, vbest), merged at the end of the row so that the first
  ;; index of the maximum wins; the tail (classes mod 4) is scalar.
  (func $rowMax (export "rowMax") (param $src i32) (param $rows i32) (param $classes i32)
      (param $maxOut i32) (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $vmax v128) (local $vbest v128)
    (local $vcur v128) (local $vsum v128) (local $gt v128) (local $best f32) (local $at i32)
    (local $sum f32) (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v (v128.load align=4 (i32.add (local.get $src) (local.get $o))))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x (f32.load (i32.add (local.get $src) (local.get $o))))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; rowExp(src, dst, rows, classes, maxIn, invT, sumOut): dst = exp((src − max_r)·invT), and
  ;; the row sums accumulated in float64.
  ;;
  ;; exp follows Cephes' expf: t·log2(e) rounded to n by adding 1.5·2^23 (no nearest, no convert
  ;; instruction), r = t − n·ln2 with ln2 in two parts so that n·LN2_HIGH is exact, exp(r) =
  ;; 1 + r + r²·P(r) with P the Taylor coefficients 1/720 … 1/2 (for |r| ≤ ln2/2 the first omitted
  ;; term is below 1.3e-7, about two float32 ulps), times 2^n built in the exponent bits. Relative
  ;; error about 2e-7 for t ≥ −87.33654; 0 below (where a float32 result would be subnormal) and at
  ;; −Infinity. No clamp: below the floor the exponent bits are garbage, and the final mask clears
  ;; them. test/fusion-simd.test.ts checks it against Math.exp to 1e-6.
  ;;
  ;; The constants live in locals, set once per call: TurboFan does not hoist a splat of a constant
  ;; out of a wasm loop, and ten splats per four elements cost as much as the arithmetic. Two
  ;; independent exps per iteration ($t0…, $t1…) let their dependency chains overlap. Each vector's
  ;; four lanes go to float64 (low pair + high pair) and into the running sum in one add, so the
  ;; loop-carried chain is a single add.
  (func $rowExp (export "rowExp") (param $src i32) (param $dst i32) (param $rows i32)
      (param $classes i32) (param $maxIn i32) (param $invT f32) (param $sumOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $pairEnd i32) (local $vm v128) (local $vinv v128) (local $s64 v128)
    (local $s f64) (local $t0 v128) (local $e0 v128) (local $n0 v128) (local $y0 v128)
    (local $r0 v128) (local $t1 v128) (local $e1 v128) (local $n1 v128) (local $y1 v128)
    (local $r1 v128) (local $cFloor v128) (local $cLog2e v128) (local $cLn2High v128)
    (local $cLn2Low v128) (local $cOne v128) (local $cBias v128) (local $cRounder v128)
    (local $cPoly0 v128) (local $cPoly1 v128) (local $cPoly2 v128) (local $cPoly3 v128)
    (local $cPoly4 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    ;; SIMD_EXP_FLOOR (simd-module.ts): below it exp(t) in float32 is subnormal
    (local.set $cFloor (f32x4.splat (f32.const -0x1.5d589ep+6 (;=-87.3365;))))
    (local.set $cLog2e (f32x4.splat (f32.const 0x1.715476p+0 (;=1.4427;))))
    (local.set $cLn2High (f32x4.splat (f32.const 0x1.63p-1 (;=0.693359;))))
    (local.set $cLn2Low (f32x4.splat (f32.const -0x1.bd0106p-13 (;=-0.000212194;))))
    (local.set $cOne (f32x4.splat (f32.const 1)))
    (local.set $cRounder (f32x4.splat (f32.const 0x1.8p+23 (;=1.25829e+07;))))
    ;; 127 − 0x4b400000 (the bits of 1.5·2^23) in every lane
    (local.set $cBias (v128.const i32x4 0xb4c0007f 0xb4c0007f 0xb4c0007f 0xb4c0007f))
    ;; P: 1/720, 1/120, 1/24, 1/6, 1/2
    (local.set $cPoly0 (f32x4.splat (f32.const 0x1.6c16c2p-10 (;=0.00138889;))))
    (local.set $cPoly1 (f32x4.splat (f32.const 0x1.111112p-7 (;=0.00833333;))))
    (local.set $cPoly2 (f32x4.splat (f32.const 0x1.555556p-5 (;=0.0416667;))))
    (local.set $cPoly3 (f32x4.splat (f32.const 0x1.555556p-3 (;=0.166667;))))
    (local.set $cPoly4 (f32x4.splat (f32.const 0.5)))
    (local.set $vinv (f32x4.splat (local.get $invT)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $vm
          (f32x4.splat
            (f32.load (i32.add (local.get $maxIn) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $s64 (v128.const i32x4 0 0 0 0))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (local.set $pairEnd
          (i32.add
            (local.get $o)
            (i32.shl (i32.and (local.get $classes) (i32.const -8)) (i32.const 2))))
        (block $pairs_done
          (loop $next_pair
            (br_if $pairs_done (i32.ge_s (local.get $o) (local.get $pairEnd)))
            (local.set $t0
              (f32x4.mul
                (f32x4.sub
                  (v128.load align=4 (i32.add (local.get $src) (local.get $o)))
                  (local.get $vm))
                (local.get $vinv)))
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; y = n = round(t·log2 e): adding 1.5·2^23 rounds into the low mantissa bits, n keeps them
            (f32x4.mul (local.tee $r0 (local.get $t0)) (local.get $cLog2e))
            (f32x4.add (local.get $cRounder))
            (local.tee $n0)
            (f32x4.sub (local.get $cRounder))
            (local.set $y0)
            ;; r = t − y·ln2, ln2 in two parts so that y·LN2_HIGH is exact
            (local.set $r0
              (f32x4.sub
                (f32x4.sub (local.get $r0) (f32x4.mul (local.get $y0) (local.get $cLn2High)))
                (f32x4.mul (local.get $y0) (local.get $cLn2Low))))
            ;; exp(r) = (P(r)·r)·r + r + 1, P by Horner
            (f32x4.add (f32x4.mul (local.get $cPoly0) (local.get $r0)) (local.get $cPoly1))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly2))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly3))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly4))
            (f32x4.mul (local.get $r0))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $r0))
            (f32x4.add (local.get $cOne))
            ;; × 2^n: n's bits plus (127 − the rounder's bits), shifted into the exponent
            (f32x4.mul (i32x4.shl (i32x4.add (local.get $n0) (local.get $cBias)) (i32.const 23)))
            ;; 0 below the floor, and at −Infinity
            (v128.andnot (f32x4.lt (local.get $t0) (local.get $cFloor)))
            (local.tee $e0)
            (v128.store align=4)
            ;; the four lanes into the float64 sum: low pair + high pair, then one add
            (local.set $s64
              (f64x2.add
                (local.get $s64)
                (f64x2.add
                  (f64x2.promote_low_f32x4 (local.get $e0))
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                      (local.get $e0)
                      (local.get $e0))))))
            (local.set $t1
              (f32x4.mul
                (f32x4.sub
                  (v128.load offset=16 align=4 (i32.add (local.get $src) (local.get $o)))
                  (local.get $vm))
                (local.get $vinv)))
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; y = n = round(t·log2 e): adding 1.5·2^23 rounds into the low mantissa bits, n keeps them
            (f32x4.mul (local.tee $r1 (local.get $t1)) (local.get $cLog2e))
            (f32x4.add (local.get $cRounder))
            (local.tee $n1)
            (f32x4.sub (local.get $cRounder))
            (local.set $y1)
            ;; r = t − y·ln2, ln2 in two parts so that y·LN2_HIGH is exact
            (local.set $r1
              (f32x4.sub
                (f32x4.sub (local.get $r1) (f32x4.mul (local.get $y1) (local.get $cLn2High)))
                (f32x4.mul (local.get $y1) (local.get $cLn2Low))))
            ;; exp(r) = (P(r)·r)·r + r + 1, P by Horner
            (f32x4.add (f32x4.mul (local.get $cPoly0) (local.get $r1)) (local.get $cPoly1))
            (f32x4.mul (local.get $r1))
            (f32x4.add (local.get $cPoly2))
            (f32x4.mul (local.get $r1))
            (f32x4.add (local.get $cPoly3))
            (f32x4.mul (local.get $r1))
            (f32x4.add (local.get $cPoly4))
            (f32x4.mul (local.get $r1))
            (f32x4.mul (local.get $r1))
            (f32x4.add (local.get $r1))
            (f32x4.add (local.get $cOne))
            ;; × 2^n: n's bits plus (127 − the rounder's bits), shifted into the exponent
            (f32x4.mul (i32x4.shl (i32x4.add (local.get $n1) (local.get $cBias)) (i32.const 23)))
            ;; 0 below the floor, and at −Infinity
            (v128.andnot (f32x4.lt (local.get $t1) (local.get $cFloor)))
            (local.tee $e1)
            (v128.store offset=16 align=4)
            ;; the four lanes into the float64 sum: low pair + high pair, then one add
            (local.set $s64
              (f64x2.add
                (local.get $s64)
                (f64x2.add
                  (f64x2.promote_low_f32x4 (local.get $e1))
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                      (local.get $e1)
                      (local.get $e1))))))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (br $next_pair)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $t0
              (f32x4.mul
                (f32x4.sub
                  (v128.load align=4 (i32.add (local.get $src) (local.get $o)))
                  (local.get $vm))
                (local.get $vinv)))
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; y = n = round(t·log2 e): adding 1.5·2^23 rounds into the low mantissa bits, n keeps them
            (f32x4.mul (local.tee $r0 (local.get $t0)) (local.get $cLog2e))
            (f32x4.add (local.get $cRounder))
            (local.tee $n0)
            (f32x4.sub (local.get $cRounder))
            (local.set $y0)
            ;; r = t − y·ln2, ln2 in two parts so that y·LN2_HIGH is exact
            (local.set $r0
              (f32x4.sub
                (f32x4.sub (local.get $r0) (f32x4.mul (local.get $y0) (local.get $cLn2High)))
                (f32x4.mul (local.get $y0) (local.get $cLn2Low))))
            ;; exp(r) = (P(r)·r)·r + r + 1, P by Horner
            (f32x4.add (f32x4.mul (local.get $cPoly0) (local.get $r0)) (local.get $cPoly1))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly2))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly3))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly4))
            (f32x4.mul (local.get $r0))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $r0))
            (f32x4.add (local.get $cOne))
            ;; × 2^n: n's bits plus (127 − the rounder's bits), shifted into the exponent
            (f32x4.mul (i32x4.shl (i32x4.add (local.get $n0) (local.get $cBias)) (i32.const 23)))
            ;; 0 below the floor, and at −Infinity
            (v128.andnot (f32x4.lt (local.get $t0) (local.get $cFloor)))
            (local.tee $e0)
            (v128.store align=4)
            ;; the four lanes into the float64 sum: low pair + high pair, then one add
            (local.set $s64
              (f64x2.add
                (local.get $s64)
                (f64x2.add
                  (f64x2.promote_low_f32x4 (local.get $e0))
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                      (local.get $e0)
                      (local.get $e0))))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $s
          (f64.add (f64x2.extract_lane 0 (local.get $s64)) (f64x2.extract_lane 1 (local.get $s64))))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src) (local.get $o)))
            (f32x4.splat)
            (f32x4.sub (local.get $vm))
            (f32x4.mul (local.get $vinv))
            (local.set $t0)
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; y = n = round(t·log2 e): adding 1.5·2^23 rounds into the low mantissa bits, n keeps them
            (f32x4.mul (local.tee $r0 (local.get $t0)) (local.get $cLog2e))
            (f32x4.add (local.get $cRounder))
            (local.tee $n0)
            (f32x4.sub (local.get $cRounder))
            (local.set $y0)
            ;; r = t − y·ln2, ln2 in two parts so that y·LN2_HIGH is exact
            (local.set $r0
              (f32x4.sub
                (f32x4.sub (local.get $r0) (f32x4.mul (local.get $y0) (local.get $cLn2High)))
                (f32x4.mul (local.get $y0) (local.get $cLn2Low))))
            ;; exp(r) = (P(r)·r)·r + r + 1, P by Horner
            (f32x4.add (f32x4.mul (local.get $cPoly0) (local.get $r0)) (local.get $cPoly1))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly2))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly3))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $cPoly4))
            (f32x4.mul (local.get $r0))
            (f32x4.mul (local.get $r0))
            (f32x4.add (local.get $r0))
            (f32x4.add (local.get $cOne))
            ;; × 2^n: n's bits plus (127 − the rounder's bits), shifted into the exponent
            (f32x4.mul (i32x4.shl (i32x4.add (local.get $n0) (local.get $cBias)) (i32.const 23)))
            ;; 0 below the floor, and at −Infinity
            (v128.andnot (f32x4.lt (local.get $t0) (local.get $cFloor)))
            (local.tee $e0)
            (f32x4.extract_lane 0)
            (f32.store)
            (local.set $s
              (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $e0)))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f64.store
          (i32.add (local.get $sumOut) (i32.shl (local.get $r) (i32.const 3)))
          (local.get $s))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; rowShift(src, dst, rows, classes, shiftIn): dst = src − shift_r (log-softmax's last pass).
  (func $rowShift (export "rowShift") (param $src i32) (param $dst i32) (param $rows i32)
      (param $classes i32) (param $shiftIn i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $vs v128) (local $shift f32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $shiftIn) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $shift)
        (f32x4.splat)
        (local.set $vs)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.store align=4
              ;; the store's address, pushed before the value that follows
              (i32.add (local.get $dst) (local.get $o))
              (f32x4.sub
                (v128.load align=4 (i32.add (local.get $src) (local.get $o)))
                (local.get $vs)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.store
              ;; the store's address, pushed before the value that follows
              (i32.add (local.get $dst) (local.get $o))
              (f32.sub (f32.load (i32.add (local.get $src) (local.get $o))) (local.get $shift)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; rowLog(src, dst, rows, classes, threshold, countOut): dst = log(src), and per row the number
  ;; of elements below `threshold`, whose log the caller recomputes.
  ;;
  ;; log as Cephes' logf: x = m·2^e with m in [√½, √2), log(1 + (m − 1)) by a degree-9 polynomial,
  ;; e·ln2 added in two parts (0.693359375 and −2.1219444e-4, as in rowExp). Relative error about
  ;; 1e-7 (absolute about 1e-7 near x = 1). Zero, subnormal or negative x give garbage: hence the
  ;; count. The vector lanes count −1 per element below the threshold (a true comparison is all
  ;; ones), summed negated at the end of the row.
  (func $rowLog (export "rowLog") (param $src i32) (param $dst i32) (param $rows i32)
      (param $classes i32) (param $threshold f32) (param $countOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $vthr v128) (local $vcount v128) (local $count i32)
    (local $xs f32) (local $le v128) (local $lm v128) (local $lmask v128) (local $lx v128)
    (local $lz v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (local.set $vthr (f32x4.splat (local.get $threshold)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $vcount (v128.const i32x4 0 0 0 0))
        (local.set $count (i32.const 0))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src) (local.get $o)))
            (local.tee $v)
            (f32x4.lt (local.get $vthr))
            (i32x4.add (local.get $vcount))
            (local.set $vcount)
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; e = (bits >> 23) − 126: the exponent for a mantissa in [0.5, 1)
            (local.set $le
              (i32x4.sub
                (i32x4.shr_u (local.get $v) (i32.const 23))
                (v128.const i32x4 126 126 126 126)))
            (local.set $lm
              (v128.or
                (v128.and
                  (local.get $v)
                  (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
                (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
            ;; below √½ take 2m and e − 1, so that m − 1 stays in [√½ − 1, √2 − 1)
            (local.set $lmask
              (f32x4.lt (local.get $lm) (f32x4.splat (f32.const 0x1.6a09e6p-1 (;=0.707107;)))))
            (local.set $le (f32x4.convert_i32x4_s (i32x4.add (local.get $le) (local.get $lmask))))
            (f32x4.add (local.get $lm) (v128.and (local.get $lm) (local.get $lmask)))
            (f32x4.sub (f32x4.splat (f32.const 1)))
            (local.tee $lx)
            (f32x4.mul (local.get $lx))
            (local.set $lz)
            ;; P(x), the degree-9 polynomial, by Horner
            (f32x4.mul (f32x4.splat (f32.const 0x1.204376p-4 (;=0.0703768;))) (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.d7a37p-4 (;=-0.115146;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.de4a34p-4 (;=0.11677;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.fcba9ep-4 (;=-0.124201;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.23d37ep-3 (;=0.142493;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.555cap-3 (;=-0.166681;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.999d58p-3 (;=0.200007;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.fffff8p-3 (;=-0.25;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.555554p-2 (;=0.333333;))))
            (f32x4.mul (local.get $lx))
            ;; y = P(x)·x·z + e·LN2_LOW − z/2; log = x + y + e·LN2_HIGH
            (f32x4.mul (local.get $lz))
            (f32x4.add
              (f32x4.mul
                (local.get $le)
                (f32x4.splat (f32.const -0x1.bd0106p-13 (;=-0.000212194;)))))
            (f32x4.sub (f32x4.mul (local.get $lz) (f32x4.splat (f32.const 0.5))))
            (f32x4.add (local.get $lx))
            (f32x4.add
              (f32x4.mul (local.get $le) (f32x4.splat (f32.const 0x1.63p-1 (;=0.693359;)))))
            (v128.store align=4)
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src) (local.get $o)))
            (local.tee $xs)
            (f32.lt (local.get $threshold))
            (i32.add (local.get $count))
            (local.set $count)
            (local.set $v (f32x4.splat (local.get $xs)))
            ;; the store's address, pushed before the value that follows
            (i32.add (local.get $dst) (local.get $o))
            ;; e = (bits >> 23) − 126: the exponent for a mantissa in [0.5, 1)
            (local.set $le
              (i32x4.sub
                (i32x4.shr_u (local.get $v) (i32.const 23))
                (v128.const i32x4 126 126 126 126)))
            (local.set $lm
              (v128.or
                (v128.and
                  (local.get $v)
                  (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
                (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
            ;; below √½ take 2m and e − 1, so that m − 1 stays in [√½ − 1, √2 − 1)
            (local.set $lmask
              (f32x4.lt (local.get $lm) (f32x4.splat (f32.const 0x1.6a09e6p-1 (;=0.707107;)))))
            (local.set $le (f32x4.convert_i32x4_s (i32x4.add (local.get $le) (local.get $lmask))))
            (f32x4.add (local.get $lm) (v128.and (local.get $lm) (local.get $lmask)))
            (f32x4.sub (f32x4.splat (f32.const 1)))
            (local.tee $lx)
            (f32x4.mul (local.get $lx))
            (local.set $lz)
            ;; P(x), the degree-9 polynomial, by Horner
            (f32x4.mul (f32x4.splat (f32.const 0x1.204376p-4 (;=0.0703768;))) (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.d7a37p-4 (;=-0.115146;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.de4a34p-4 (;=0.11677;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.fcba9ep-4 (;=-0.124201;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.23d37ep-3 (;=0.142493;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.555cap-3 (;=-0.166681;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.999d58p-3 (;=0.200007;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const -0x1.fffff8p-3 (;=-0.25;))))
            (f32x4.mul (local.get $lx))
            (f32x4.add (f32x4.splat (f32.const 0x1.555554p-2 (;=0.333333;))))
            (f32x4.mul (local.get $lx))
            ;; y = P(x)·x·z + e·LN2_LOW − z/2; log = x + y + e·LN2_HIGH
            (f32x4.mul (local.get $lz))
            (f32x4.add
              (f32x4.mul
                (local.get $le)
                (f32x4.splat (f32.const -0x1.bd0106p-13 (;=-0.000212194;)))))
            (f32x4.sub (f32x4.mul (local.get $lz) (f32x4.splat (f32.const 0.5))))
            (f32x4.add (local.get $lx))
            (f32x4.add
              (f32x4.mul (local.get $le) (f32x4.splat (f32.const 0x1.63p-1 (;=0.693359;)))))
            (f32x4.extract_lane 0)
            (f32.store)
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (i32.add (local.get $countOut) (i32.shl (local.get $r) (i32.const 2)))
        (i32.store
          (i32.add
            (i32.sub
              (i32.sub
                (i32.sub
                  (i32.sub (i32.const 0) (i32x4.extract_lane 0 (local.get $vcount)))
                  (i32x4.extract_lane 1 (local.get $vcount)))
                (i32x4.extract_lane 2 (local.get $vcount)))
              (i32x4.extract_lane 3 (local.get $vcount)))
            (local.get $count)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; rowAbsDiff(a, weights, b, rows, classes, sumOut): per row Σ_j |w_r·a_j − b_j| in float64
  ;; (twice the total-variation distance when w·a and b are distributions).
  (func $rowAbsDiff (export "rowAbsDiff") (param $a i32) (param $weights i32) (param $b i32)
      (param $rows i32) (param $classes i32) (param $sumOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $vw v128) (local $w f32) (local $d v128) (local $s64 v128)
    (local $s f64)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $weights) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $w)
        (f32x4.splat)
        (local.set $vw)
        (local.set $s64 (v128.const i32x4 0 0 0 0))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $a) (local.get $o)))
            (f32x4.mul (local.get $vw))
            (f32x4.sub (v128.load align=4 (i32.add (local.get $b) (local.get $o))))
            (f32x4.abs)
            (local.set $d)
            ;; the four lanes into the float64 sum: low pair + high pair, then one add
            (local.set $s64
              (f64x2.add
                (local.get $s64)
                (f64x2.add
                  (f64x2.promote_low_f32x4 (local.get $d))
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                      (local.get $d)
                      (local.get $d))))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $s
          (f64.add (f64x2.extract_lane 0 (local.get $s64)) (f64x2.extract_lane 1 (local.get $s64))))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f64.add
              (local.get $s)
              (f64.promote_f32
                (f32.abs
                  (f32.sub
                    (f32.mul (f32.load (i32.add (local.get $a) (local.get $o))) (local.get $w))
                    (f32.load (i32.add (local.get $b) (local.get $o)))))))
            (local.set $s)
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f64.store
          (i32.add (local.get $sumOut) (i32.shl (local.get $r) (i32.const 3)))
          (local.get $s))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine1Assign(dst, rows, classes, src0, w0):
  ;; dst = w0_r·src0, with one float32 weight per row and model.
  (func $combine1Assign (export "combine1Assign") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                (local.get $wv0)))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0)))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine1AssignStats(dst, rows, classes, src0, w0, maxOut, argmaxOut, checkOut):
  ;; dst = w0_r·src0, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine1AssignStats (export "combine1AssignStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $maxOut i32)
      (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $vmax v128) (local $vbest v128) (local $vcur v128) (local $vsum v128) (local $gt v128)
    (local $best f32) (local $at i32) (local $sum f32) (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                (local.get $wv0)))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0)))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine1Add(dst, rows, classes, src0, w0):
  ;; dst = dst + w0_r·src0, with one float32 weight per row and model.
  (func $combine1Add (export "combine1Add") (param $dst i32) (param $rows i32) (param $classes i32)
      (param $src0 i32) (param $w0 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.add
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                  (local.get $wv0))
                (v128.load align=4 (i32.add (local.get $dst) (local.get $o)))))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.add
                (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0))
                (f32.load (i32.add (local.get $dst) (local.get $o)))))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine1AddStats(dst, rows, classes, src0, w0, maxOut, argmaxOut, checkOut):
  ;; dst = dst + w0_r·src0, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine1AddStats (export "combine1AddStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $maxOut i32)
      (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $vmax v128) (local $vbest v128) (local $vcur v128) (local $vsum v128) (local $gt v128)
    (local $best f32) (local $at i32) (local $sum f32) (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.add
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                  (local.get $wv0))
                (v128.load align=4 (i32.add (local.get $dst) (local.get $o)))))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.add
                (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0))
                (f32.load (i32.add (local.get $dst) (local.get $o)))))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine2Assign(dst, rows, classes, src0, w0, src1, w1):
  ;; dst = w0_r·src0 + w1_r·src1, with one float32 weight per row and model.
  (func $combine2Assign (export "combine2Assign") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.add
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                  (local.get $wv0))
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                  (local.get $wv1))))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.add
                (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0))
                (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1))))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine2AssignStats(dst, rows, classes, src0, w0, src1, w1, maxOut, argmaxOut, checkOut):
  ;; dst = w0_r·src0 + w1_r·src1, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine2AssignStats (export "combine2AssignStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $maxOut i32) (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $vmax v128) (local $vbest v128) (local $vcur v128)
    (local $vsum v128) (local $gt v128) (local $best f32) (local $at i32) (local $sum f32)
    (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (local.set $v
              (f32x4.add
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
                  (local.get $wv0))
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                  (local.get $wv1))))
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (local.set $x
              (f32.add
                (f32.mul (f32.load (i32.add (local.get $src0) (local.get $o))) (local.get $ws0))
                (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1))))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine2Add(dst, rows, classes, src0, w0, src1, w1):
  ;; dst = dst + w0_r·src0 + w1_r·src1, with one float32 weight per row and model.
  (func $combine2Add (export "combine2Add") (param $dst i32) (param $rows i32) (param $classes i32)
      (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine2AddStats(dst, rows, classes, src0, w0, src1, w1, maxOut, argmaxOut, checkOut):
  ;; dst = dst + w0_r·src0 + w1_r·src1, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine2AddStats (export "combine2AddStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $maxOut i32) (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $vmax v128) (local $vbest v128) (local $vcur v128)
    (local $vsum v128) (local $gt v128) (local $best f32) (local $at i32) (local $sum f32)
    (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine3Assign(dst, rows, classes, src0, w0, src1, w1, src2, w2):
  ;; dst = w0_r·src0 + w1_r·src1 + w2_r·src2, with one float32 weight per row and model.
  (func $combine3Assign (export "combine3Assign") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine3AssignStats(dst, rows, classes, src0, w0, src1, w1, src2, w2, maxOut, argmaxOut, checkOut):
  ;; dst = w0_r·src0 + w1_r·src1 + w2_r·src2, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine3AssignStats (export "combine3AssignStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32) (param $maxOut i32) (param $argmaxOut i32)
      (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $vmax v128)
    (local $vbest v128) (local $vcur v128) (local $vsum v128) (local $gt v128) (local $best f32)
    (local $at i32) (local $sum f32) (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine3Add(dst, rows, classes, src0, w0, src1, w1, src2, w2):
  ;; dst = dst + w0_r·src0 + w1_r·src1 + w2_r·src2, with one float32 weight per row and model.
  (func $combine3Add (export "combine3Add") (param $dst i32) (param $rows i32) (param $classes i32)
      (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32) (param $src2 i32)
      (param $w2 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine3AddStats(dst, rows, classes, src0, w0, src1, w1, src2, w2, maxOut, argmaxOut, checkOut):
  ;; dst = dst + w0_r·src0 + w1_r·src1 + w2_r·src2, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine3AddStats (export "combine3AddStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32) (param $maxOut i32) (param $argmaxOut i32)
      (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $vmax v128)
    (local $vbest v128) (local $vcur v128) (local $vsum v128) (local $gt v128) (local $best f32)
    (local $at i32) (local $sum f32) (local $m f32) (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine4Assign(dst, rows, classes, src0, w0, src1, w1, src2, w2, src3, w3):
  ;; dst = w0_r·src0 + w1_r·src1 + w2_r·src2 + w3_r·src3, with one float32 weight per row and model.
  (func $combine4Assign (export "combine4Assign") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32) (param $src3 i32) (param $w3 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $ws3 f32)
    (local $wv3 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (i32.add (local.get $w3) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws3)
        (f32x4.splat)
        (local.set $wv3)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src3) (local.get $o)))
                (local.get $wv3)))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src3) (local.get $o))) (local.get $ws3)))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine4AssignStats(dst, rows, classes, src0, w0, src1, w1, src2, w2, src3, w3, maxOut, argmaxOut, checkOut):
  ;; dst = w0_r·src0 + w1_r·src1 + w2_r·src2 + w3_r·src3, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine4AssignStats (export "combine4AssignStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32) (param $src3 i32) (param $w3 i32) (param $maxOut i32)
      (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $ws3 f32)
    (local $wv3 v128) (local $vmax v128) (local $vbest v128) (local $vcur v128) (local $vsum v128)
    (local $gt v128) (local $best f32) (local $at i32) (local $sum f32) (local $m f32)
    (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (i32.add (local.get $w3) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws3)
        (f32x4.splat)
        (local.set $wv3)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src3) (local.get $o)))
                (local.get $wv3)))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src3) (local.get $o))) (local.get $ws3)))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine4Add(dst, rows, classes, src0, w0, src1, w1, src2, w2, src3, w3):
  ;; dst = dst + w0_r·src0 + w1_r·src1 + w2_r·src2 + w3_r·src3, with one float32 weight per row and model.
  (func $combine4Add (export "combine4Add") (param $dst i32) (param $rows i32) (param $classes i32)
      (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32) (param $src2 i32)
      (param $w2 i32) (param $src3 i32) (param $w3 i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $ws3 f32)
    (local $wv3 v128)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (i32.add (local.get $w3) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws3)
        (f32x4.splat)
        (local.set $wv3)
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src3) (local.get $o)))
                (local.get $wv3)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src3) (local.get $o))) (local.get $ws3)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; combine4AddStats(dst, rows, classes, src0, w0, src1, w1, src2, w2, src3, w3, maxOut, argmaxOut, checkOut):
  ;; dst = dst + w0_r·src0 + w1_r·src1 + w2_r·src2 + w3_r·src3, with one float32 weight per row and model;
  ;; and rowMax's statistics of the result on the way (saving a pass over it).
  (func $combine4AddStats (export "combine4AddStats") (param $dst i32) (param $rows i32)
      (param $classes i32) (param $src0 i32) (param $w0 i32) (param $src1 i32) (param $w1 i32)
      (param $src2 i32) (param $w2 i32) (param $src3 i32) (param $w3 i32) (param $maxOut i32)
      (param $argmaxOut i32) (param $checkOut i32)
    (local $r i32) (local $o i32) (local $rowEnd i32) (local $vecEnd i32) (local $rowBytes i32)
    (local $vecBytes i32) (local $v v128) (local $x f32) (local $ws0 f32) (local $wv0 v128)
    (local $ws1 f32) (local $wv1 v128) (local $ws2 f32) (local $wv2 v128) (local $ws3 f32)
    (local $wv3 v128) (local $vmax v128) (local $vbest v128) (local $vcur v128) (local $vsum v128)
    (local $gt v128) (local $best f32) (local $at i32) (local $sum f32) (local $m f32)
    (local $i i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $classes) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $classes) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (i32.add (local.get $w0) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws0)
        (f32x4.splat)
        (local.set $wv0)
        (i32.add (local.get $w1) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws1)
        (f32x4.splat)
        (local.set $wv1)
        (i32.add (local.get $w2) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws2)
        (f32x4.splat)
        (local.set $wv2)
        (i32.add (local.get $w3) (i32.shl (local.get $r) (i32.const 2)))
        (f32.load)
        (local.tee $ws3)
        (f32x4.splat)
        (local.set $wv3)
        (local.set $vmax (f32x4.splat (f32.const -inf)))
        (local.set $vbest (v128.const i32x4 0 0 0 0))
        (local.set $vcur (v128.const i32x4 0 1 2 3))
        (local.set $vsum (f32x4.splat (f32.const 0)))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $vecEnd (i32.add (local.get $o) (local.get $vecBytes)))
        (block $vectors_done
          (loop $next_vector
            (br_if $vectors_done (i32.ge_s (local.get $o) (local.get $vecEnd)))
            (v128.load align=4 (i32.add (local.get $src0) (local.get $o)))
            (f32x4.mul (local.get $wv0))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src1) (local.get $o)))
                (local.get $wv1)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src2) (local.get $o)))
                (local.get $wv2)))
            (f32x4.add
              (f32x4.mul
                (v128.load align=4 (i32.add (local.get $src3) (local.get $o)))
                (local.get $wv3)))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dst) (local.get $o))))
            (local.set $v)
            (v128.store align=4 (i32.add (local.get $dst) (local.get $o)) (local.get $v))
            (local.set $vsum (f32x4.add (local.get $vsum) (local.get $v)))
            ;; a lane takes a new best only when strictly greater: its first index stays
            (local.set $gt (f32x4.gt (local.get $v) (local.get $vmax)))
            (local.set $vmax (v128.bitselect (local.get $v) (local.get $vmax) (local.get $gt)))
            (local.set $vbest (v128.bitselect (local.get $vcur) (local.get $vbest) (local.get $gt)))
            (local.set $vcur (i32x4.add (local.get $vcur) (v128.const i32x4 4 4 4 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $next_vector)))
        (local.set $best (f32.const -inf))
        (local.set $at (i32.const 0))
        (local.set $m (f32x4.extract_lane 0 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 0 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 1 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 1 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 2 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 2 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $m (f32x4.extract_lane 3 (local.get $vmax)))
        (local.set $i (i32x4.extract_lane 3 (local.get $vbest)))
        (if
          (i32.or
            (f32.gt (local.get $m) (local.get $best))
            (i32.and
              (f32.eq (local.get $m) (local.get $best))
              (i32.lt_s (local.get $i) (local.get $at))))
          (then (local.set $best (local.get $m)) (local.set $at (local.get $i))))
        (local.set $sum
          (f32.add
            (f32.add
              (f32.add
                (f32x4.extract_lane 0 (local.get $vsum))
                (f32x4.extract_lane 1 (local.get $vsum)))
              (f32x4.extract_lane 2 (local.get $vsum)))
            (f32x4.extract_lane 3 (local.get $vsum))))
        (local.set $j (i32.and (local.get $classes) (i32.const -4)))
        (block $tails_done
          (loop $next_tail
            (br_if $tails_done (i32.ge_s (local.get $o) (local.get $rowEnd)))
            (f32.load (i32.add (local.get $src0) (local.get $o)))
            (f32.mul (local.get $ws0))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src1) (local.get $o))) (local.get $ws1)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src2) (local.get $o))) (local.get $ws2)))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $src3) (local.get $o))) (local.get $ws3)))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $o))))
            (local.set $x)
            (f32.store (i32.add (local.get $dst) (local.get $o)) (local.get $x))
            (local.set $sum (f32.add (local.get $x) (local.get $sum)))
            (if
              (f32.gt (local.get $x) (local.get $best))
              (then (local.set $best (local.get $x)) (local.set $at (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $next_tail)))
        (f32.store
          (i32.add (local.get $maxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $best))
        (i32.store
          (i32.add (local.get $argmaxOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $at))
        (f32.store
          (i32.add (local.get $checkOut) (i32.shl (local.get $r) (i32.const 2)))
          (local.get $sum))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row)))))
