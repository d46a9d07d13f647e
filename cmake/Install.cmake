# `cmake --install` lays out the library, its public headers, the `luaos` CLI
# (unless LUAOS_BUILD_CLI is off), a CMake package and a pkg-config file, so
# that another project can write
#     find_package(luaos CONFIG REQUIRED)
#     target_link_libraries(app PRIVATE luaos::luaos)
# (examples/embed does exactly that; tests/install checks it end to end), or
#     c++ -std=c++20 app.cpp $(pkg-config --cflags --libs luaos)
# (tests/install/pkg_config_host.cmake).

include(CMakePackageConfigHelpers)

set(LUAOS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/luaos" CACHE STRING
  "Where the luaos CMake package files are installed, relative to the prefix")
mark_as_advanced(LUAOS_INSTALL_CMAKEDIR)

# The public headers use C++20 (a defaulted operator==): state it on the target
# so that the installed package hands the requirement on to its users.
target_compile_features(luaos PUBLIC cxx_std_20)

# luaos_warnings is linked as $<BUILD_INTERFACE:...>, so it stays out of the
# export; the include directory comes from the target's $<INSTALL_INTERFACE:...>.
install(TARGETS luaos
  EXPORT luaosTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/luaos
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT Development
  FILES_MATCHING PATTERN "*.hpp")
if(TARGET luaos_cli)
  install(TARGETS luaos_cli
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/CHANGELOG.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR}
  COMPONENT Development)

install(EXPORT luaosTargets
  FILE luaosTargets.cmake
  NAMESPACE luaos::
  DESTINATION ${LUAOS_INSTALL_CMAKEDIR}
  COMPONENT Development)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/luaosConfig.cmake.in
  ${PROJECT_BINARY_DIR}/luaosConfig.cmake
  INSTALL_DESTINATION ${LUAOS_INSTALL_CMAKEDIR})
# 0.x: a minor release may break the API, so only the same minor version matches.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/luaosConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/luaosConfig.cmake
  ${PROJECT_BINARY_DIR}/luaosConfigVersion.cmake
  DESTINATION ${LUAOS_INSTALL_CMAKEDIR}
  COMPONENT Development)

# luaos.pc, relocatable: its prefix is found from where the file lies.
set(LUAOS_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
  "Where luaos.pc is installed, relative to the prefix")
mark_as_advanced(LUAOS_INSTALL_PKGCONFIGDIR)
file(RELATIVE_PATH LUAOS_PC_PREFIX_FROM_PCFILEDIR "/prefix/${LUAOS_INSTALL_PKGCONFIGDIR}" "/prefix")
# An instrumented library needs the sanitizers' runtimes wherever it is linked
# (cmake/Sanitizers.cmake hands the same flag to the CMake package's users).
set(LUAOS_PC_EXTRA_LIBS "")
if(NOT luaos_sanitizers STREQUAL "")
  set(LUAOS_PC_EXTRA_LIBS " -fsanitize=${luaos_sanitizers}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/luaos.pc.in ${PROJECT_BINARY_DIR}/luaos.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/luaos.pc
  DESTINATION ${LUAOS_INSTALL_PKGCONFIGDIR}
  COMPONENT Development)
