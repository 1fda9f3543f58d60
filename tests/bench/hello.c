/*
 * The floor of any FastCGI answer on this machine: libfcgi's accept loop
 * answering a fixed, small JSON text, with as many processes as the
 * application has workers, behind the same nginx (location /bench/hello).
 * make bench measures Shailoo's answers against it and against nginx
 * serving a static file.
 *   build/bench-hello SOCKET PROCESSES
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char answer[] = "Status: 200 OK\r\n"
                             "Content-Type: application/json; charset=utf-8\r\n"
                             "Cache-Control: no-store\r\n"
                             "Content-Length: 17\r\n\r\n"
                             "{\"hello\":\"world\"}";

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET PROCESSES\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[2]);
    if (FCGX_Init() != 0)
        return 1;
    unlink(argv[1]);
    umask(0117);
    int fd = FCGX_OpenSocket(argv[1], 1024);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    for (int i = 1; i < n; i++)
        if (fork() == 0)
            break;
    FCGX_Request r;
    FCGX_InitRequest(&r, fd, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutStr(answer, (int)sizeof(answer) - 1, r.out);
        FCGX_Finish_r(&r);
    }
    return 0;
}
