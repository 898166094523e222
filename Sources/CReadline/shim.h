#ifndef POOLSQL_CREADLINE_SHIM_H
#define POOLSQL_CREADLINE_SHIM_H
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Readline's settings are global C variables; Swift 6 does not allow touching imported
   mutable globals, so the REPL sets them through these functions (always on one thread). */

/* 0: readline leaves SIGINT alone; the REPL handles Ctrl-C itself. */
static inline void poolsql_rl_set_catch_signals(int value) {
    rl_catch_signals = value;
}

/* The application name readline's ~/.inputrc conditionals (`$if poolsql`) test. */
static inline void poolsql_rl_use_poolsql_name(void) {
    rl_readline_name = "poolsql";
}

/* Columns of the terminal on `fd`, or 0 when it is not a terminal. */
static inline int poolsql_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) == -1) return 0;
    return size.ws_col;
}

#endif
