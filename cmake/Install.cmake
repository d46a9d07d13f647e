# `cmake --install` lays out the library, its public headers, the `luaos` CLI
# and a CMake package, so that another project can write
#     find_package(luaos CONFIG REQUIRED)
#     target_link_libraries(app PRIVATE luaos::luaos)
# (examples/embed does exactly that; tests/install checks it end to end).

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
install(TARGETS luaos_cli
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
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
