#!/bin/sh
# drop-diags.sh COMMAND... - run COMMAND, keep its exit status, but delete
# every error/warning line from its output.  Used to prove that the negative
# annotation tests fail when the compiler stops reporting the diagnostic.
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out" | grep -v -E ': (error|warning): '
exit $status
