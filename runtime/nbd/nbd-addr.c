/*
 * nbd-addr.c - HOST:PORT splitting (nbd/nbd-addr.h)
 */
#include <string.h>

#include "nbd/nbd-addr.h"

bool nbd_split_host_port(const char *addr, char *host, size_t host_len,
                         const char **port)
{
    const char *colon = strrchr(addr, ':');
    const char *h = addr;
    size_t len;

    if (!colon || !colon[1]) {
        return false;
    }
    len = (size_t)(colon - addr);
    if (addr[0] == '[') {
        if (len < 2 || addr[len - 1] != ']') {
            return false;
        }
        h++;
        len -= 2;
    }
    if (len >= host_len) {
        return false;
    }
    memcpy(host, h, len);
    host[len] = '\0';
    *port = colon + 1;
    return true;
}
