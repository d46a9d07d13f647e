# What the install tests (cmake -P scripts) share: checking their -D
# arguments, running a step that stops the test when it fails, and installing
# a luaos build into a prefix that is then moved (the install must be
# relocatable).

# Stops with a message unless every named variable is set.
function(require_arguments script)
  foreach(var ${ARGN})
    if(NOT ${var})
      message(FATAL_ERROR "${script} needs -D${var}=...")
    endif()
  endforeach()
endfunction()

# Runs a command; stops the test with its output if it fails. `output_var`
# gets its stdout and stderr.
function(step what output_var)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${what} failed (${result}):\n${ARGN}\n${output}")
  endif()
  set(${output_var} "${output}" PARENT_SCOPE)
endfunction()

# Empties `work_dir`, installs the build in `build_dir` (configuration
# `config`, may be empty) into work_dir/stage, then moves it to
# work_dir/prefix; sets `prefix_var` to that, and `stage_var` to the stage
# path (which nothing installed may name).
function(install_relocated build_dir work_dir config prefix_var stage_var)
  file(REMOVE_RECURSE "${work_dir}")
  file(MAKE_DIRECTORY "${work_dir}")
  set(config_args)
  if(config)
    set(config_args --config "${config}")
  endif()
  step("cmake --install" out "${CMAKE_COMMAND}" --install "${build_dir}" --prefix "${work_dir}/stage" ${config_args})
  file(RENAME "${work_dir}/stage" "${work_dir}/prefix")
  set(${prefix_var} "${work_dir}/prefix" PARENT_SCOPE)
  set(${stage_var} "${work_dir}/stage" PARENT_SCOPE)
endfunction()
