#!/usr/bin/python3
"""A misbehaving NBD server for client tests (clients.sh loaderr).

usage: fake-nbd-server.py MODE SOCKET

Serves one connection on the Unix socket SOCKET: a fixed-newstyle
handshake that accepts NBD_OPT_GO for any export name (1 MiB, read-only),
then answers every request according to MODE:
  eio        a simple reply with NBD_EIO (no data)
  badcookie  a simple reply for a cookie that was never sent
It exits when the client disconnects.  mqblkd cannot be made to do either,
so the client's handling of them is tested here.
"""
import os
import socket
import struct
import sys

NBD_MAGIC = 0x4E42444D41474943
OPTS_MAGIC = 0x49484156454F5054
REP_MAGIC = 0x0003E889045565A9
REQ_MAGIC = 0x25609513
SIMPLE_REPLY_MAGIC = 0x67446698
OPT_GO, REP_ACK, REP_INFO, REP_ERR_UNSUP = 7, 1, 3, 0x80000001
FLAGS = 1 | 2      # HAS_FLAGS | READ_ONLY
SIZE = 1 << 20
NBD_EIO = 5


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            sys.exit(0)
        buf += chunk
    return buf


def handshake(conn):
    conn.sendall(struct.pack(">QQH", NBD_MAGIC, OPTS_MAGIC, 1 | 2))
    recv_exact(conn, 4)
    while True:
        magic, opt, length = struct.unpack(">QII", recv_exact(conn, 16))
        assert magic == OPTS_MAGIC
        recv_exact(conn, length)
        if opt != OPT_GO:
            conn.sendall(struct.pack(">QIII", REP_MAGIC, opt, REP_ERR_UNSUP, 0))
            continue
        info = struct.pack(">HQH", 0, SIZE, FLAGS)
        conn.sendall(struct.pack(">QIII", REP_MAGIC, opt, REP_INFO, len(info)) + info)
        conn.sendall(struct.pack(">QIII", REP_MAGIC, opt, REP_ACK, 0))
        return


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    conn, _ = srv.accept()
    handshake(conn)
    while True:
        magic, _flags, typ, cookie, _off, _len = struct.unpack(
            ">IHHQQI", recv_exact(conn, 28))
        assert magic == REQ_MAGIC
        if typ == 2:            # NBD_CMD_DISC
            return
        if mode == "badcookie":
            cookie += 1 << 40
        try:
            conn.sendall(struct.pack(">IIQ", SIMPLE_REPLY_MAGIC, NBD_EIO, cookie))
        except (BrokenPipeError, ConnectionResetError):
            return              # the client hung up first: its right


if __name__ == "__main__":
    main()
