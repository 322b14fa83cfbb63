// System-library shim for GNU readline (Debian: libreadline-dev, pkg-config `readline`).
// Mutable C globals that Swift 6 strict concurrency rejects get tiny accessors here.
#ifndef LFS_CREADLINE_SHIM_H
#define LFS_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
