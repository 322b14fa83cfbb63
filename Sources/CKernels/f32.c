// Float32 matrix-vector products (a decode step's weight GEMVs) and the attention of one
// query row over a KV cache, each public function
// dispatching to an AVX2 + FMA version or the plain loop. They replace cblas_sgemv for
// one-row products: a decode step is bound by streaming the weights once, and these
// keep four rows' loads in flight per x load, so the caller can split rows across
// threads in whatever bands it likes (any band is a valid call).
#include "CKernels.h"
#include "internal.h"

#include <math.h>

#ifdef LFS_X86
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#endif

// MARK: - Plain C

static void gemv_n_plain(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                         size_t cols, float alpha, float beta) {
    for (size_t i = 0; i < rows; i++) {
        const float *row = w + i * ldw;
        float sum = 0;
        for (size_t j = 0; j < cols; j++) sum += row[j] * x[j];
        y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i];
    }
}

/// y = beta * y over count values (beta == 0 writes zeros without reading).
static void scale_output(float *y, size_t count, float beta) {
    if (beta == 0) {
        memset(y, 0, count * sizeof *y);
    } else if (beta != 1) {
        for (size_t j = 0; j < count; j++) y[j] *= beta;
    }
}

static void gemv_t_plain(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                         size_t cols, float alpha, float beta) {
    scale_output(y, cols, beta);
    for (size_t i = 0; i < rows; i++) {
        const float *row = w + i * ldw;
        const float scale = alpha * x[i];
        for (size_t j = 0; j < cols; j++) y[j] += row[j] * scale;
    }
}

// MARK: - AVX2 + FMA

#ifdef LFS_X86
AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/// One row's dot product with x, 16 columns a step.
AVX2 static float dot_row(const float *row, const float *x, size_t cols) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= cols; j += 16) {
        a = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(x + j), a);
        b = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 8), _mm256_loadu_ps(x + j + 8), b);
    }
    for (; j + 8 <= cols; j += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(x + j), a);
    float sum = sum8(_mm256_add_ps(a, b));
    for (; j < cols; j++) sum += row[j] * x[j];
    return sum;
}

AVX2 static void gemv_n_avx2(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                             size_t cols, float alpha, float beta) {
    const size_t full = cols & ~(size_t)15;
    size_t i = 0;
    // Four rows at a time: each x load feeds four rows, eight accumulators in flight.
    for (; i + 4 <= rows; i += 4) {
        const float *r0 = w + i * ldw, *r1 = r0 + ldw, *r2 = r1 + ldw, *r3 = r2 + ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (size_t j = 0; j < full; j += 16) {
            const __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + j), x0, a0);
            b0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + j + 8), x1, b0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + j), x0, a1);
            b1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + j + 8), x1, b1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + j), x0, a2);
            b2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + j + 8), x1, b2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + j), x0, a3);
            b3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + j + 8), x1, b3);
        }
        float s[4] = {
            sum8(_mm256_add_ps(a0, b0)), sum8(_mm256_add_ps(a1, b1)),
            sum8(_mm256_add_ps(a2, b2)), sum8(_mm256_add_ps(a3, b3)),
        };
        for (size_t j = full; j < cols; j++) {
            const float xj = x[j];
            s[0] += r0[j] * xj;
            s[1] += r1[j] * xj;
            s[2] += r2[j] * xj;
            s[3] += r3[j] * xj;
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

AVX2 static void gemv_t_avx2(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                             size_t cols, float alpha, float beta) {
    scale_output(y, cols, beta);
    size_t i = 0;
    // Four rows at a time: each y load and store carries four FMAs.
    for (; i + 4 <= rows; i += 4) {
        const float *r0 = w + i * ldw, *r1 = r0 + ldw, *r2 = r1 + ldw, *r3 = r2 + ldw;
        const float s0 = alpha * x[i], s1 = alpha * x[i + 1];
        const float s2 = alpha * x[i + 2], s3 = alpha * x[i + 3];
        const __m256 v0 = _mm256_set1_ps(s0), v1 = _mm256_set1_ps(s1);
        const __m256 v2 = _mm256_set1_ps(s2), v3 = _mm256_set1_ps(s3);
        size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            __m256 acc = _mm256_loadu_ps(y + j);
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + j), v0, acc);
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + j), v1, acc);
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + j), v2, acc);
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + j), v3, acc);
            _mm256_storeu_ps(y + j, acc);
        }
        for (; j < cols; j++) y[j] += r0[j] * s0 + r1[j] * s1 + r2[j] * s2 + r3[j] * s3;
    }
    for (; i < rows; i++) {
        const float *row = w + i * ldw;
        const float scale = alpha * x[i];
        const __m256 v = _mm256_set1_ps(scale);
        size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            _mm256_storeu_ps(y + j, _mm256_fmadd_ps(_mm256_loadu_ps(row + j), v, _mm256_loadu_ps(y + j)));
        }
        for (; j < cols; j++) y[j] += row[j] * scale;
    }
}
#endif

// MARK: - Dispatch

void lfs_f32_gemv_n(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                    size_t cols, float alpha, float beta) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { gemv_n_avx2(w, ldw, x, y, rows, cols, alpha, beta); return; }
#endif
    gemv_n_plain(w, ldw, x, y, rows, cols, alpha, beta);
}

void lfs_f32_gemv_t(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                    size_t cols, float alpha, float beta) {
#ifdef LFS_X86
    if (lfs_use_avx2()) { gemv_t_avx2(w, ldw, x, y, rows, cols, alpha, beta); return; }
#endif
    gemv_t_plain(w, ldw, x, y, rows, cols, alpha, beta);
}

// MARK: - Attention of one query row over cached keys and values

#ifdef LFS_X86
AVX2 static float dot_avx2(const float *a, const float *b, size_t n) { return dot_row(a, b, n); }

AVX2 static void axpy_avx2(float alpha, const float *a, float *y, size_t n) {
    const __m256 v = _mm256_set1_ps(alpha);
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        _mm256_storeu_ps(y + j, _mm256_fmadd_ps(_mm256_loadu_ps(a + j), v, _mm256_loadu_ps(y + j)));
    }
    for (; j < n; j++) y[j] += alpha * a[j];
}
#endif

static float dot_plain(const float *a, const float *b, size_t n) {
    float sum = 0;
    for (size_t j = 0; j < n; j++) sum += a[j] * b[j];
    return sum;
}

static void axpy_plain(float alpha, const float *a, float *y, size_t n) {
    for (size_t j = 0; j < n; j++) y[j] += alpha * a[j];
}

void lfs_attention_row(const float *q, const float *keys, const float *values, const float *mask,
                       size_t first, size_t last, size_t d, float scale, float *scores,
                       float *out) {
#ifdef LFS_X86
    const int avx2 = lfs_use_avx2();
#endif
    float maximum = -INFINITY;
    for (size_t j = first; j < last; j++) {
        if (mask[j] == 0) {
            scores[j] = -INFINITY;
            continue;
        }
        float dot;
#ifdef LFS_X86
        if (avx2) dot = dot_avx2(q, keys + j * d, d); else
#endif
        dot = dot_plain(q, keys + j * d, d);
        scores[j] = dot * scale;
        if (scores[j] > maximum) maximum = scores[j];
    }
    if (maximum == -INFINITY) return;
    float sum = 0;
    for (size_t j = first; j < last; j++) {
        const float e = scores[j] == -INFINITY ? 0 : expf(scores[j] - maximum);
        scores[j] = e;
        sum += e;
    }
    const float inverse = 1 / sum;
    for (size_t j = first; j < last; j++) {
        if (!(scores[j] > 0)) continue;
#ifdef LFS_X86
        if (avx2) { axpy_avx2(scores[j] * inverse, values + j * d, out, d); continue; }
#endif
        axpy_plain(scores[j] * inverse, values + j * d, out, d);
    }
}
