# The generic request layer and the BlockBackend (runtime/block/io.c,
# block-backend.c) on the RAM-backed memtest driver.
if(EXISTS ${PROJECT_SOURCE_DIR}/runtime/block/block.c)
  blkcheck_add_unit_test(test_block_io
    SOURCES test_block_io.c memtest-driver.c
    LIBS mqblk_block mqblk_util
    LABELS tsan)
  target_compile_definitions(test_block_io PRIVATE _GNU_SOURCE)
  target_include_directories(test_block_io PRIVATE ${PROJECT_SOURCE_DIR}/tests/runtime)
endif()
