# FindLibClang: libclang's C API (clang-c/Index.h) from Debian's LLVM.
#
# Defines the imported target LibClang::LibClang and LIBCLANG_LLVM_VERSION.
# Prefers LLVM 14 (the default of DESIGN §2) and accepts newer ones; set
# LLVM_CONFIG to pick another installation.
set(_blkcheck_llvm_names llvm-config-14)
foreach(v RANGE 15 21)
  list(APPEND _blkcheck_llvm_names llvm-config-${v})
endforeach()
list(APPEND _blkcheck_llvm_names llvm-config)
find_program(LLVM_CONFIG NAMES ${_blkcheck_llvm_names})

if(LLVM_CONFIG)
  execute_process(COMMAND ${LLVM_CONFIG} --includedir
                  OUTPUT_VARIABLE _llvm_inc OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG} --libdir
                  OUTPUT_VARIABLE _llvm_lib OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG} --version
                  OUTPUT_VARIABLE LIBCLANG_LLVM_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG} --bindir
                  OUTPUT_VARIABLE LLVM_BINDIR OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

find_path(LIBCLANG_INCLUDE_DIR clang-c/Index.h HINTS ${_llvm_inc})
find_library(LIBCLANG_LIBRARY NAMES clang libclang HINTS ${_llvm_lib})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibClang
  REQUIRED_VARS LIBCLANG_LIBRARY LIBCLANG_INCLUDE_DIR
  VERSION_VAR LIBCLANG_LLVM_VERSION)

if(LibClang_FOUND AND NOT TARGET LibClang::LibClang)
  add_library(LibClang::LibClang UNKNOWN IMPORTED)
  set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LIBCLANG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBCLANG_INCLUDE_DIR}")
  # libclang needs clang's builtin headers (stddef.h, ...); tell the tools
  # where they are so they work when not installed beside the library.
  execute_process(COMMAND ${LLVM_BINDIR}/clang -print-resource-dir
                  OUTPUT_VARIABLE LIBCLANG_RESOURCE_DIR
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
mark_as_advanced(LIBCLANG_INCLUDE_DIR LIBCLANG_LIBRARY LLVM_CONFIG)
