// CKernels: the few kernels lfs writes in C for instructions Swift cannot name, and the
// float32 GEMVs of a decode step (faster than OpenBLAS's sgemv at streaming weights).
//
// BF16 weights: a bf16 value is the top 16 bits of a float32, so widening is a 16-bit
// shift and the products below are exactly the float32 products of the bf16-rounded
// weights (only the summation order differs from an fp32 GEMV over those values).
// Every function has an AVX2 + FMA version chosen at run time (cpuid and xgetbv, never
// assumed) and a plain C fallback with the same contract. Matrices are row-major.
#ifndef LFS_CKERNELS_H
#define LFS_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "lfs_rows.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Bits of lfs_cpu_features().
enum {
    LFS_CPU_AVX2_FMA = 1,  ///< AVX2 and FMA3, with the OS saving YMM state.
    LFS_CPU_F16C = 2,      ///< F16C half-precision conversions.
};

/// The CPU features the kernels can use (a mask of LFS_CPU_*), detected once.
int lfs_cpu_features(void);

/// Restricts the kernels to the plain C versions (nonzero) or lets them use what the
/// CPU has (zero); for tests comparing the two paths. Returns the previous setting.
int lfs_force_portable(int portable);

/// dst[i] = bf16 bits of src[i], rounded to nearest, ties to even; NaN stays NaN.
void lfs_bf16_from_f32(const float *src, uint16_t *dst, size_t count);

/// dst[i] = src[i] widened to float32 (exact).
void lfs_bf16_to_f32(const uint16_t *src, float *dst, size_t count);

/// Widens a [rows, cols] bf16 block with row stride ld_src into a float32 block with
/// row stride ld_dst.
void lfs_bf16_widen_matrix(const uint16_t *src, size_t ld_src, float *dst, size_t ld_dst,
                           size_t rows, size_t cols);

/// y[i] = alpha * sum_j w[i * ldw + j] * x[j] + beta * y[i], for i < rows, j < cols
/// (y = alpha W x + beta y with W [rows, cols] bf16). beta == 0 never reads y.
void lfs_bf16_gemv_n(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                     size_t cols, float alpha, float beta);

/// y[j] = alpha * sum_i x[i] * w[i * ldw + j] + beta * y[j], for j < cols, i < rows
/// (y = alpha W^T x + beta y with W [rows, cols] bf16). beta == 0 never reads y.
void lfs_bf16_gemv_t(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                     size_t cols, float alpha, float beta);

/// y[i] = alpha * sum_j w[i * ldw + j] * x[j] + beta * y[i], for i < rows, j < cols
/// (y = alpha W x + beta y with W [rows, cols] float32). beta == 0 never reads y.
void lfs_f32_gemv_n(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                    size_t cols, float alpha, float beta);

/// y[j] = alpha * sum_i x[i] * w[i * ldw + j] + beta * y[j], for j < cols, i < rows
/// (y = alpha W^T x + beta y with W [rows, cols] float32). beta == 0 never reads y.
void lfs_f32_gemv_t(const float *w, size_t ldw, const float *x, float *y, size_t rows,
                    size_t cols, float alpha, float beta);

/// One query row's attention over cached rows [first, last) (a decode step):
/// scores[j] = scale * q . keys[j * d ...] for unmasked j (mask[j] != 0), softmax over
/// them, out[0 ..< d] += sum_j p_j * values[j * d ...]. Masked rows get probability 0;
/// when every row is masked, out is left as it was. scores holds at least `last` floats.
void lfs_attention_row(const float *q, const float *keys, const float *values, const float *mask,
                       size_t first, size_t last, size_t d, float scale, float *scores,
                       float *out);

#ifdef __cplusplus
}
#endif

#endif
