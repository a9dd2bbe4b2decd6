static int helper(void) { return 2; }
int entry_b(void) { return helper(); }
