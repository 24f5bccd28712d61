/* Vector math for the AVX-512 kernels. */
#ifndef SPIKELM_VECMATH_H
#define SPIKELM_VECMATH_H

#include <immintrin.h>

/* The mask of the first min(n, 16) lanes (none for n ≤ 0): the tail of a row of n floats. */
static inline __mmask16 sl_lanes(long n) {
    return n >= 16 ? (__mmask16) 0xFFFF : (n <= 0 ? (__mmask16) 0 : (__mmask16) ((1u << n) - 1));
}

/*
 * e^x for 16 floats, within 2 ulp: x = n·ln 2 + r, |r| ≤ ln 2 / 2, e^r by Cephes' polynomial, then
 * scaled by 2^n. Below −87.3 (and at −∞) the result is 0, above 88.7 it is +∞, NaN stays NaN.
 */
__attribute__((target("avx512f,fma"))) static inline __m512 sl_exp512(__m512 x) {
    const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
    const __m512 ln2_hi = _mm512_set1_ps(0.693359375f);
    const __m512 ln2_lo = _mm512_set1_ps(-2.12194440e-4f);
    __m512 clamped = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.7f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(clamped, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, ln2_hi, clamped);
    r = _mm512_fnmadd_ps(n, ln2_lo, r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    y = _mm512_scalef_ps(y, n);
    __mmask16 under = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_LT_OQ);
    __mmask16 over = _mm512_cmp_ps_mask(x, _mm512_set1_ps(88.7f), _CMP_GT_OQ);
    y = _mm512_mask_mov_ps(y, under, _mm512_setzero_ps());
    y = _mm512_mask_mov_ps(y, over, _mm512_set1_ps(__builtin_inff()));
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm512_mask_mov_ps(y, nan, x);
}

/* Bitwise xor and and of floats with AVX-512F alone (the _ps forms need AVX-512DQ). */
__attribute__((target("avx512f"))) static inline __m512 sl_xor512(__m512 a, __m512 b) {
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}
__attribute__((target("avx512f"))) static inline __m512 sl_and512(__m512 a, __m512 b) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}

/* p(x) for coefficients c[0] (highest degree) … c[n-1], by Horner's rule. */
__attribute__((target("avx512f,fma"))) static inline __m512 sl_poly512(__m512 x, const float *c, int n) {
    __m512 p = _mm512_set1_ps(c[0]);
    for (int i = 1; i < n; i++) p = _mm512_fmadd_ps(p, x, _mm512_set1_ps(c[i]));
    return p;
}

/*
 * GELU with the exact Gaussian CDF, x·½·(1 + erf(x/√2)), with Cephes' single-precision erf and
 * erfc (within a few ulp): erf(z) = z·T(z²) for |z| < 1, else 1 + erf(z) = 2 − erfc(|z|) or
 * erfc(|z|) by sign, erfc(a) = e^(−a²)·(1/a)·P(1/a²) (one P below a = 2, another above). Taking
 * erfc directly keeps full relative precision in the negative tail, where 1 + erf cancels.
 */
__attribute__((target("avx512f,fma"))) static inline __m512 sl_gelu512(__m512 x) {
    static const float T[] = {7.853861353153693e-5f, -8.010193625184903e-4f, 5.188327685732524e-3f,
                              -2.685381193529856e-2f, 1.128358514861418e-1f, -3.761262582423300e-1f,
                              1.128379165726710e0f};
    static const float P[] = {2.326819970068386e-2f, -1.387039388740657e-1f, 3.687424674597105e-1f,
                              -5.824733027278666e-1f, 6.210004621745983e-1f, -4.944515323274145e-1f,
                              3.404879937665872e-1f, -2.741127028184656e-1f, 5.638259427386472e-1f};
    static const float R[] = {-1.047766399936249e1f, 1.297719955372516e1f, -7.495518717768503e0f,
                              2.921019019210786e0f, -1.015265279202700e0f, 4.218463358204948e-1f,
                              -2.820767439740514e-1f, 5.641895067754075e-1f};
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f));
    __m512 a = _mm512_abs_ps(z);
    __m512 zz = _mm512_mul_ps(z, z);
    /* |z| < 1 */
    __m512 small = _mm512_add_ps(one, _mm512_mul_ps(z, sl_poly512(zz, T, 7)));
    /* |z| ≥ 1: erfc(|z|) */
    __m512 ia = _mm512_div_ps(one, a);
    __m512 q = _mm512_mul_ps(ia, ia);
    __mmask16 far = _mm512_cmp_ps_mask(a, _mm512_set1_ps(2.0f), _CMP_GE_OQ);
    __m512 tail = _mm512_mask_mov_ps(sl_poly512(q, P, 9), far, sl_poly512(q, R, 8));
    __m512 erfc = _mm512_mul_ps(_mm512_mul_ps(sl_exp512(sl_xor512(_mm512_set1_ps(-0.0f), zz)), ia), tail);
    __mmask16 negative = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512 large = _mm512_mask_mov_ps(_mm512_sub_ps(_mm512_set1_ps(2.0f), erfc), negative, erfc);
    __mmask16 inner = _mm512_cmp_ps_mask(a, one, _CMP_LT_OQ);
    __m512 one_plus_erf = _mm512_mask_mov_ps(large, inner, small);
    return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), one_plus_erf);
}

#endif
