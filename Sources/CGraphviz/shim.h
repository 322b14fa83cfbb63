// System-library shim for Graphviz (Debian: libgraphviz-dev, pkg-config `libgvc`).
#ifndef LFS_CGRAPHVIZ_SHIM_H
#define LFS_CGRAPHVIZ_SHIM_H
#include <gvc.h>
#include <cgraph.h>
#endif
