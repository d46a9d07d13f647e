# cmake -DLUAOS_BUILD_DIR=... -DLUAOS_SOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=...
#       -DCXX_COMPILER=... [-DCONFIG=...] -P embed_example.cmake
# Installs the luaos build in LUAOS_BUILD_DIR, moves the installed tree (the
# package must be relocatable), builds examples/embed against it through
# find_package(luaos) with strict warnings, runs it and checks what it prints.

include("${CMAKE_CURRENT_LIST_DIR}/install_steps.cmake")
require_arguments(embed_example.cmake LUAOS_BUILD_DIR LUAOS_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
set(build "${WORK_DIR}/build")
install_relocated("${LUAOS_BUILD_DIR}" "${WORK_DIR}" "${CONFIG}" prefix stage)
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()

file(GLOB config_file "${prefix}/lib*/cmake/luaos/luaosConfig.cmake")
file(GLOB version_file "${prefix}/lib*/cmake/luaos/luaosConfigVersion.cmake")
file(GLOB library "${prefix}/lib*/libluaos.a")
foreach(installed config_file version_file library)
  if(NOT ${installed})
    message(FATAL_ERROR "the install has no ${installed}:\n${out}")
  endif()
endforeach()
foreach(installed bin/luaos include/luaos/luaos.hpp include/luaos/cluster.hpp share/doc/luaos/LICENSE)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "the install has no ${installed}:\n${out}")
  endif()
endforeach()
file(GLOB package_files "${prefix}/lib*/cmake/luaos/*.cmake")
foreach(file IN LISTS package_files)
  file(READ "${file}" text)
  foreach(tree "${LUAOS_SOURCE_DIR}" "${LUAOS_BUILD_DIR}" "${stage}")
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} names ${tree}: the installed package must not point into a build")
    endif()
  endforeach()
endforeach()

step("configuring examples/embed" out
  "${CMAKE_COMMAND}" -S "${LUAOS_SOURCE_DIR}/examples/embed" -B "${build}"
  -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror")
file(STRINGS "${build}/CMakeCache.txt" found_dir REGEX "^luaos_DIR:")
file(GLOB expected_dir "${prefix}/lib*/cmake/luaos")
if(NOT found_dir MATCHES "=${expected_dir}$")
  message(FATAL_ERROR "find_package(luaos) took a package other than the one just installed: "
    "${found_dir} (expected ${expected_dir})")
endif()

step("building examples/embed" out
  "${CMAKE_COMMAND}" --build "${build}" ${config_args})

if(CONFIG AND EXISTS "${build}/${CONFIG}/embed")
  set(embed "${build}/${CONFIG}/embed")
else()
  set(embed "${build}/embed")
endif()
step("running examples/embed" out "${embed}")

# Each step of either loop spans several slices, so the two processes' prints
# alternate, and the run takes more ticks than the loops have steps.
set(expected [=[pid 1: ping 1
pid 2: pong 1
pid 1: ping 2
pid 2: pong 2
pid 1: ping 3
pid 2: pong 3
pid 1 finished
pid 2 finished
done after ([0-9]+) ticks
$]=])
if(NOT out MATCHES "^${expected}" OR CMAKE_MATCH_1 LESS_EQUAL 3)
  message(FATAL_ERROR "examples/embed printed:\n${out}\nexpected (N > 3):\n${expected}")
endif()
message(STATUS "examples/embed built against the installed package and printed:\n${out}")
