# -DBLKCHECK_PLUGIN=ON: compile the runtime with the blkcheck clang plugin
# (docs/plugin.md), so its per-TU rules run as compiler diagnostics in the
# normal build; with BLKCHECK_WERROR=ON (make check) a finding fails it.
#
# The plugin is built by analyzers/plugin/ whenever clang's CMake package is
# found and the tree is not a sanitizer build (a sanitized .so cannot be
# loaded into clang).  It can only be loaded by the clang it was built for,
# so this needs CMAKE_C_COMPILER to be that clang.

# Every target defined in @dir and its subdirectories.
function(blkcheck_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    blkcheck_targets_below(${sub} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Load the plugin in every C compile of the targets below @dir; the
# objects depend on the plugin file.
function(blkcheck_use_plugin dir)
  if(NOT TARGET blkcheck-plugin)
    message(FATAL_ERROR "BLKCHECK_PLUGIN=ON, but the plugin is not built here "
      "(no clang CMake package, or a sanitizer build)")
  endif()
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang" OR
     NOT CMAKE_C_COMPILER_VERSION VERSION_EQUAL BLKCHECK_PLUGIN_CLANG_VERSION)
    message(FATAL_ERROR "BLKCHECK_PLUGIN=ON needs the C compiler to be clang "
      "${BLKCHECK_PLUGIN_CLANG_VERSION} (the plugin's), not "
      "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}")
  endif()
  blkcheck_targets_below(${dir} targets)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      target_compile_options(${t} PRIVATE
        "$<$<COMPILE_LANGUAGE:C>:-fplugin=$<TARGET_FILE:blkcheck-plugin>>")
      # A file dependency of every object, not add_dependencies(): Ninja
      # lets objects compile before their target's library dependencies
      # link, and the objects must be rebuilt when the plugin changes.
      get_target_property(srcs ${t} SOURCES)
      get_target_property(sdir ${t} SOURCE_DIR)
      set(abs_srcs)
      foreach(src ${srcs})
        if(NOT IS_ABSOLUTE "${src}")
          set(src "${sdir}/${src}")
        endif()
        list(APPEND abs_srcs "${src}")
      endforeach()
      set_property(SOURCE ${abs_srcs} TARGET_DIRECTORY ${t} APPEND PROPERTY
        OBJECT_DEPENDS ${BLKCHECK_PLUGIN_FILE})
    endif()
  endforeach()
endfunction()
