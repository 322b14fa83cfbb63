// BF16 <-> float32 conversion and the bf16-weight matrix-vector products of a decode
// step. Each public function dispatches to an AVX2 + FMA version or the plain loop.
#include "CKernels.h"
#include "internal.h"

#include <stdlib.h>

#ifdef LFS_X86
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#endif

// MARK: - Plain C

static uint16_t round_one(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);
    const uint32_t rounded = bits + 0x7fffu + ((bits >> 16) & 1u);
    return (uint16_t)(rounded >> 16);
}

static void from_f32_plain(const float *src, uint16_t *dst, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = round_one(src[i]);
}

static void to_f32_plain(const uint16_t *src, float *dst, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = lfs_bf16_widen(src[i]);
}

static void gemv_n_plain(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                         size_t cols, float alpha, float beta) {
    for (size_t i = 0; i < rows; i++) {
        const uint16_t *row = w + i * ldw;
        float sum = 0;
        for (size_t j = 0; j < cols; j++) sum += lfs_bf16_widen(row[j]) * x[j];
        y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i];
    }
}

static void scale_output(float *y, size_t count, float beta) {
    if (beta == 0) {
        memset(y, 0, count * sizeof *y);
    } else if (beta != 1) {
        for (size_t j = 0; j < count; j++) y[j] *= beta;
    }
}

static void gemv_t_plain(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                         size_t cols, float alpha, float beta) {
    scale_output(y, cols, beta);
    for (size_t i = 0; i < rows; i++) {
        const uint16_t *row = w + i * ldw;
        const float scale = alpha * x[i];
        for (size_t j = 0; j < cols; j++) y[j] += lfs_bf16_widen(row[j]) * scale;
    }
}

// MARK: - AVX2 + FMA

#ifdef LFS_X86
/// Eight bf16 values at p as float32.
AVX2 static inline __m256 widen8(const uint16_t *p) {
    const __m128i half = _mm_loadu_si128((const __m128i *)p);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(half), 16));
}

AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

AVX2 static void from_f32_avx2(const float *src, uint16_t *dst, size_t count) {
    const __m256i one = _mm256_set1_epi32(1), bias = _mm256_set1_epi32(0x7fff);
    const __m256i quiet = _mm256_set1_epi32(0x40);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 value = _mm256_loadu_ps(src + i);
        const __m256i bits = _mm256_castps_si256(value);
        const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), one);
        const __m256i rounded =
            _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(bits, bias), lsb), 16);
        const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(bits, 16), quiet);
        const __m256 isNaN = _mm256_cmp_ps(value, value, _CMP_UNORD_Q);
        const __m256i chosen = _mm256_castps_si256(_mm256_blendv_ps(
            _mm256_castsi256_ps(rounded), _mm256_castsi256_ps(nan), isNaN));
        // Pack 32 -> 16 bits (values fit, so unsigned saturation is exact), then put
        // the two 128-bit lanes' halves next to each other.
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(chosen, chosen), 0x08);
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_castsi256_si128(packed));
    }
    from_f32_plain(src + i, dst + i, count - i);
}

AVX2 static void to_f32_avx2(const uint16_t *src, float *dst, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, widen8(src + i));
    to_f32_plain(src + i, dst + i, count - i);
}

/// One row's dot product with x, 16 columns a step.
AVX2 static float dot_row(const uint16_t *row, const float *x, size_t cols) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= cols; j += 16) {
        a = _mm256_fmadd_ps(widen8(row + j), _mm256_loadu_ps(x + j), a);
        b = _mm256_fmadd_ps(widen8(row + j + 8), _mm256_loadu_ps(x + j + 8), b);
    }
    for (; j + 8 <= cols; j += 8) a = _mm256_fmadd_ps(widen8(row + j), _mm256_loadu_ps(x + j), a);
    float sum = sum8(_mm256_add_ps(a, b));
    for (; j < cols; j++) sum += lfs_bf16_widen(row[j]) * x[j];
    return sum;
}

/// x with each 16-float block reordered as unpacklo/unpackhi of 16 bf16 values lay them
/// out: [0-3, 8-11] then [4-7, 12-15] (the tail beyond the last full block unchanged).
static void permute_for_unpack(const float *x, float *xp, size_t cols) {
    size_t j = 0;
    for (; j + 16 <= cols; j += 16) {
        memcpy(xp + j, x + j, 4 * sizeof *x);
        memcpy(xp + j + 4, x + j + 8, 4 * sizeof *x);
        memcpy(xp + j + 8, x + j + 4, 4 * sizeof *x);
        memcpy(xp + j + 12, x + j + 12, 4 * sizeof *x);
    }
    memcpy(xp + j, x + j, (cols - j) * sizeof *x);
}

/// Rows [0, rows) of the product with x already permuted (`permute_for_unpack`). Widening
/// by interleaving zeros below each bf16 (unpacklo/hi_epi16 of a 32-byte load) costs one
/// shuffle per eight values, against a zero-extension and a shift for the plain order:
/// measurably faster once the weights sit in cache, and never slower streaming from DRAM.
AVX2 static void gemv_n_rows(const uint16_t *w, size_t ldw, const float *x, const float *xp,
                             float *y, size_t rows, size_t cols, float alpha, float beta) {
    const __m256i zero = _mm256_setzero_si256();
    const size_t full = cols & ~(size_t)15;
    size_t i = 0;
    // Four rows at a time: each x load feeds four rows, eight accumulators in flight.
    for (; i + 4 <= rows; i += 4) {
        const uint16_t *r0 = w + i * ldw, *r1 = r0 + ldw, *r2 = r1 + ldw, *r3 = r2 + ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (size_t j = 0; j < full; j += 16) {
            const __m256 x0 = _mm256_loadu_ps(xp + j), x1 = _mm256_loadu_ps(xp + j + 8);
#define LFS_ROW(row, lo, hi)                                                                   \
    {                                                                                          \
        const __m256i v = _mm256_loadu_si256((const __m256i *)((row) + j));                    \
        lo = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_unpacklo_epi16(zero, v)), x0, lo);     \
        hi = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_unpackhi_epi16(zero, v)), x1, hi);     \
    }
            LFS_ROW(r0, a0, b0)
            LFS_ROW(r1, a1, b1)
            LFS_ROW(r2, a2, b2)
            LFS_ROW(r3, a3, b3)
#undef LFS_ROW
        }
        float s[4] = {
            sum8(_mm256_add_ps(a0, b0)), sum8(_mm256_add_ps(a1, b1)),
            sum8(_mm256_add_ps(a2, b2)), sum8(_mm256_add_ps(a3, b3)),
        };
        for (size_t j = full; j < cols; j++) {
            const float xj = x[j];
            s[0] += lfs_bf16_widen(r0[j]) * xj;
            s[1] += lfs_bf16_widen(r1[j]) * xj;
            s[2] += lfs_bf16_widen(r2[j]) * xj;
            s[3] += lfs_bf16_widen(r3[j]) * xj;
        }
        for (int r = 0; r < 4; r++) {
            y[i + r] = beta == 0 ? alpha * s[r] : alpha * s[r] + beta * y[i + r];
        }
    }
    for (; i < rows; i++) {
        const float sum = dot_row(w + i * ldw, x, cols);
        y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i];
    }
}

AVX2 static void gemv_n_avx2(const uint16_t *w, size_t ldw, const float *x, float *y,
                             size_t rows, size_t cols, float alpha, float beta) {
    float local[2048];
    float *xp = cols <= 2048 ? local : malloc(cols * sizeof *xp);
    if (!xp) {  // no memory for the reordered x: the plain-order loop needs none
        for (size_t i = 0; i < rows; i++) {
            const float sum = dot_row(w + i * ldw, x, cols);
            y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i];
        }
        return;
    }
    permute_for_unpack(x, xp, cols);
    gemv_n_rows(w, ldw, x, xp, y, rows, cols, alpha, beta);
    if (xp != local) free(xp);
}

AVX2 static void gemv_t_avx2(const uint16_t *w, size_t ldw, const float *x, float *y,
                             size_t rows, size_t cols, float alpha, float beta) {
    scale_output(y, cols, beta);
    size_t i = 0;
    // Four rows at a time: each y load and store carries four FMAs.
    for (; i + 4 <= rows; i += 4) {
        const uint16_t *r0 = w + i * ldw, *r1 = r0 + ldw, *r2 = r1 + ldw, *r3 = r2 + ldw;
        const float s0 = alpha * x[i], s1 = alpha * x[i + 1];
        const float s2 = alpha * x[i + 2], s3 = alpha * x[i + 3];
        const __m256 v0 = _mm256_set1_ps(s0), v1 = _mm256_set1_ps(s1);
        const __m256 v2 = _mm256_set1_ps(s2), v3 = _mm256_set1_ps(s3);
        size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            __m256 acc = _mm256_loadu_ps(y + j);
            acc = _mm256_fmadd_ps(widen8(r0 + j), v0, acc);
            acc = _mm256_fmadd_ps(widen8(r1 + j), v1, acc);
            acc = _mm256_fmadd_ps(widen8(r2 + j), v2, acc);
            acc = _mm256_fmadd_ps(widen8(r3 + j), v3, acc);
            _mm256_storeu_ps(y + j, acc);
        }
        for (; j < cols; j++) {
            y[j] += lfs_bf16_widen(r0[j]) * s0 + lfs_bf16_widen(r1[j]) * s1
                + lfs_bf16_widen(r2[j]) * s2 + lfs_bf16_widen(r3[j]) * s3;
        }
    }
    for (; i < rows; i++) {
        const uint16_t *row = w + i * ldw;
        const float scale = alpha * x[i];
        const __m256 v = _mm256_set1_ps(scale);
        size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            _mm256_storeu_ps(y + j, _mm256_fmadd_ps(widen8(row + j), v, _mm256_loadu_ps(y + j)));
        }
        for (; j < cols; j++) y[j] += lfs_bf16_widen(row[j]) * scale;
    }
}
#endif

// MARK: - Dispatch

void lfs_bf16_from_f32(const float *src, uint16_t *dst, size_t count) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { from_f32_avx2(src, dst, count); return; }
#endif
    from_f32_plain(src, dst, count);
}

void lfs_bf16_to_f32(const uint16_t *src, float *dst, size_t count) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { to_f32_avx2(src, dst, count); return; }
#endif
    to_f32_plain(src, dst, count);
}

void lfs_bf16_widen_matrix(const uint16_t *src, size_t ld_src, float *dst, size_t ld_dst,
                           size_t rows, size_t cols) {
    for (size_t i = 0; i < rows; i++) lfs_bf16_to_f32(src + i * ld_src, dst + i * ld_dst, cols);
}

void lfs_bf16_gemv_n(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                     size_t cols, float alpha, float beta) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { gemv_n_avx2(w, ldw, x, y, rows, cols, alpha, beta); return; }
#endif
    gemv_n_plain(w, ldw, x, y, rows, cols, alpha, beta);
}

void lfs_bf16_gemv_t(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                     size_t cols, float alpha, float beta) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { gemv_t_avx2(w, ldw, x, y, rows, cols, alpha, beta); return; }
#endif
    gemv_t_plain(w, ldw, x, y, rows, cols, alpha, beta);
}
