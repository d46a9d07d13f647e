# Instrumentation for every target of the build: sanitizers and libFuzzer.
#
#   -DLUAOS_SANITIZE=address,undefined   ASan + UBSan on the library, the CLI
#                                        and the tests (g++ or clang++); any
#                                        UBSan finding aborts, like an ASan one
#   -DLUAOS_BUILD_FUZZERS=ON             the libFuzzer targets in fuzz/, with
#                                        clang++ only; implies address,undefined
#                                        unless LUAOS_SANITIZE says otherwise
#
# Debian's Lua library is not instrumented: memory errors inside Lua itself go
# unseen, but every call into it from our code is checked, and ASan follows
# Lua's error longjmps. Included from the top CMakeLists.txt before any target
# is made, so the flags reach every target of every directory.

set(luaos_sanitizers "${LUAOS_SANITIZE}")
if(LUAOS_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LUAOS_BUILD_FUZZERS needs clang++ (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
      "configure a separate build with -DCMAKE_CXX_COMPILER=clang++ (Debian's 'clang' and "
      "'libclang-rt-14-dev' packages, or run scripts/install-deps test)")
  endif()
  if(luaos_sanitizers STREQUAL "")
    set(luaos_sanitizers "address,undefined")
  endif()
endif()

if(NOT luaos_sanitizers STREQUAL "")
  set(luaos_sanitizer_flags "-fsanitize=${luaos_sanitizers}" -fno-omit-frame-pointer)
  if(luaos_sanitizers MATCHES "(^|,)undefined(,|$)")
    list(APPEND luaos_sanitizer_flags -fno-sanitize-recover=undefined)
  endif()
  # g++'s manual: "sanitizers tend to increase the rate of false positive
  # warnings, most notably those around -Wmaybe-uninitialized"; g++ 12 reports
  # them inside libstdc++'s <regex> (used by the CLI tests), which would stop a
  # LUAOS_WERROR build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND luaos_sanitizer_flags -Wno-maybe-uninitialized)
  endif()

  # A compiler without the sanitizer's runtime fails here, not at the first link.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=${luaos_sanitizers}")
  set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=${luaos_sanitizers}")
  set(CMAKE_REQUIRED_QUIET ON)
  string(MAKE_C_IDENTIFIER "LUAOS_CAN_LINK_${luaos_sanitizers}" luaos_check)  # one check per list
  check_cxx_source_compiles("int main() { return 0; }" ${luaos_check})
  if(NOT ${luaos_check})
    message(FATAL_ERROR "${CMAKE_CXX_COMPILER} cannot build with -fsanitize=${luaos_sanitizers} "
      "(LUAOS_SANITIZE): check the list, and that the compiler's sanitizer runtime is installed "
      "(clang++: Debian's 'libclang-rt-14-dev'); delete the build directory after fixing it")
  endif()
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  unset(CMAKE_REQUIRED_QUIET)

  add_compile_options(${luaos_sanitizer_flags})
  add_link_options("-fsanitize=${luaos_sanitizers}")
  message(STATUS "luaos: sanitizers ${luaos_sanitizers}")

  # An instrumented libluaos.a needs the sanitizers' runtimes in whatever links
  # it: the installed package hands the link flag on to its users (the install
  # test builds examples/embed that way). Deferred to the end of this directory,
  # where the luaos target exists.
  function(luaos_sanitizers_export)
    if(TARGET luaos)
      target_link_options(luaos INTERFACE "-fsanitize=${luaos_sanitizers}")
    endif()
  endfunction()
  cmake_language(DEFER CALL luaos_sanitizers_export)
endif()

if(LUAOS_BUILD_FUZZERS)
  # Coverage feedback from the library too, not just from the fuzz target:
  # the targets in fuzz/ add -fsanitize=fuzzer, which brings libFuzzer's main.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer")
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_compiles([=[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
  ]=] LUAOS_LIBFUZZER_LINKS)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  unset(CMAKE_REQUIRED_QUIET)
  if(NOT LUAOS_LIBFUZZER_LINKS)
    message(FATAL_ERROR "${CMAKE_CXX_COMPILER} cannot link a libFuzzer target (-fsanitize=fuzzer): "
      "install Debian's 'libclang-rt-14-dev' package (or run scripts/install-deps test), "
      "then delete the build directory")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
