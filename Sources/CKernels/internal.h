// Shared between the CKernels sources; not part of the module's interface.
#ifndef LFS_CKERNELS_INTERNAL_H
#define LFS_CKERNELS_INTERNAL_H

#include <stdint.h>
#include <string.h>

/// Whether the AVX2 + FMA kernels may run (the CPU has them and tests did not forbid).
int lfs_use_avx2(void);

/// A bf16 bit pattern widened to float32.
static inline float lfs_bf16_widen(uint16_t bits) {
    uint32_t wide = (uint32_t)bits << 16;
    float value;
    memcpy(&value, &wide, sizeof value);
    return value;
}

#if defined(__x86_64__) || defined(__i386__)
#define LFS_X86 1
#endif

#endif
