/*
 * nbd/nbd-negotiate.h - the server side of NBD fixed-newstyle negotiation
 *
 * A state machine without I/O: the connection reads the client's flags and
 * then one option at a time (header, then at most NBD_MAX_OPTION_LENGTH
 * bytes of data) and hands each to nbd_negotiate_option(), which appends
 * the bytes to send to n->out and says what happens next.  Everything the
 * client controls is checked here, so the fuzzer drives this module with
 * arbitrary bytes.
 *
 * Options: EXPORT_NAME, ABORT, LIST, INFO, GO, STRUCTURED_REPLY,
 * LIST_META_CONTEXT and SET_META_CONTEXT (base:allocation only).  STARTTLS
 * is refused with NBD_REP_ERR_UNSUP and a message; anything else unknown
 * gets NBD_REP_ERR_UNSUP.  Block sizes are sent when the client asks for
 * NBD_INFO_BLOCK_SIZE; the server accepts unaligned requests anyway (the
 * block layer aligns them), so it never answers NBD_REP_ERR_BLOCK_SIZE_REQD.
 *
 * Context: any thread; one NBDNegotiation belongs to one connection.
 */
#ifndef NBD_NBD_NEGOTIATE_H
#define NBD_NBD_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest option data the server reads; longer: the connection closes. */
#define NBD_MAX_OPTION_LENGTH   (64 * 1024)

/* The id of base:allocation in NBD_REPLY_TYPE_BLOCK_STATUS chunks. */
#define NBD_META_ID_BASE_ALLOCATION 1

/* One export as the negotiation sees it. */
typedef struct NBDExportInfo {
    const char *name;
    uint64_t size;
    uint16_t tx_flags;          /* NBD_FLAG_* transmission flags */
    uint32_t min_block, pref_block, max_block;
    void *opaque;               /* the server's export object */
} NBDExportInfo;

/* A growable output buffer. */
typedef struct NBDBuffer {
    uint8_t *data;
    size_t len, cap;
} NBDBuffer;

typedef enum NBDNegotiateStep {
    NBD_NEGOTIATE_CONTINUE,     /* send n->out, read the next option */
    NBD_NEGOTIATE_CLOSE,        /* send n->out, then close */
    NBD_NEGOTIATE_TRANSMIT,     /* send n->out, then serve n->export */
} NBDNegotiateStep;

typedef struct NBDNegotiation {
    const NBDExportInfo *exports;
    size_t n_exports;
    NBDBuffer out;
    bool no_zeroes;             /* client set NBD_FLAG_NO_ZEROES */
    bool structured;            /* STRUCTURED_REPLY acknowledged */
    /* SET_META_CONTEXT selected base:allocation for this export */
    const NBDExportInfo *meta_export;
    /* after NBD_NEGOTIATE_TRANSMIT: the export and whether base:allocation
     * applies to it */
    const NBDExportInfo *export;
    bool meta_context;
} NBDNegotiation;

/* Start a negotiation over @exports (borrowed for its lifetime). */
void nbd_negotiate_init(NBDNegotiation *n, const NBDExportInfo *exports,
                        size_t n_exports);
void nbd_negotiate_cleanup(NBDNegotiation *n);

/* Append the server greeting (magic, IHAVEOPT, handshake flags) to n->out. */
void nbd_negotiate_greeting(NBDNegotiation *n);

/* The client's 4 flag bytes.  Returns: CONTINUE or CLOSE (unknown flags or
 * no FIXED_NEWSTYLE). */
NBDNegotiateStep nbd_negotiate_client_flags(NBDNegotiation *n,
                                            const uint8_t *buf);

/* Decode an option header (NBD_OPTION_HEADER_SIZE bytes).  Returns: false
 * for a bad magic or data longer than NBD_MAX_OPTION_LENGTH (close). */
bool nbd_option_header_decode(const uint8_t *buf, uint32_t *option,
                              uint32_t *length);

/* Handle option @option with its @length bytes of @data. */
NBDNegotiateStep nbd_negotiate_option(NBDNegotiation *n, uint32_t option,
                                      const uint8_t *data, uint32_t length);

#endif /* NBD_NBD_NEGOTIATE_H */
