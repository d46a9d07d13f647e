# cmake -DSOURCE_DIR=<the repository> -DVERSION=<PROJECT_VERSION> -P release_files.cmake
# Passes when the files a user of a release reads are there and agree: LICENSE
# is the MIT licence of the luaos authors, README.md says so, and CHANGELOG.md
# has a section for the version CMake's project() gives (the one `luaos
# --version`, the JSON report and the CMake package carry), and the README's
# first screen sets up with exactly scripts/demo and scripts/test.
foreach(var SOURCE_DIR VERSION)
  if(NOT ${var})
    message(FATAL_ERROR "release_files.cmake needs -D${var}=...")
  endif()
endforeach()

function(require_text file pattern why)
  if(NOT EXISTS "${SOURCE_DIR}/${file}")
    message(FATAL_ERROR "${file} is missing (${why})")
  endif()
  file(READ "${SOURCE_DIR}/${file}" text)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "${file} does not match '${pattern}' (${why})")
  endif()
endfunction()

require_text(LICENSE "^MIT License\n" "the licence is MIT, as Lua's")
require_text(LICENSE "Copyright \\(c\\) [0-9]+ the luaos authors" "the copyright holder")
require_text(LICENSE "THE SOFTWARE IS PROVIDED \"AS IS\"" "the MIT text in full")
require_text(README.md "MIT licence[^\n]*\\(LICENSE\\)" "README.md names the licence and links LICENSE")
string(REPLACE "." "\\." version_pattern "${VERSION}")
require_text(CHANGELOG.md "\n## ${version_pattern} " "a section for version ${VERSION}")

# The README's first screen sets up with exactly two commands.
file(READ "${SOURCE_DIR}/README.md" readme)
string(REGEX MATCH "```sh\n[^`]*```" first_block "${readme}")
if(NOT first_block MATCHES "^```sh\nscripts/demo [^\n]*\nscripts/test [^\n]*\n```$")
  message(FATAL_ERROR "README.md's first commands are not exactly scripts/demo and scripts/test:\n${first_block}")
endif()
message(STATUS "LICENSE, README.md and CHANGELOG.md agree with version ${VERSION}")
