/* Audit record types: number and name, as auditd writes them in its log.
 *
 * One table serves the parser (name <-> number when replaying logs), the
 * assembler (which types stand alone) and `--audit_debug` output. Numbers
 * and names are those of <linux/audit.h> (1420 and 1421 from Linux 6.x,
 * newer than some build hosts' headers) and, for userspace types, of
 * libaudit's table (auditd writes its names). tools/check_record_types.py
 * compares the table with the build host's <linux/audit.h> at every build:
 * a name it defines must have its number, and a number it names must not
 * carry another name here. */
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
	X(1406, MAC_UNLBL_ALLOW)                                                                   \
	X(1407, MAC_CIPSOV4_ADD)                                                                   \
	X(1408, MAC_CIPSOV4_DEL)                                                                   \
	X(1409, MAC_MAP_ADD)                                                                       \
	X(1410, MAC_MAP_DEL)                                                                       \
	X(1411, MAC_IPSEC_ADDSA)                                                                   \
	X(1412, MAC_IPSEC_DELSA)                                                                   \
	X(1413, MAC_IPSEC_ADDSPD)                                                                  \
	X(1414, MAC_IPSEC_DELSPD)                                                                  \
	X(1415, MAC_IPSEC_EVENT)                                                                   \
	X(1416, MAC_UNLBL_STCADD)                                                                  \
	X(1417, MAC_UNLBL_STCDEL)                                                                  \
	X(1418, MAC_CALIPSO_ADD)                                                                   \
	X(1419, MAC_CALIPSO_DEL)                                                                   \
	X(1420, MAC_TASK_CONTEXTS)                                                                 \
	X(1421, MAC_OBJ_CONTEXTS)                                                                  \
	X(1500, APPARMOR)                                                                          \
	X(1501, APPARMOR_AUDIT)                                                                    \
	X(1502, APPARMOR_ALLOWED)                                                                  \
	X(1503, APPARMOR_DENIED)                                                                   \
	X(1504, APPARMOR_HINT)                                                                     \
	X(1505, APPARMOR_STATUS)                                                                   \
	X(1506, APPARMOR_ERROR)                                                                    \
	X(1507, APPARMOR_KILL)                                                                     \
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
	X(2000, KERNEL)                                                                            \
	X(2100, ANOM_LOGIN_FAILURES)                                                               \
	X(2101, ANOM_LOGIN_TIME)                                                                   \
	X(2102, ANOM_LOGIN_SESSIONS)                                                               \
	X(2103, ANOM_LOGIN_ACCT)                                                                   \
	X(2104, ANOM_LOGIN_LOCATION)                                                               \
	X(2105, ANOM_MAX_DAC)                                                                      \
	X(2106, ANOM_MAX_MAC)                                                                      \
	X(2107, ANOM_AMTU_FAIL)                                                                    \
	X(2108, ANOM_RBAC_FAIL)                                                                    \
	X(2109, ANOM_RBAC_INTEGRITY_FAIL)                                                          \
	X(2110, ANOM_CRYPTO_FAIL)                                                                  \
	X(2111, ANOM_ACCESS_FS)                                                                    \
	X(2112, ANOM_EXEC)                                                                         \
	X(2113, ANOM_MK_EXEC)                                                                      \
	X(2114, ANOM_ADD_ACCT)                                                                     \
	X(2115, ANOM_DEL_ACCT)                                                                     \
	X(2116, ANOM_MOD_ACCT)                                                                     \
	X(2117, ANOM_ROOT_TRANS)                                                                   \
	X(2118, ANOM_LOGIN_SERVICE)                                                                \
	X(2119, ANOM_LOGIN_ROOT)                                                                   \
	X(2120, ANOM_ORIGIN_FAILURES)                                                              \
	X(2121, ANOM_SESSION)                                                                      \
	X(2200, RESP_ANOMALY)                                                                      \
	X(2201, RESP_ALERT)                                                                        \
	X(2202, RESP_KILL_PROC)                                                                    \
	X(2203, RESP_TERM_ACCESS)                                                                  \
	X(2204, RESP_ACCT_REMOTE)                                                                  \
	X(2205, RESP_ACCT_LOCK_TIMED)                                                              \
	X(2206, RESP_ACCT_UNLOCK_TIMED)                                                            \
	X(2207, RESP_ACCT_LOCK)                                                                    \
	X(2208, RESP_TERM_LOCK)                                                                    \
	X(2209, RESP_SEBOOL)                                                                       \
	X(2210, RESP_EXEC)                                                                         \
	X(2211, RESP_SINGLE)                                                                       \
	X(2212, RESP_HALT)                                                                         \
	X(2213, RESP_ORIGIN_BLOCK)                                                                 \
	X(2214, RESP_ORIGIN_BLOCK_TIMED)                                                           \
	X(2215, RESP_ORIGIN_UNBLOCK_TIMED)                                                         \
	X(2300, USER_ROLE_CHANGE)                                                                  \
	X(2301, ROLE_ASSIGN)                                                                       \
	X(2302, ROLE_REMOVE)                                                                       \
	X(2303, LABEL_OVERRIDE)                                                                    \
	X(2304, LABEL_LEVEL_CHANGE)                                                                \
	X(2305, USER_LABELED_EXPORT)                                                               \
	X(2306, USER_UNLABELED_EXPORT)                                                             \
	X(2307, DEV_ALLOC)                                                                         \
	X(2308, DEV_DEALLOC)                                                                       \
	X(2309, FS_RELABEL)                                                                        \
	X(2310, USER_MAC_POLICY_LOAD)                                                              \
	X(2311, ROLE_MODIFY)                                                                       \
	X(2312, USER_MAC_CONFIG_CHANGE)                                                            \
	X(2313, USER_MAC_STATUS)                                                                   \
	X(2400, CRYPTO_TEST_USER)                                                                  \
	X(2401, CRYPTO_PARAM_CHANGE_USER)                                                          \
	X(2402, CRYPTO_LOGIN)                                                                      \
	X(2403, CRYPTO_LOGOUT)                                                                     \
	X(2404, CRYPTO_KEY_USER)                                                                   \
	X(2405, CRYPTO_FAILURE_USER)                                                               \
	X(2406, CRYPTO_REPLAY_USER)                                                                \
	X(2407, CRYPTO_SESSION)                                                                    \
	X(2408, CRYPTO_IKE_SA)                                                                     \
	X(2409, CRYPTO_IPSEC_SA)                                                                   \
	X(2500, VIRT_CONTROL)                                                                      \
	X(2501, VIRT_RESOURCE)                                                                     \
	X(2502, VIRT_MACHINE_ID)                                                                   \
	X(2503, VIRT_INTEGRITY_CHECK)                                                              \
	X(2504, VIRT_CREATE)                                                                       \
	X(2505, VIRT_DESTROY)                                                                      \
	X(2506, VIRT_MIGRATE_IN)                                                                   \
	X(2507, VIRT_MIGRATE_OUT)

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
