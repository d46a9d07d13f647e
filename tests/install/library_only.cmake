# cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCXX_COMPILER=... [-DLAUNCHER=...] -P library_only.cmake
# Configures, builds and installs the library alone (-DLUAOS_BUILD_CLI=OFF
# -DLUAOS_BUILD_TESTS=OFF) with CLI11, nlohmann-json and GoogleTest made
# impossible to find: the library must need none of them. (A Debug build:
# the point is what it needs, not how fast it runs.)
include("${CMAKE_CURRENT_LIST_DIR}/install_steps.cmake")
require_arguments(library_only.cmake SOURCE_DIR WORK_DIR CXX_COMPILER)
file(REMOVE_RECURSE "${WORK_DIR}")

set(launcher_args)
if(LAUNCHER)
  set(launcher_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
step("configuring the library alone" out
  "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -DCMAKE_BUILD_TYPE=Debug
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" ${launcher_args}
  -DLUAOS_BUILD_CLI=OFF -DLUAOS_BUILD_TESTS=OFF
  -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
step("building the library alone" out "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --parallel 2)
step("installing the library alone" out "${CMAKE_COMMAND}" --install "${WORK_DIR}/build" --prefix "${WORK_DIR}/prefix")
file(GLOB library "${WORK_DIR}/prefix/lib*/libluaos.a")
file(GLOB pc_file "${WORK_DIR}/prefix/lib*/pkgconfig/luaos.pc")
if(NOT library OR NOT pc_file OR NOT EXISTS "${WORK_DIR}/prefix/include/luaos/luaos.hpp")
  message(FATAL_ERROR "the library-only install lacks the library, luaos.pc or the headers")
endif()
if(EXISTS "${WORK_DIR}/prefix/bin/luaos")
  message(FATAL_ERROR "LUAOS_BUILD_CLI=OFF installed the CLI")
endif()
message(STATUS "the library alone configured, built and installed without CLI11, nlohmann-json or GoogleTest")
