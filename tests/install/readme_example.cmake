# cmake -DREADME=<README.md> -DEXAMPLE=<main.cpp> -P readme_example.cmake
# Passes when README.md holds EXAMPLE's whole text, verbatim, as a ```cpp block.
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "```cpp\n${example}```\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} does not show ${EXAMPLE} verbatim in a ```cpp block: "
    "paste the file's text between a line \"```cpp\" and a line \"```\"")
endif()
message(STATUS "README.md shows ${EXAMPLE} verbatim")
