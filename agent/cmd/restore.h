/* `sysq restore`: put the audit configuration back after a daemon that
 * died without stopping cleanly. */
#pragma once

int restore_main(int argc, char **argv);
