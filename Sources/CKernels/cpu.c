// Run-time CPU feature detection for the kernel dispatch (cpuid + xgetbv, so a CPU or
// OS without AVX state support gets the plain C kernels).
#include "CKernels.h"
#include "internal.h"

#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    const int f16c = (c >> 29) & 1;
    if (!osxsave || !avx) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 6) != 6) return 0;  // the OS does not save XMM and YMM state
    int features = f16c ? LFS_CPU_F16C : 0;
    if (__get_cpuid_max(0, 0) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        const int avx2 = (b >> 5) & 1;
        if (avx2 && fma) features |= LFS_CPU_AVX2_FMA;
    }
    return features;
}
#else
static int detect(void) { return 0; }
#endif

static atomic_int cached = -1;
static atomic_int portable = 0;

int lfs_cpu_features(void) {
    int value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (value < 0) {
        value = detect();
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value;
}

int lfs_force_portable(int value) {
    return atomic_exchange_explicit(&portable, value != 0, memory_order_relaxed);
}

int lfs_use_avx2(void) {
    return !atomic_load_explicit(&portable, memory_order_relaxed)
        && (lfs_cpu_features() & LFS_CPU_AVX2_FMA);
}
