// System-library shim for Graphviz (Debian: libgraphviz-dev, pkg-config `libgvc`).
#ifndef LFS_CGRAPHVIZ_SHIM_H
#define LFS_CGRAPHVIZ_SHIM_H
#include <gvc.h>
#include <cgraph.h>

// Accessors for what Swift 6 strict concurrency cannot touch directly (mutable C
// globals), and for the error-reporting hooks with Swift-friendly spellings.

/// Routes every cgraph/gvc message (warnings and errors) to `handler` instead of
/// stderr and returns the previous handler. Pass NULL to restore stderr output.
static inline agusererrf lfs_gv_set_error_handler(agusererrf handler) {
    agseterr(AGWARN);          // report warnings too, so nothing is buffered silently
    return agseterrf(handler);
}

/// The highest error level reported since the last reset (0 warning, 1 error).
static inline int lfs_gv_error_count(void) { return agerrors(); }

/// Clears the highest-level-reported counter.
static inline void lfs_gv_reset_errors(void) { (void)agreseterrors(); }

#endif
