// System-library shim for OpenBLAS (Debian: libopenblas-dev, pkg-config `openblas`).
#ifndef LFS_CBLAS_SHIM_H
#define LFS_CBLAS_SHIM_H
#include <cblas.h>

// OpenBLAS extensions, declared here because not every cblas.h exports them.
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
#endif
