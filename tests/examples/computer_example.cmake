# examples/computer, restarted: the first run's shell writes a file, the
# second run (a new host process on the same store) boots the shell again
# from the VM's own files and reads that file back.
# usage: cmake -DCOMPUTER=... -DSHELL_DIR=... -DWORK_DIR=... -P computer_example.cmake

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(store ${WORK_DIR}/world.db)

execute_process(COMMAND ${COMPUTER} ${store} ${SHELL_DIR} "write note remembered across restarts" "ls /"
  RESULT_VARIABLE status OUTPUT_VARIABLE first ERROR_VARIABLE first_err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "first run failed (${status}): ${first_err}")
endif()
if(NOT first MATCHES "bin/\n" OR NOT first MATCHES "note\n")
  message(FATAL_ERROR "the first run's ls did not list bin/ and note:\n${first}")
endif()

execute_process(COMMAND ${COMPUTER} ${store} /nonexistent "cat note" "ls /bin"
  RESULT_VARIABLE status OUTPUT_VARIABLE second ERROR_VARIABLE second_err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "second run failed (${status}): ${second_err}")
endif()
if(NOT second MATCHES "remembered across restarts\n")
  message(FATAL_ERROR "the second run did not find the note the first wrote:\n${second}")
endif()
if(NOT second MATCHES "shell.lua\n")
  message(FATAL_ERROR "the second run's shell did not come back from /bin/shell.lua:\n${second}")
endif()
