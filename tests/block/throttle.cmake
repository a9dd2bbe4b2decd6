# The throttle filter (runtime/block/throttle.c, throttle-bucket.c).
#
#   test_throttle_bucket  the bucket arithmetic on a fake clock; it compiles
#                         throttle-bucket.c itself, so it needs no block layer
#   test_throttle         the driver end to end: options, rates, bursts,
#                         sleeping waiters, IOThreads, insert/remove under I/O
set(THROTTLE_SRC ${PROJECT_SOURCE_DIR}/runtime/block)

if(EXISTS ${THROTTLE_SRC}/throttle-bucket.c)
  blkcheck_add_unit_test(test_throttle_bucket
    SOURCES test_throttle_bucket.c ${THROTTLE_SRC}/throttle-bucket.c
    LIBS mqblk_util
    LABELS tsan)
  target_compile_definitions(test_throttle_bucket PRIVATE _GNU_SOURCE)
  target_include_directories(test_throttle_bucket PRIVATE ${THROTTLE_SRC})
endif()

if(EXISTS ${THROTTLE_SRC}/throttle.c AND EXISTS ${THROTTLE_SRC}/block.c)
  blkcheck_add_unit_test(test_throttle
    SOURCES test_throttle.c memtest-driver.c
    LIBS mqblk_block mqblk_util
    LABELS tsan)
  target_compile_definitions(test_throttle PRIVATE _GNU_SOURCE)
  target_include_directories(test_throttle PRIVATE
    ${PROJECT_SOURCE_DIR}/tests/runtime ${THROTTLE_SRC})
endif()
