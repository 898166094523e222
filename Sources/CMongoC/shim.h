#ifndef POOLSQL_CMONGOC_SHIM_H
#define POOLSQL_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
