// System-library shim for OpenBLAS (Debian: libopenblas-dev, pkg-config `openblas`).
#ifndef LFS_CBLAS_SHIM_H
#define LFS_CBLAS_SHIM_H
#include <cblas.h>

// OpenBLAS extensions, declared here because not every cblas.h exports them.
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);

// LAPACK's single-precision SVD (column-major), exported by OpenBLAS; PiSSA uses it.
void sgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, float *a,
             const int *lda, float *s, float *u, const int *ldu, float *vt, const int *ldvt,
             float *work, const int *lwork, int *info);
#endif
