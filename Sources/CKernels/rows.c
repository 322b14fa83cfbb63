// Row kernels of the fused ops (lfs_rows.h): plain C loops and AVX2 + FMA versions,
// chosen per call by lfs_use_avx2().
#include "lfs_rows.h"
#include "internal.h"

#include <math.h>

#ifdef LFS_X86
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#endif

// Cephes expf constants (range reduction by ln 2 split in two parts, degree-5 polynomial).
#define EXP_LOW (-87.33f)
#define EXP_HIGH 88.37f
#define EXP_MAGIC 12582912.0f  // 1.5 * 2^23: adding it rounds to an integer
#define EXP_LOG2E 1.44269504f
#define EXP_C1 0.693359375f
#define EXP_C2 (-2.12194440e-4f)
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f

// MARK: - Plain C

static float exp_one(float x) {
    if (x != x) return x;
    if (x < EXP_LOW) return 0;
    const float c = x > EXP_HIGH ? EXP_HIGH : x;
    const float shifted = c * EXP_LOG2E + EXP_MAGIC;
    const float n = shifted - EXP_MAGIC;
    float r = c - n * EXP_C1;
    r = r - n * EXP_C2;
    float p = EXP_P0;
    p = p * r + EXP_P1;
    p = p * r + EXP_P2;
    p = p * r + EXP_P3;
    p = p * r + EXP_P4;
    p = p * r + EXP_P5;
    const float y = p * r * r + r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    const int32_t integer = bits - 0x4B400000;
    const int32_t scale_bits = (int32_t)((uint32_t)(integer + 127) << 23);
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return y * scale;
}

static float max_plain(const float *x, size_t count) {
    float m = -INFINITY;
    for (size_t i = 0; i < count; i++) m = x[i] > m ? x[i] : m;
    return m;
}

static float sum_plain(const float *x, size_t count) {
    float lanes[8] = {0};
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        for (int k = 0; k < 8; k++) lanes[k] += x[i + k];
    float s = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (; i < count; i++) s += x[i];
    return s;
}

static float exp_sum_plain(const float *x, float *store, size_t count, float shift) {
    float s = 0;
    for (size_t i = 0; i < count; i++) {
        const float e = exp_one(x[i] - shift);
        if (store) store[i] = e;
        s += e;
    }
    return s;
}

static void exp_affine_plain(float *y, const float *x, size_t count, float shift, float scale,
                             float offset) {
    for (size_t i = 0; i < count; i++) y[i] = exp_one(x[i] - shift) * scale + offset;
}

static void affine_plain(float *y, const float *x, size_t count, float scale, float offset) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] * scale + offset;
}

static void swiglu_forward_plain(float *y, const float *gate, const float *up, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const float s = 1 / (1 + exp_one(-gate[i]));
        y[i] = gate[i] * s * up[i];
    }
}

static void swiglu_backward_plain(float *dgate, float *dup, const float *dy, const float *gate,
                                  const float *up, size_t count, int accumulate) {
    for (size_t i = 0; i < count; i++) {
        const float g = gate[i], s = 1 / (1 + exp_one(-g));
        const float du = dy[i] * g * s, dg = dy[i] * up[i] * s * (1 + g * (1 - s));
        dup[i] = accumulate ? dup[i] + du : du;
        dgate[i] = accumulate ? dgate[i] + dg : dg;
    }
}

static void rotate_half_plain(float *y, const float *x, const float *cos, const float *sin,
                              size_t half, float sign, int accumulate) {
    for (size_t i = 0; i < half; i++) {
        const float first = x[i], second = x[i + half], s = sign * sin[i];
        const float new_first = first * cos[i] - second * s;
        const float new_second = second * cos[i] + first * s;
        if (accumulate) {
            y[i] += new_first;
            y[i + half] += new_second;
        } else {
            y[i] = new_first;
            y[i + half] = new_second;
        }
    }
}

// MARK: - AVX2 + FMA

#ifdef LFS_X86
AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 low = _mm256_set1_ps(EXP_LOW);
    // max/min return their second operand when either is NaN: NaN goes through.
    __m256 c = _mm256_max_ps(low, x);
    c = _mm256_min_ps(_mm256_set1_ps(EXP_HIGH), c);
    const __m256 magic = _mm256_set1_ps(EXP_MAGIC);
    const __m256 shifted = _mm256_fmadd_ps(c, _mm256_set1_ps(EXP_LOG2E), magic);
    const __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C1), c);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C2), r);
    __m256 p = _mm256_set1_ps(EXP_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P5));
    const __m256 y = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1)));
    const __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23));
    const __m256 result = _mm256_mul_ps(y, scale);
    // Below the clamp 2^n is no longer a normal float: flush to 0.
    return _mm256_andnot_ps(_mm256_cmp_ps(x, low, _CMP_LT_OQ), result);
}

AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

AVX2 static float max_avx2(const float *x, size_t count) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    size_t i = 0;
    // max_ps(v, m) returns m when v is NaN: NaNs are skipped.
    for (; i + 8 <= count; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(x + i), m);
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
    float result = _mm_cvtss_f32(h);
    for (; i < count; i++) result = x[i] > result ? x[i] : result;
    return result;
}

AVX2 static float sum_avx2(const float *x, size_t count) {
    __m256 s = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= count; i += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(x + i));
    float result = sum8(s);
    for (; i < count; i++) result += x[i];
    return result;
}

AVX2 static float exp_sum_avx2(const float *x, float *store, size_t count, float shift) {
    const __m256 s = _mm256_set1_ps(shift);
    __m256 total = _mm256_setzero_ps();
    size_t i = 0;
    if (store) {
        for (; i + 8 <= count; i += 8) {
            const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
            _mm256_storeu_ps(store + i, e);
            total = _mm256_add_ps(total, e);
        }
    } else {
        for (; i + 8 <= count; i += 8)
            total = _mm256_add_ps(total, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s)));
    }
    float result = sum8(total);
    for (; i < count; i++) {
        const float e = exp_one(x[i] - shift);
        if (store) store[i] = e;
        result += e;
    }
    return result;
}

AVX2 static void exp_affine_avx2(float *y, const float *x, size_t count, float shift,
                                 float scale, float offset) {
    const __m256 s = _mm256_set1_ps(shift), a = _mm256_set1_ps(scale), b = _mm256_set1_ps(offset);
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s)), a, b));
    for (; i < count; i++) y[i] = exp_one(x[i] - shift) * scale + offset;
}

AVX2 static void affine_avx2(float *y, const float *x, size_t count, float scale, float offset) {
    const __m256 a = _mm256_set1_ps(scale), b = _mm256_set1_ps(offset);
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_loadu_ps(x + i), a, b));
    for (; i < count; i++) y[i] = x[i] * scale + offset;
}

AVX2 static inline __m256 sigmoid8(__m256 g) {
    const __m256 one = _mm256_set1_ps(1);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
}

AVX2 static void swiglu_forward_avx2(float *y, const float *gate, const float *up, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(g, sigmoid8(g)), _mm256_loadu_ps(up + i)));
    }
    swiglu_forward_plain(y + i, gate + i, up + i, count - i);
}

AVX2 static void swiglu_backward_avx2(float *dgate, float *dup, const float *dy, const float *gate,
                                      const float *up, size_t count, int accumulate) {
    const __m256 one = _mm256_set1_ps(1);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i), d = _mm256_loadu_ps(dy + i);
        const __m256 s = sigmoid8(g);
        const __m256 slope = _mm256_mul_ps(s, _mm256_fmadd_ps(g, _mm256_sub_ps(one, s), one));
        const __m256 du = _mm256_mul_ps(d, _mm256_loadu_ps(up + i));
        if (accumulate) {
            _mm256_storeu_ps(dup + i, _mm256_fmadd_ps(d, _mm256_mul_ps(g, s), _mm256_loadu_ps(dup + i)));
            _mm256_storeu_ps(dgate + i, _mm256_fmadd_ps(du, slope, _mm256_loadu_ps(dgate + i)));
        } else {
            _mm256_storeu_ps(dup + i, _mm256_mul_ps(d, _mm256_mul_ps(g, s)));
            _mm256_storeu_ps(dgate + i, _mm256_mul_ps(du, slope));
        }
    }
    swiglu_backward_plain(dgate + i, dup + i, dy + i, gate + i, up + i, count - i, accumulate);
}

AVX2 static void rotate_half_avx2(float *y, const float *x, const float *cos, const float *sin,
                                  size_t half, float sign, int accumulate) {
    const __m256 signs = _mm256_set1_ps(sign);
    size_t i = 0;
    for (; i + 8 <= half; i += 8) {
        // Both halves are loaded before either is stored, so y may be x.
        const __m256 first = _mm256_loadu_ps(x + i), second = _mm256_loadu_ps(x + half + i);
        const __m256 c = _mm256_loadu_ps(cos + i);
        const __m256 s = _mm256_mul_ps(signs, _mm256_loadu_ps(sin + i));
        __m256 new_first = _mm256_fnmadd_ps(second, s, _mm256_mul_ps(first, c));
        __m256 new_second = _mm256_fmadd_ps(first, s, _mm256_mul_ps(second, c));
        if (accumulate) {
            new_first = _mm256_add_ps(new_first, _mm256_loadu_ps(y + i));
            new_second = _mm256_add_ps(new_second, _mm256_loadu_ps(y + half + i));
        }
        _mm256_storeu_ps(y + i, new_first);
        _mm256_storeu_ps(y + half + i, new_second);
    }
    if (i < half) {
        // The tail pairs i..<half with half + i..<2 half: rotate them with the plain loop.
        for (; i < half; i++) {
            const float first = x[i], second = x[i + half], s = sign * sin[i];
            const float new_first = first * cos[i] - second * s;
            const float new_second = second * cos[i] + first * s;
            y[i] = accumulate ? y[i] + new_first : new_first;
            y[i + half] = accumulate ? y[i + half] + new_second : new_second;
        }
    }
}
#endif

// MARK: - Log-sum-exp in one pass

// Each block is read from memory once by its max and again from L1 by its exps.
#define LSE_BLOCK 256

float lfs_log_sum_exp(const float *x, size_t count) {
    float m = -INFINITY, s = 0;
    for (size_t start = 0; start < count; start += LSE_BLOCK) {
        const size_t n = count - start < LSE_BLOCK ? count - start : LSE_BLOCK;
        const float block_max = lfs_row_max(x + start, n);
        if (block_max == -INFINITY) continue;
        if (block_max > m) {
            // exp(-inf) is 0 here, so the first block needs no special case.
            s = m == -INFINITY ? 0 : s * expf(m - block_max);
            m = block_max;
        }
        s += lfs_exp_sum(x + start, NULL, n, m);
    }
    return m == -INFINITY ? m : m + logf(s);
}

// MARK: - Dispatch

#ifdef LFS_X86
#define HAS_AVX2() lfs_use_avx2()
#else
#define HAS_AVX2() 0
#define max_avx2 max_plain
#define sum_avx2 sum_plain
#define exp_sum_avx2 exp_sum_plain
#define exp_affine_avx2 exp_affine_plain
#define affine_avx2 affine_plain
#define swiglu_forward_avx2 swiglu_forward_plain
#define swiglu_backward_avx2 swiglu_backward_plain
#define rotate_half_avx2 rotate_half_plain
#endif

float lfs_row_max(const float *x, size_t count) {
    return HAS_AVX2() ? max_avx2(x, count) : max_plain(x, count);
}

float lfs_row_sum(const float *x, size_t count) {
    return HAS_AVX2() ? sum_avx2(x, count) : sum_plain(x, count);
}

float lfs_exp_sum(const float *x, float *store, size_t count, float shift) {
    return HAS_AVX2() ? exp_sum_avx2(x, store, count, shift) : exp_sum_plain(x, store, count, shift);
}

void lfs_exp_affine(float *y, const float *x, size_t count, float shift, float scale, float offset) {
    if (HAS_AVX2()) {
        exp_affine_avx2(y, x, count, shift, scale, offset);
    } else {
        exp_affine_plain(y, x, count, shift, scale, offset);
    }
}

void lfs_affine(float *y, const float *x, size_t count, float scale, float offset) {
    if (HAS_AVX2()) {
        affine_avx2(y, x, count, scale, offset);
    } else {
        affine_plain(y, x, count, scale, offset);
    }
}

void lfs_swiglu_forward(float *y, const float *gate, const float *up, size_t count) {
    if (HAS_AVX2()) {
        swiglu_forward_avx2(y, gate, up, count);
    } else {
        swiglu_forward_plain(y, gate, up, count);
    }
}

void lfs_swiglu_backward(float *dgate, float *dup, const float *dy, const float *gate,
                         const float *up, size_t count, int accumulate) {
    if (HAS_AVX2()) {
        swiglu_backward_avx2(dgate, dup, dy, gate, up, count, accumulate);
    } else {
        swiglu_backward_plain(dgate, dup, dy, gate, up, count, accumulate);
    }
}

void lfs_rotate_half(float *y, const float *x, const float *cos, const float *sin, size_t half,
                     float sign, int accumulate) {
    if (HAS_AVX2()) {
        rotate_half_avx2(y, x, cos, sin, half, sign, accumulate);
    } else {
        rotate_half_plain(y, x, cos, sin, half, sign, accumulate);
    }
}
