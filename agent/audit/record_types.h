/* Audit record types: number and name, as auditd writes them in its log.
 *
 * One table serves the parser (name <-> number when replaying logs), the
 * assembler (which types stand alone) and `--audit_debug` output. Numbers
 * are from <linux/audit.h> and, for userspace types, libaudit. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_RECORD_TYPES(X)                                                                      \
	X(1005, USER)                                                                              \
	X(1006, LOGIN)                                                                             \
	X(1100, USER_AUTH)                                                                         \
	X(1101, USER_ACCT)                                                                         \
	X(1102, USER_MGMT)                                                                         \
	X(1103, CRED_ACQ)                                                                          \
	X(1104, CRED_DISP)                                                                         \
	X(1105, USER_START)                                                                        \
	X(1106, USER_END)                                                                          \
	X(1107, USER_AVC)                                                                          \
	X(1108, USER_CHAUTHTOK)                                                                    \
	X(1109, USER_ERR)                                                                          \
	X(1110, CRED_REFR)                                                                         \
	X(1111, USYS_CONFIG)                                                                       \
	X(1112, USER_LOGIN)                                                                        \
	X(1113, USER_LOGOUT)                                                                       \
	X(1114, ADD_USER)                                                                          \
	X(1115, DEL_USER)                                                                          \
	X(1116, ADD_GROUP)                                                                         \
	X(1117, DEL_GROUP)                                                                         \
	X(1118, DAC_CHECK)                                                                         \
	X(1119, CHGRP_ID)                                                                          \
	X(1120, TEST)                                                                              \
	X(1121, TRUSTED_APP)                                                                       \
	X(1122, USER_SELINUX_ERR)                                                                  \
	X(1123, USER_CMD)                                                                          \
	X(1124, USER_TTY)                                                                          \
	X(1125, CHUSER_ID)                                                                         \
	X(1126, GRP_AUTH)                                                                          \
	X(1127, SYSTEM_BOOT)                                                                       \
	X(1128, SYSTEM_SHUTDOWN)                                                                   \
	X(1129, SYSTEM_RUNLEVEL)                                                                   \
	X(1130, SERVICE_START)                                                                     \
	X(1131, SERVICE_STOP)                                                                      \
	X(1132, GRP_MGMT)                                                                          \
	X(1133, GRP_CHAUTHTOK)                                                                     \
	X(1134, MAC_CHECK)                                                                         \
	X(1135, ACCT_LOCK)                                                                         \
	X(1136, ACCT_UNLOCK)                                                                       \
	X(1137, USER_DEVICE)                                                                       \
	X(1138, SOFTWARE_UPDATE)                                                                   \
	X(1200, DAEMON_START)                                                                      \
	X(1201, DAEMON_END)                                                                        \
	X(1202, DAEMON_ABORT)                                                                      \
	X(1203, DAEMON_CONFIG)                                                                     \
	X(1204, DAEMON_RECONFIG)                                                                   \
	X(1205, DAEMON_ROTATE)                                                                     \
	X(1206, DAEMON_RESUME)                                                                     \
	X(1207, DAEMON_ACCEPT)                                                                     \
	X(1208, DAEMON_CLOSE)                                                                      \
	X(1209, DAEMON_ERR)                                                                        \
	X(1300, SYSCALL)                                                                           \
	X(1302, PATH)                                                                              \
	X(1303, IPC)                                                                               \
	X(1304, SOCKETCALL)                                                                        \
	X(1305, CONFIG_CHANGE)                                                                     \
	X(1306, SOCKADDR)                                                                          \
	X(1307, CWD)                                                                               \
	X(1309, EXECVE)                                                                            \
	X(1311, IPC_SET_PERM)                                                                      \
	X(1312, MQ_OPEN)                                                                           \
	X(1313, MQ_SENDRECV)                                                                       \
	X(1314, MQ_NOTIFY)                                                                         \
	X(1315, MQ_GETSETATTR)                                                                     \
	X(1316, KERNEL_OTHER)                                                                      \
	X(1317, FD_PAIR)                                                                           \
	X(1318, OBJ_PID)                                                                           \
	X(1319, TTY)                                                                               \
	X(1320, EOE)                                                                               \
	X(1321, BPRM_FCAPS)                                                                        \
	X(1322, CAPSET)                                                                            \
	X(1323, MMAP)                                                                              \
	X(1324, NETFILTER_PKT)                                                                     \
	X(1325, NETFILTER_CFG)                                                                     \
	X(1326, SECCOMP)                                                                           \
	X(1327, PROCTITLE)                                                                         \
	X(1328, FEATURE_CHANGE)                                                                    \
	X(1329, REPLACE)                                                                           \
	X(1330, KERN_MODULE)                                                                       \
	X(1331, FANOTIFY)                                                                          \
	X(1332, TIME_INJOFFSET)                                                                    \
	X(1333, TIME_ADJNTPVAL)                                                                    \
	X(1334, BPF)                                                                               \
	X(1335, EVENT_LISTENER)                                                                    \
	X(1336, URINGOP)                                                                           \
	X(1337, OPENAT2)                                                                           \
	X(1338, DM_CTRL)                                                                           \
	X(1339, DM_EVENT)                                                                          \
	X(1400, AVC)                                                                               \
	X(1401, SELINUX_ERR)                                                                       \
	X(1402, AVC_PATH)                                                                          \
	X(1403, MAC_POLICY_LOAD)                                                                   \
	X(1404, MAC_STATUS)                                                                        \
	X(1405, MAC_CONFIG_CHANGE)                                                                 \
	X(1420, MAC_CALIPSO_ADD)                                                                   \
	X(1700, ANOM_PROMISCUOUS)                                                                  \
	X(1701, ANOM_ABEND)                                                                        \
	X(1702, ANOM_LINK)                                                                         \
	X(1703, ANOM_CREAT)                                                                        \
	X(1800, INTEGRITY_DATA)                                                                    \
	X(1801, INTEGRITY_METADATA)                                                                \
	X(1802, INTEGRITY_STATUS)                                                                  \
	X(1803, INTEGRITY_HASH)                                                                    \
	X(1804, INTEGRITY_PCR)                                                                     \
	X(1805, INTEGRITY_RULE)                                                                    \
	X(1806, INTEGRITY_EVM_XATTR)                                                               \
	X(1807, INTEGRITY_POLICY_RULE)                                                             \
	X(2000, KERNEL)

enum audit_record_type {
#define X(num, name) AUDIT_TYPE_##name = num,
	AUDIT_RECORD_TYPES(X)
#undef X
};

/* Name of a record type ("SYSCALL"), or NULL when the table lacks it. */
const char *audit_type_name(uint16_t type);

/* Parses "SYSCALL" or "UNKNOWN[1234]"; returns the number or -1. */
int audit_type_from_name(const char *name, size_t len);

/* Userspace and daemon messages (1005, 1100-1299, 2100-2999) are events
 * of their own: the kernel sends them with a fresh serial and no EOE. */
bool audit_type_is_standalone(uint16_t type);
