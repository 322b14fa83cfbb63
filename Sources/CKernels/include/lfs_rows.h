// Row kernels of the fused tensor ops (softmax, cross-entropy, SwiGLU): the exp-heavy
// loops over contiguous float rows. Each dispatches to an AVX2 + FMA version or a plain
// C loop (lfs_force_portable in CKernels.h forces the latter). e^x is the Cephes expf
// polynomial with range reduction by ln 2, to about 2 ulp; inputs below -87.33 give 0
// (as a float underflow would), NaN stays NaN. Sums keep eight partial sums folded in
// a fixed order, so results do not depend on threads.
#ifndef LFS_ROWS_H
#define LFS_ROWS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The largest of x[0..<count] (-infinity when count is 0; NaNs are skipped).
float lfs_row_max(const float *x, size_t count);

/// The sum of x[0..<count].
float lfs_row_sum(const float *x, size_t count);

/// log Σ e^(x[i]) over i < count, reading x once: blocks of 256 small enough for the
/// L1 cache get their max, then their exps summed against the running max (rescaled
/// when it grows). -infinity when count is 0 or every x[i] is -infinity.
float lfs_log_sum_exp(const float *x, size_t count);

/// Returns the sum of e^(x[i] - shift) over i < count and, when store is not NULL,
/// writes each e^(x[i] - shift) to store[i] (store may be x).
float lfs_exp_sum(const float *x, float *store, size_t count, float shift);

/// y[i] = e^(x[i] - shift) * scale + offset for i < count (y may be x): a softmax
/// row from its log-sum-exp, or a cross-entropy gradient row.
void lfs_exp_affine(float *y, const float *x, size_t count, float shift, float scale,
                    float offset);

/// y[i] = x[i] * scale + offset for i < count (y may be x).
void lfs_affine(float *y, const float *x, size_t count, float scale, float offset);

/// SwiGLU of one row: y[i] = silu(gate[i]) * up[i], silu(g) = g / (1 + e^-g).
void lfs_swiglu_forward(float *y, const float *gate, const float *up, size_t count);

/// The gradients of lfs_swiglu_forward: with s = sigmoid(gate[i]),
/// dup[i] = dy[i] * gate[i] * s and dgate[i] = dy[i] * up[i] * s * (1 + gate[i] (1 - s)),
/// added to what dgate and dup hold when accumulate is nonzero, written otherwise.
void lfs_swiglu_backward(float *dgate, float *dup, const float *dy, const float *gate,
                         const float *up, size_t count, int accumulate);

/// One head vector rotated in HF's rotate_half convention, with s' = sign * sin[i]:
/// y[i] = x[i] cos[i] - x[i + half] s'[i], y[i + half] = x[i + half] cos[i] + x[i] s'[i]
/// for i < half; written, or added to y when accumulate is nonzero. y may be x.
void lfs_rotate_half(float *y, const float *x, const float *cos, const float *sin, size_t half,
                     float sign, int accumulate);

#ifdef __cplusplus
}
#endif

#endif
