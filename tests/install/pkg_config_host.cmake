# cmake -DLUAOS_BUILD_DIR=... -DSOURCE=<pkg_config_host.cpp> -DWORK_DIR=... -DCXX_COMPILER=...
#       -DVERSION=<PROJECT_VERSION> [-DCONFIG=...] -P pkg_config_host.cmake
# Installs the luaos build, moves the installed tree (luaos.pc must be
# relocatable), then builds a tiny host with the compiler and pkg-config
# alone, no CMake package, runs it and checks what it prints.
foreach(var LUAOS_BUILD_DIR SOURCE WORK_DIR CXX_COMPILER VERSION)
  if(NOT ${var})
    message(FATAL_ERROR "pkg_config_host.cmake needs -D${var}=...")
  endif()
endforeach()

set(stage "${WORK_DIR}/stage")
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()

function(step what output_var)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${what} failed (${result}):\n${ARGN}\n${output}${error}")
  endif()
  string(STRIP "${output}" output)
  set(${output_var} "${output}" PARENT_SCOPE)
endfunction()

step("cmake --install" out "${CMAKE_COMMAND}" --install "${LUAOS_BUILD_DIR}" --prefix "${stage}" ${config_args})
file(RENAME "${stage}" "${prefix}")
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
if(NOT version STREQUAL VERSION)
  message(FATAL_ERROR "luaos.pc says version '${version}', the project ${VERSION}")
endif()
step("pkg-config --cflags --libs luaos" flags ${pkg_config} --cflags --libs luaos)
separate_arguments(flags UNIX_COMMAND "${flags}")
step("compiling the host" out
  "${CXX_COMPILER}" -std=c++20 -Wall -Wextra -Werror "${SOURCE}" ${flags} -o "${WORK_DIR}/host")
step("running the host" out "${WORK_DIR}/host")
if(NOT out STREQUAL "hello from Lua 5.4\nticks 1")
  message(FATAL_ERROR "the host printed:\n${out}")
endif()
message(STATUS "a host built with pkg-config alone (${flags}) ran")
