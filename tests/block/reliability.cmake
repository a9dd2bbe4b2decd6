# Reliability of the block layer as a whole (graph, request layer, null and
# file drivers, throttle filter):
#   test_block_stress     verified random I/O from IOThreads while the main
#                         loop inserts/removes a filter, drains, flushes and
#                         issues barriers (BLKCHECK_STRESS_SECONDS=N: N s per
#                         variant instead of the short default)
#   test_block_crash      SIGKILL a writer process, check that every write
#                         acknowledged before a completed flush is intact
#   test_block_badinput   malformed requests and option strings: errors,
#                         never aborts, nothing lost
# Driver variants whose source is missing, or whose back end the kernel
# refuses (io_uring), are skipped at run time with a message.
if(EXISTS ${PROJECT_SOURCE_DIR}/runtime/block/block.c)
  foreach(t stress crash badinput)
    set(extra)
    if(NOT t STREQUAL "crash")
      set(extra memtest-driver.c)
    endif()
    blkcheck_add_unit_test(test_block_${t}
      SOURCES test_block_${t}.c ${extra}
      LIBS mqblk_block mqblk_util
      LABELS tsan)
    target_compile_definitions(test_block_${t} PRIVATE _GNU_SOURCE)
    target_include_directories(test_block_${t} PRIVATE
      ${PROJECT_SOURCE_DIR}/tests/runtime)
    set_tests_properties(test_block_${t} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endif()
