#!/bin/sh
# The query shell driven through a pipe: commands run in order, a bad query
# prints its error and the shell goes on, `quit` stops reading.
# usage: shell-pipe.sh BC-QUERY-DEMO
set -u
demo=$1
out=$(printf '%s\n' 'limit 1' 'paths coroutine_fn ... polling_fn' 'paths [' \
      'callers "aio_poll"' 'quit' 'labels .' |
      "$demo" --random 300 1500 3 shell 2>&1) || { echo "exit status $?"; exit 1; }
echo "$out"
fail=0
echo "$out" | grep -q -- '^fn_[0-9]* -> .*' || { echo "FAIL: no path"; fail=1; }
echo "$out" | grep -q 'error at column 2: expected a matcher' || { echo "FAIL: no error"; fail=1; }
echo "$out" | grep -q '^aio_poll (function): [0-9]* caller edge' || { echo "FAIL: callers"; fail=1; }
[ "$(echo "$out" | grep -c ' -> .*polling\|^fn_[0-9]* -> ')" -le 2 ] || { echo "FAIL: limit"; fail=1; }
echo "$out" | grep -q 'no labels\|(function): ' && ! echo "$out" | grep -q '^fn_00001 (function):' \
    || { echo "FAIL: ran after quit"; fail=1; }
exit $fail
