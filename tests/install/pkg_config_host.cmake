# cmake -DLUAOS_BUILD_DIR=... -DSOURCE=<pkg_config_host.cpp> -DWORK_DIR=... -DCXX_COMPILER=...
#       -DVERSION=<PROJECT_VERSION> [-DCONFIG=...] -P pkg_config_host.cmake
# Installs the luaos build, moves the installed tree (luaos.pc must be
# relocatable), then builds a tiny host with the compiler and pkg-config
# alone, no CMake package, runs it and checks what it prints.
include("${CMAKE_CURRENT_LIST_DIR}/install_steps.cmake")
require_arguments(pkg_config_host.cmake LUAOS_BUILD_DIR SOURCE WORK_DIR CXX_COMPILER VERSION)
install_relocated("${LUAOS_BUILD_DIR}" "${WORK_DIR}" "${CONFIG}" prefix stage)
file(GLOB pc_file "${prefix}/lib*/pkgconfig/luaos.pc")
if(NOT pc_file)
  message(FATAL_ERROR "the install has no lib*/pkgconfig/luaos.pc")
endif()
file(READ "${pc_file}" pc_text)
foreach(tree "${LUAOS_BUILD_DIR}" "${stage}")
  string(FIND "${pc_text}" "${tree}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${pc_file} names ${tree}: it must not point into a build")
  endif()
endforeach()
get_filename_component(pc_dir "${pc_file}" DIRECTORY)

set(pkg_config "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pc_dir}" pkg-config)
step("pkg-config --modversion luaos" version ${pkg_config} --modversion luaos)
string(STRIP "${version}" version)
if(NOT version STREQUAL VERSION)
  message(FATAL_ERROR "luaos.pc says version '${version}', the project ${VERSION}")
endif()
step("pkg-config --cflags --libs luaos" flags ${pkg_config} --cflags --libs luaos)
string(STRIP "${flags}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
step("compiling the host" out
  "${CXX_COMPILER}" -std=c++20 -Wall -Wextra -Werror "${SOURCE}" ${flags} -o "${WORK_DIR}/host")
step("running the host" out "${WORK_DIR}/host")
if(NOT out STREQUAL "hello from Lua 5.4\nticks 1\n")
  message(FATAL_ERROR "the host printed:\n${out}")
endif()
message(STATUS "a host built with pkg-config alone (${flags}) ran")
