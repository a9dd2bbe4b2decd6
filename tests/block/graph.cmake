# Block graph, option strings, opening nodes, the null driver
# (runtime/block/options.c, block.c, null.c).  Part of tests/block: every
# case carries the `tsan` label, so `make check` runs it under TSan and
# ASan+UBSan as well.
foreach(t options open graph)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_block_${t}.c)
    blkcheck_add_unit_test(test_block_${t}
      SOURCES test_block_${t}.c
      LIBS mqblk_block mqblk_util
      LABELS tsan)
    target_compile_definitions(test_block_${t} PRIVATE _GNU_SOURCE)
    target_include_directories(test_block_${t} PRIVATE
      ${PROJECT_SOURCE_DIR}/tests/runtime)
  endif()
endforeach()
