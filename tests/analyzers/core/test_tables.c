/*
 * test_tables.c - the shared tables of core: FNV-1a, the string map, the
 * index set (growth past many rehashes, lookups after clear)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "hash.h"
#include "index-set.h"
#include "strmap.h"

static void fnv1a_known_values(void **state)
{
    (void)state;
    /* Published FNV-1a 64 test vectors. */
    assert_true(bc_fnv1a_str(BC_FNV1A_BASIS, "") == UINT64_C(0xcbf29ce484222325));
    assert_true(bc_fnv1a_str(BC_FNV1A_BASIS, "a") == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(bc_fnv1a_str(BC_FNV1A_BASIS, "foobar") == UINT64_C(0x85944171f73967e8));
    assert_true(bc_fnv1a(BC_FNV1A_BASIS, "foobar", 6) ==
                bc_fnv1a(bc_fnv1a(BC_FNV1A_BASIS, "foo", 3), "bar", 3));
}

/* Any change inside one 8-byte word changes the word hash; the mix spreads
 * keys that differ only in high bytes over the low (index) bits. */
static void hash_words_single_changes(void **state)
{
    unsigned char buf[37];
    (void)state;
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (unsigned char)(i * 7 + 1);
    }
    uint64_t h0 = bc_hash_words(BC_FNV1A_BASIS, buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (unsigned char)(1u << bit);
            assert_true(bc_hash_words(BC_FNV1A_BASIS, buf, sizeof(buf)) != h0);
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    /* "key0....A" .. "key0....Z": the 8th byte differs; low 8 bits spread */
    unsigned seen = 0;
    char key[] = "c:@F@fooX";
    for (char c = 'A'; c <= 'Z'; c++) {
        key[8] = c;
        seen |= 1u << (bc_hash_str(key) & 31);
    }
    assert_true(__builtin_popcount(seen) > 12);
}

static void strmap_many_keys(void **state)
{
    enum { N = 5000 };
    static char keys[N][16];
    BcStrMap *m = bc_strmap_new();
    (void)state;
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "c:@F@f%d", i);
        bc_strmap_put(m, keys[i], i * 3);
    }
    for (int i = 0; i < N; i++) {
        char probe[16];
        snprintf(probe, sizeof(probe), "c:@F@f%d", i);   /* another pointer */
        assert_int_equal(bc_strmap_get(m, probe), i * 3);
    }
    assert_int_equal(bc_strmap_get(m, "c:@F@nope"), -1);
    bc_strmap_put(m, keys[7], 1);                          /* overwrite */
    assert_int_equal(bc_strmap_get(m, "c:@F@f7"), 1);
    bc_strmap_free(m);
}

/* Records: ints, equal when equal mod 1000 (hash agrees). */
static uint64_t rec_hash(const void *r, uint32_t i)
{
    return (uint64_t)(((const int *)r)[i] % 1000) * 0x9e3779b97f4a7c15ull;
}

static bool rec_equal(const void *r, uint32_t i, const void *c)
{
    return ((const int *)r)[i] % 1000 == *(const int *)c % 1000;
}

static const BcIndexSetOps rec_ops = { rec_hash, rec_equal };

static void index_set_dedup_grow_clear(void **state)
{
    static int recs[3000];
    BcIndexSet s;
    uint32_t n = 0;
    (void)state;
    bc_index_set_init(&s, &rec_ops);
    for (int v = 0; v < 3000; v++) {
        uint64_t h = (uint64_t)(v % 1000) * 0x9e3779b97f4a7c15ull;
        if (!bc_index_set_contains(&s, recs, h, &v)) {
            recs[n] = v;
            bc_index_set_add(&s, recs, n++, h);
        }
    }
    assert_int_equal(n, 1000);                  /* 1000..2999 were duplicates */
    assert_int_equal(s.n, 1000);
    bc_index_set_clear(&s);
    int probe = 5;
    assert_false(bc_index_set_contains(&s, recs, rec_hash(recs, 5), &probe));
    bc_index_set_add(&s, recs, 5, rec_hash(recs, 5));
    assert_true(bc_index_set_contains(&s, recs, rec_hash(recs, 5), &probe));
    bc_index_set_destroy(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fnv1a_known_values),
        cmocka_unit_test(hash_words_single_changes),
        cmocka_unit_test(strmap_many_keys),
        cmocka_unit_test(index_set_dedup_grow_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
