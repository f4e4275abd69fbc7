/* `sysq help [flags|tables]`: usage, and references generated from the
 * flag and table definitions (docs/ embeds the same text, and a test keeps
 * the two identical). */
#pragma once

#include <stdio.h>

int help_main(int argc, char **argv);
void help_usage(FILE *out);
