static int helper(void) { return 1; }
int entry_a(void) { return helper(); }
