/*
 * nbd/nbd-addr.h - the HOST:PORT form of an NBD TCP address
 *
 * Both ends name a TCP address as "HOST:PORT", with an IPv6 host in
 * brackets ("[::1]:10809"); an empty HOST means every address (a server)
 * or the local host (a client).  Pure string handling, any thread.
 */
#ifndef MQBLK_NBD_ADDR_H
#define MQBLK_NBD_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Split @addr into @host (NUL-terminated, brackets removed, at most
 * @host_len - 1 bytes) and @port (pointing into @addr).  Returns: false
 * when there is no port, a bracket is unmatched or the host is too long.
 */
bool nbd_split_host_port(const char *addr, char *host, size_t host_len,
                         const char **port);

#endif /* MQBLK_NBD_ADDR_H */
