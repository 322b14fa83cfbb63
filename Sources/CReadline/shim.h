// System-library shim for GNU readline (Debian: libreadline-dev, pkg-config `readline`).
// Mutable C globals that Swift 6 strict concurrency rejects get tiny accessors here,
// named `lfs_rl_<global>` (getters) and `lfs_rl_set_<global>` (setters).
#ifndef LFS_CREADLINE_SHIM_H
#define LFS_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// MARK: Identity and streams
static inline void lfs_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void lfs_rl_set_instream(FILE *stream) { rl_instream = stream; }
static inline void lfs_rl_set_outstream(FILE *stream) { rl_outstream = stream; }

// MARK: Signals and input
static inline void lfs_rl_set_catch_signals(int value) { rl_catch_signals = value; }
static inline void lfs_rl_set_catch_sigwinch(int value) { rl_catch_sigwinch = value; }
static inline void lfs_rl_set_getc_function(rl_getc_func_t *function) {
    rl_getc_function = function;
}

// MARK: Line state
static inline const char *lfs_rl_line_buffer(void) { return rl_line_buffer; }
static inline int lfs_rl_point(void) { return rl_point; }
static inline int lfs_rl_end(void) { return rl_end; }
static inline void lfs_rl_set_point(int point) { rl_point = point; }

// MARK: Completion
static inline void lfs_rl_set_attempted_completion_function(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}
static inline void lfs_rl_set_completion_word_break_hook(rl_cpvfunc_t *function) {
    rl_completion_word_break_hook = function;
}
static inline void lfs_rl_set_completer_word_break_characters(const char *characters) {
    rl_completer_word_break_characters = (char *)characters;
}
static inline void lfs_rl_set_completer_quote_characters(const char *characters) {
    rl_completer_quote_characters = characters;
}
static inline void lfs_rl_set_completion_append_character(int character) {
    rl_completion_append_character = character;
}
static inline void lfs_rl_set_completion_suppress_append(int value) {
    rl_completion_suppress_append = value;
}
static inline void lfs_rl_set_attempted_completion_over(int value) {
    rl_attempted_completion_over = value;
}
static inline void lfs_rl_set_filename_completion_desired(int value) {
    rl_filename_completion_desired = value;
}
static inline void lfs_rl_set_filename_quoting_desired(int value) {
    rl_filename_quoting_desired = value;
}
static inline void lfs_rl_set_sort_completion_matches(int value) {
    rl_sort_completion_matches = value;
}
#endif
