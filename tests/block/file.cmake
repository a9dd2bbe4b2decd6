# The file driver (runtime/block/file-posix.c and its back ends), for every
# back end, cached and O_DIRECT: through the driver's vtable
# (test_file_driver.c) and under the generic layer via blk_new_open()
# (test_file_blk.c).  Files live under /tmp; O_DIRECT cases skip when the
# file system refuses it.
foreach(t file_driver file_blk)
  blkcheck_add_unit_test(test_block_${t}
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_${t}.c
    LIBS mqblk_block mqblk_util
    LABELS tsan)
  target_compile_definitions(test_block_${t} PRIVATE _GNU_SOURCE)
  target_include_directories(test_block_${t} PRIVATE
    ${PROJECT_SOURCE_DIR}/tests/runtime)
endforeach()
