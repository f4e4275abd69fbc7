/* Line editing for the interactive shell, through libedit: emacs-style
 * keys, a history recalled with Up and Down and kept in a file, and Tab
 * completion of names the shell supplies.
 *
 * The history file is written whole after each line, to a temporary file
 * created 0600 that replaces the old one, so it is never readable by
 * others, even for a moment, and a shell that is killed keeps what was
 * typed before. Ctrl-C at the prompt gives the line up (cancel.h makes the
 * terminal read fail with EINTR); Ctrl-D on an empty line ends input. */
#pragma once

#include "complete.h"

#include <stddef.h>

struct editor;

/* Fills `out` with the names that complete the word [*start, cursor) of
 * `line` (the text before the cursor), setting *start. */
typedef void (*editor_complete_fn)(void *ctx, const char *line, size_t cursor, size_t *start,
				   struct name_list *out);

/* Opens the editor on the terminal (stdin, stdout), loading the history
 * from `history_path` if it exists (NULL: no history file). Returns NULL
 * if libedit cannot start. */
struct editor *editor_open(const char *history_path, editor_complete_fn complete, void *ctx);
void editor_close(struct editor *ed);

/* Reads one line after `prompt`. Returns 1 with *line set (the editor's
 * buffer, ending in '\n', valid until the next call), 0 at end of input,
 * -EINTR when Ctrl-C gave the line up, or another -errno. */
int editor_read(struct editor *ed, const char *prompt, const char **line);

/* Adds a line (without its '\n') to the history and saves the file. A
 * file that cannot be written is reported once per session. */
void editor_remember(struct editor *ed, const char *line);
