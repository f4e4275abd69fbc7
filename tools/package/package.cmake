# The Debian package: `cpack -G DEB` in the build tree writes
# sysq_<version>_<arch>.deb. Included from the top-level CMakeLists.txt.
#
# Layout: /usr/bin/sysq, /lib/systemd/system/sysq.service, the conffiles
# /etc/sysq/sysq.flags and /etc/sysq/sysq.conf, and /usr/share/doc/sysq
# (operator docs and example packs). /var/lib/sysq and /var/log/sysq are
# made by the maintainer scripts (postinst, postrm purges them).

set(SYSQ_PACKAGE_DIR ${CMAKE_SOURCE_DIR}/tools/package)

# Absolute destinations: these paths are fixed by Debian and systemd, not
# by the install prefix, so only the package installs them.
install(FILES ${SYSQ_PACKAGE_DIR}/sysq.service DESTINATION /lib/systemd/system
        COMPONENT package EXCLUDE_FROM_ALL)
install(FILES ${SYSQ_PACKAGE_DIR}/sysq.flags ${SYSQ_PACKAGE_DIR}/sysq.conf
        DESTINATION /etc/sysq PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        COMPONENT package EXCLUDE_FROM_ALL)
install(DIRECTORY ${SYSQ_PACKAGE_DIR}/packs DESTINATION share/doc/sysq
        COMPONENT package EXCLUDE_FROM_ALL)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/install.md
        ${CMAKE_SOURCE_DIR}/docs/configuration.md ${CMAKE_SOURCE_DIR}/docs/scheduler.md
        ${CMAKE_SOURCE_DIR}/docs/tables.md ${CMAKE_SOURCE_DIR}/docs/troubleshooting.md
        ${CMAKE_SOURCE_DIR}/docs/audit.md ${CMAKE_SOURCE_DIR}/docs/metrics.md
        ${CMAKE_SOURCE_DIR}/docs/fleet.md
        DESTINATION share/doc/sysq COMPONENT package EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sysq)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sysq maintainers <sysq@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "host agent that makes kernel security events queryable with SQL")
set(CPACK_PACKAGE_DESCRIPTION
    "sysq reads exec, socket and login events from the kernel audit subsystem, buffers them in SQLite and runs osquery-compatible scheduled queries, logging results in osquery's format.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};sysq;ALL;/;${CMAKE_BINARY_DIR};sysq;package;/")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends on the shared libraries the binary links, as dpkg-shlibdeps finds
# them (libc6, libsqlite3-0, libcjson1, zlib1g, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SYSQ_PACKAGE_DIR}/conffiles ${SYSQ_PACKAGE_DIR}/postinst ${SYSQ_PACKAGE_DIR}/prerm
    ${SYSQ_PACKAGE_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
