# The engine's layers, each a CMake target of its own (docs/architecture.md):
#
#     cluster -> net -> kernel -> runtime -> dialect -> store
#
# The store (VMs' files, src/store) is the lowest: the kernel's fs library
# uses it, and it uses nothing of the engine, which its place proves.
#
# Dependencies point downwards only. Each layer compiles against an include
# root of its own, in the build tree, that holds its own folder of src/, the
# folders of the layers below it, and the public headers (include/luaos/)
# that belong to those layers, all as symbolic links: a header of a higher
# layer is simply not there, so an upward #include fails to compile
# (tests/layers proves it). The installed library, `luaos` (luaos::luaos), is
# the layers' objects together: what a host links.

set(LUAOS_LAYERS store dialect runtime kernel net cluster)
# What each layer adds to the ones below it: its folder of src/, and its
# public headers.
set(luaos_layer_store_headers file_store.hpp file_limits.hpp)
set(luaos_layer_dialect_headers dialect.hpp)
set(luaos_layer_runtime_headers runtime.hpp memory.hpp detail/runtime_allocator.hpp detail/pointer_vector.hpp detail/task.hpp)
set(luaos_layer_kernel_headers process.hpp os.hpp stats.hpp observer.hpp usage_counters.hpp kernel_options.hpp
  vm_handle.hpp host_value.hpp host_functions.hpp)
set(luaos_layer_net_headers net_address.hpp net_limits.hpp net_policy.hpp net_remote.hpp)
set(luaos_layer_cluster_headers vm.hpp cluster.hpp uuid.hpp network.hpp vm_lifetime.hpp luaos.hpp)

# Every public header belongs to exactly one layer: a new one must be placed.
file(GLOB_RECURSE luaos_public_headers RELATIVE ${PROJECT_SOURCE_DIR}/include/luaos
  ${PROJECT_SOURCE_DIR}/include/luaos/*.hpp)
foreach(header IN LISTS luaos_public_headers)
  set(placed FALSE)
  foreach(layer IN LISTS LUAOS_LAYERS)
    if(header IN_LIST luaos_layer_${layer}_headers)
      set(placed TRUE)
    endif()
  endforeach()
  if(NOT placed)
    message(FATAL_ERROR "include/luaos/${header} belongs to no layer: add it to one in cmake/Layers.cmake")
  endif()
endforeach()

# Builds the include root of each layer: build/layers/<layer>/.
set(below_dirs "")
set(below_headers "")
foreach(layer IN LISTS LUAOS_LAYERS)
  list(APPEND below_dirs ${layer})
  list(APPEND below_headers ${luaos_layer_${layer}_headers})
  set(root "${PROJECT_BINARY_DIR}/layers/${layer}")
  file(REMOVE_RECURSE "${root}")
  file(MAKE_DIRECTORY "${root}/luaos/detail")
  foreach(dir IN LISTS below_dirs)
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/src/${dir}" "${root}/${dir}" SYMBOLIC)
  endforeach()
  foreach(header IN LISTS below_headers)
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/include/luaos/${header}" "${root}/luaos/${header}" SYMBOLIC)
  endforeach()
  set(LUAOS_LAYER_${layer}_INCLUDE_ROOT "${root}")
endforeach()

# luaos_layer(<layer> <sources>...): the layer's object library, luaos_<layer>.
function(luaos_layer layer)
  add_library(luaos_${layer} OBJECT ${ARGN})
  target_include_directories(luaos_${layer} PRIVATE ${LUAOS_LAYER_${layer}_INCLUDE_ROOT})
  target_link_libraries(luaos_${layer} PRIVATE PkgConfig::LUA Threads::Threads luaos_warnings)
  set_target_properties(luaos_${layer} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
