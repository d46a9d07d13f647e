# Every dependency comes from Debian's packages (scripts/install-deps installs
# them); a missing one stops configure with the package to install.

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install Debian's 'pkg-config' package (or run scripts/install-deps build)")
endif()
pkg_check_modules(LUA QUIET IMPORTED_TARGET lua5.4)
if(NOT LUA_FOUND)
  message(FATAL_ERROR "Lua 5.4 not found: install Debian's 'liblua5.4-dev' package (or run scripts/install-deps build)")
endif()

# SQLite 3, for the SQLite store (src/store/sqlite_store.cpp): CMake's own FindSQLite3.
find_package(SQLite3 QUIET)
if(NOT SQLite3_FOUND)
  message(FATAL_ERROR "SQLite 3 not found: install Debian's 'libsqlite3-dev' package (or run scripts/install-deps)")
endif()

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

# The library needs only the above. The CLI parses its options with CLI11 and
# writes its report with nlohmann-json, which the tests read it with too; a
# library-only build (-DLUAOS_BUILD_CLI=OFF -DLUAOS_BUILD_TESTS=OFF) looks
# for neither (tests/install/library_only.cmake checks it).
if(LUAOS_BUILD_CLI)
  find_package(CLI11 CONFIG QUIET)
  if(NOT CLI11_FOUND)
    message(FATAL_ERROR "CLI11 not found: install Debian's 'libcli11-dev' package (or run scripts/install-deps build)")
  endif()
endif()
if(LUAOS_BUILD_CLI OR LUAOS_BUILD_TESTS)
  find_package(nlohmann_json CONFIG QUIET)
  if(NOT nlohmann_json_FOUND)
    message(FATAL_ERROR "nlohmann-json not found: install Debian's 'nlohmann-json3-dev' package (or run scripts/install-deps build)")
  endif()
endif()

# `luaos serve` talks to NATS through Debian's C client; its tests and
# bench/serve_bench.cpp start a real nats-server.
if(LUAOS_BUILD_SERVE)
  pkg_check_modules(NATS QUIET IMPORTED_TARGET libnats)
  if(NOT NATS_FOUND)
    message(FATAL_ERROR "the NATS C client not found: install Debian's 'libnats-dev' package (or run scripts/install-deps test), or configure with -DLUAOS_BUILD_SERVE=OFF")
  endif()
  if(LUAOS_BUILD_TESTS OR LUAOS_BUILD_BENCHMARKS)
    find_program(LUAOS_NATS_SERVER nats-server PATHS /usr/sbin /usr/local/sbin)
    if(NOT LUAOS_NATS_SERVER)
      message(FATAL_ERROR "nats-server not found: install Debian's 'nats-server' package (or run scripts/install-deps test or bench)")
    endif()
  endif()
endif()
