/*
 * mqblkctl - send one command to mqblkd's control socket and print the
 * reply (docs/runtime/nbd.md, mqblkd-control.h).
 *
 *   mqblkctl /run/mqblkd.ctl insert-filter f0 driver=throttle,iops-total=500
 *   mqblkctl /run/mqblkd.ctl query-nodes
 *
 * The words after the socket path are joined with spaces into one line.
 * With "-" instead of a command, standard input is sent as it is (several
 * lines, or a partial or over-long one, for scripts and tests), the write
 * side is shut, and every reply line is printed until the daemon closes.
 * Exit status: 0 when every reply is "ok", 1 for an "error:" reply (or no
 * reply), 2 for bad usage or when the socket cannot be reached.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096

static int ctl_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "mqblkctl: socket path too long: %s\n", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "mqblkctl: connect to %s: %s\n", path,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* Join @argv[0..@argc) with spaces and a newline.  Returns: its length,
 * or 0 when it does not fit in @buf. */
static size_t build_line(char *buf, size_t size, int argc, char **argv)
{
    size_t len = 0;

    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);

        if (len + n + 2 > size) {
            return 0;
        }
        if (i) {
            buf[len++] = ' ';
        }
        memcpy(buf + len, argv[i], n);
        len += n;
    }
    buf[len++] = '\n';
    return len;
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Read up to the first newline into @buf (NUL-terminated, newline
 * dropped).  Returns: false when the connection ended first. */
static bool read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;

    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (buf[len] == '\n') {
            buf[len] = '\0';
            return true;
        }
        len++;
    }
    buf[len] = '\0';
    return false;
}

static bool reply_ok(const char *reply)
{
    return strncmp(reply, "ok", 2) == 0 && (reply[2] == '\0' || reply[2] == ' ');
}

/* mqblkctl SOCKET -: send stdin, print every reply.  Returns: exit status. */
static int run_stdin(int fd)
{
    static char buf[65536];
    size_t len;
    int replies = 0, ret = 0;

    while ((len = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        if (!write_all(fd, buf, len)) {
            break;              /* the daemon closed: print what it said */
        }
    }
    shutdown(fd, SHUT_WR);
    while (read_line(fd, buf, sizeof(buf))) {
        printf("%s\n", buf);
        replies++;
        ret |= !reply_ok(buf);
    }
    if (*buf) {
        printf("%s\n", buf);   /* a last line without its newline */
        ret = 1;
    }
    return replies ? ret : 1;
}

int main(int argc, char **argv)
{
    static char line[LINE_MAX_LEN], reply[65536];
    size_t len;
    int fd;

    if (argc < 3 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 3 ? stderr : stdout,
                "usage: mqblkctl SOCKET COMMAND [ARG]...\n"
                "       mqblkctl SOCKET -    (send standard input as it is)\n"
                "  commands: insert-filter NODE FILTER-OPTS, "
                "remove-filter NODE, query-nodes, quit\n"
                "  exit 0: ok, 1: error reply, 2: usage or connect failure\n");
        return argc < 3 ? 2 : 0;
    }
    if (argc == 3 && strcmp(argv[2], "-") == 0) {
        int ret;

        fd = ctl_connect(argv[1]);
        if (fd < 0) {
            return 2;
        }
        ret = run_stdin(fd);
        close(fd);
        return ret;
    }
    len = build_line(line, sizeof(line), argc - 2, argv + 2);
    if (!len) {
        fprintf(stderr, "mqblkctl: command longer than %d bytes\n",
                LINE_MAX_LEN - 1);
        return 2;
    }
    fd = ctl_connect(argv[1]);
    if (fd < 0) {
        return 2;
    }
    if (!write_all(fd, line, len) || !read_line(fd, reply, sizeof(reply))) {
        fprintf(stderr, "mqblkctl: no reply from %s%s%s\n", argv[1],
                *reply ? ": " : "", reply);
        close(fd);
        return 1;
    }
    close(fd);
    printf("%s\n", reply);
    return reply_ok(reply) ? 0 : 1;
}
